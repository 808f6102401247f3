/**
 * The package copied into a custom extensions folder, as n8n's docs advise for private
 * and self-built nodes and as Docker setups mount it: `~/.n8n/custom`, or a folder named
 * by N8N_CUSTOM_EXTENSIONS. n8n loads it with another loader than community packages
 * (node type CUSTOM.nanoBanana, no `supportedNodes` on the credential), so the node runs
 * and the credential test answers exactly as after a community-package install
 * (lineSuite.ts), on each line (installRoutes-2x / -1x.e2e.test.ts).
 */
import { CREDENTIAL_CASE_KEYS, describeCredentialTestThroughRest } from './credentialTestCases';
import { example, startE2e } from './fixtures';
import type { E2eSetup, InstallRoute } from './fixtures';
import { runtimeInfo } from './n8n';
import type { N8nLine } from './n8n';

const demo = example('demo.json');

export function describeCustomInstallRoutes(line: N8nLine) {
	const { version } = runtimeInfo(line);

	describe.each<[InstallRoute, string]>([
		['custom', '~/.n8n/custom'],
		['extensions', 'N8N_CUSTOM_EXTENSIONS'],
	])(`n8n ${version} (${line}), the package in %s (%s)`, (installRoute) => {
		let setup: E2eSetup;

		beforeAll(async () => {
			setup = await startE2e([demo], { ...CREDENTIAL_CASE_KEYS, pendingMs: 100, processingMs: 500 }, {}, { line, installRoute });
			expect(setup.instance.version).toBe(version);
		}, 1_200_000);

		afterAll(async () => {
			await setup?.dispose();
		});

		test('the demo workflow runs the node as CUSTOM.nanoBanana and produces its three images', async () => {
			const run = await setup.instance.execute(demo.id);
			expect(run.failure).toBeNull();
			expect(run.result?.status).toBe('success');
			expect(setup.instance.nodeType('nanoBanana')).toBe('CUSTOM.nanoBanana');
			expect(run.items('Nano Banana').map((item) => item.binary?.data.mimeType)).toEqual(['image/png', 'image/png', 'image/png']);
		});

		describeCredentialTestThroughRest(() => setup);
	});
}
