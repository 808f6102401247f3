/**
 * The checks every pinned n8n line must pass, defined once and run per line by
 * lines-2x.e2e.test.ts and lines-1x.e2e.test.ts (two files, so jest can run them in two
 * workers): the package installed from its packed tarball loads, runs the demo workflow,
 * shows the bad-key error, keeps the good items under Continue On Fail, and n8n's own
 * credential test (POST /rest/credentials/test, after owner setup and login) gives the
 * same answer on every line for each way a credential can be right or wrong.
 */
import { freePort } from '../helpers/fixtures';
import { example, setPrompts, startE2e, useCredential, variant } from './fixtures';
import type { E2eSetup } from './fixtures';
import { N8nRest } from './harness/rest';
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

const OK = { status: 'OK', message: 'Connection successful: Runbase accepted the API key.' };

type Where = { api: string; origin: string; closedPort: number };
/** [case, apiKey, Base URL, n8n's expected answer]: the same on every line. */
const credentialCases: Array<[string, string, (where: Where) => string, (baseUrl: string) => { status: string; message: string }]> = [
	['a good key at the API passes', 'sk-e2e', ({ api }) => api, () => OK],
	[
		'a wrong key fails',
		'sk-wrong',
		({ api }) => api,
		() => ({
			status: 'Error',
			message:
				'Runbase rejected this API key (401). Copy the key again from the Runbase dashboard (it starts with "sk-") and paste it without spaces.',
		}),
	],
	[
		'a key blocked for this IP fails',
		'sk-blocked',
		({ api }) => api,
		() => ({
			status: 'Error',
			message:
				"Runbase refused this key from this server's IP address (403). Add the IP to the key's allow list in the Runbase dashboard.",
		}),
	],
	[
		'a key at its spend limit fails',
		'sk-spent',
		({ api }) => api,
		() => ({
			status: 'Error',
			message: "This API key has reached its spend limit (403). Raise the key's limit in the Runbase dashboard or use another key.",
		}),
	],
	[
		'a Base URL path that is not the API fails',
		'sk-e2e',
		({ origin }) => `${origin}/v2`,
		(baseUrl) => ({
			status: 'Error',
			message: `${baseUrl} does not look like the Runbase API: it answered HTTP 404 (not_found) where Runbase answers 404 run_not_found. Check the Base URL, e.g. https://runbase.net/api/v1.`,
		}),
	],
	[
		'an unreachable host fails',
		'sk-e2e',
		({ closedPort }) => `http://127.0.0.1:${closedPort}/api/v1`,
		(baseUrl) => ({
			status: 'Error',
			message: `Nothing answers at ${baseUrl} (connection refused). Check the Base URL and its port.`,
		}),
	],
];

export function describeN8nLine(line: N8nLine) {
	const { version } = runtimeInfo(line);

	describe(`n8n ${version} (${line})`, () => {
		let setup: E2eSetup;

		beforeAll(async () => {
			setup = await startE2e(
				Object.values(workflows),
				{
					apiKeys: ['sk-e2e', 'sk-broke', 'sk-blocked', 'sk-spent'],
					keyStates: { 'sk-broke': 'insufficient_balance', 'sk-blocked': 'ip_not_allowed', 'sk-spent': 'api_key_spend_limit_exceeded' },
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

		describe("credential test through n8n's REST API (POST /rest/credentials/test)", () => {
			let rest: N8nRest;
			let where: Where;

			beforeAll(async () => {
				rest = await N8nRest.start(setup.instance);
				const api = setup.sim.apiBaseUrl;
				where = { api, origin: api.replace(/\/api\/v1$/, ''), closedPort: await freePort() };
			}, 180_000);

			afterAll(async () => {
				await rest?.stop();
			});

			test.each(credentialCases)('%s', async (name, apiKey, baseUrlOf, expected) => {
				const baseUrl = baseUrlOf(where);
				const saved = await rest.createCredential({ name, type: 'runbaseApi', data: { apiKey, baseUrl } });
				setup.sim.reset();
				expect(await rest.testCredential(saved)).toEqual(expected(baseUrl));
				if (baseUrl === where.api) {
					// n8n ran the node's own test: one probe for a run that cannot exist, with this key.
					expect(setup.sim.requests.map((request) => [request.method, request.path, request.headers.authorization])).toEqual([
						['GET', '/api/v1/runs/run_n8n_credential_check', `Bearer ${apiKey}`],
					]);
				}
			});
		});
	});
}
