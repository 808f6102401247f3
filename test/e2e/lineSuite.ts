/**
 * The checks every pinned n8n line must pass, defined once and run per line by
 * lines-2x.e2e.test.ts and lines-1x.e2e.test.ts (two files, so jest can run them in two
 * workers): the package installed from its packed tarball loads, runs the demo workflow,
 * shows the bad-key error, keeps the good items under Continue On Fail, and n8n's own
 * credential test gives the same answer on every line (credentialTestCases.ts).
 */
import { CREDENTIAL_CASE_KEYS, describeCredentialTestThroughRest } from './credentialTestCases';
import { example, setPrompts, startE2e, useCredential, variant } from './fixtures';
import type { E2eSetup } from './fixtures';
import { runtimeInfo } from './n8n';
import type { N8nLine } from './n8n';
import { imageSize } from './pngSize';

const workflows = {
	demo: example('demo.json'),
	badKey: variant('e2eBadKey000001', (node) => useCredential(node, 1)),
	continueOnFail: variant('e2eContinue0001', (node, workflow) => {
		node.onError = 'continueRegularOutput';
		setPrompts(workflow, [
			{ prompt: 'A good lamp', aspectRatio: '4:3' },
			{ prompt: 'A forbidden lamp', aspectRatio: '4:3' },
			{ prompt: 'Another good lamp', aspectRatio: '4:3' },
		]);
	}),
};

export function describeN8nLine(line: N8nLine) {
	const { version } = runtimeInfo(line);

	describe(`n8n ${version} (${line})`, () => {
		let setup: E2eSetup;

		beforeAll(async () => {
			setup = await startE2e(
				Object.values(workflows),
				{
					...CREDENTIAL_CASE_KEYS,
					pendingMs: 100,
					processingMs: 1500,
					failPromptsMatching: /forbidden/,
				},
				{},
				{ line },
			);
			expect(setup.instance.version).toBe(version);
		}, 1_200_000);

		afterAll(async () => {
			await setup?.dispose();
		});

		test('the demo workflow produces three images as binary data with the right type and size', async () => {
			const { instance, sim } = setup;
			const run = await instance.execute(workflows.demo.id);
			expect(run.failure).toBeNull();
			expect(run.result?.status).toBe('success');
			const items = run.items('Nano Banana');
			expect(items.map((item) => item.json.aspectRatio)).toEqual(['16:9', '9:16', '1:1']);
			const sizes = items.map((item, index) => {
				const binary = item.binary!.data;
				expect(binary.mimeType).toBe('image/png');
				expect(binary.fileName).toBe(`${String(item.json.runId)}.png`);
				const image = run.image('Nano Banana', index)!;
				expect(image.storedAs).toBe('file'); // filesystem binary mode: the result holds ids, not bytes
				return imageSize(image.bytes);
			});
			expect(sizes).toEqual([
				{ width: 1344, height: 768 },
				{ width: 768, height: 1344 },
				{ width: 1024, height: 1024 },
			]);
			const withReference = sim.requests.find(
				(request) => request.kind === 'create' && JSON.stringify(request.body).includes('picsum.photos'),
			);
			expect(withReference).toBeDefined();
			const imageRequests = sim.requests.filter((request) => request.kind === 'download');
			expect(imageRequests.length).toBeGreaterThanOrEqual(3);
			expect(imageRequests.every((request) => request.headers.authorization === undefined)).toBe(true);
		});

		test('an invalid key shows the credential error', async () => {
			const run = await setup.instance.execute(workflows.badKey.id);
			expect(run.result?.status).toBe('error');
			expect(run.result?.data?.resultData.error?.message).toBe('Runbase rejected the API key');
			expect(run.result?.data?.resultData.error?.description).toContain('Open the Runbase API credential');
			expect(run.failure?.kind).toBe('workflow-error');
			expect(run.failure?.message).toMatch(/^The workflow failed in node "Nano Banana": Runbase rejected the API key/);
		});

		test('Continue On Fail keeps the good items', async () => {
			const run = await setup.instance.execute(workflows.continueOnFail.id);
			expect(run.result?.status).toBe('success');
			const items = run.items('Nano Banana');
			expect(items.map((item) => item.json.status)).toEqual(['succeeded', 'failed', 'succeeded']);
			expect(items[1].json.error).toMatch(/^Runbase could not generate the image/);
			expect(items[1].json.runId).toMatch(/^run_/);
			expect(items[0].binary?.data.mimeType).toBe('image/png');
			expect(items[2].binary?.data.mimeType).toBe('image/png');
			expect(run.imagesOf('Nano Banana').map((image) => image.itemIndex)).toEqual([0, 2]);
		});

		describeCredentialTestThroughRest(() => setup);
	});
}
