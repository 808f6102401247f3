/**
 * The node's requests go through n8n's own SSRF protection (n8n 2.x,
 * N8N_SSRF_PROTECTION_ENABLED): with the simulator's 127.0.0.1 blocked, n8n stops
 * the request; with it allowed, the demo runs. Nothing here leaves 127.0.0.1.
 */
import { startE2e, variant } from './fixtures';
import type { E2eSetup } from './fixtures';

const urls = variant('e2eSsrfUrls0001', (node) => (node.parameters.returnAs = 'urls'));

describe.each([
	['blocks', { N8N_SSRF_PROTECTION_ENABLED: 'true' }],
	['allows', { N8N_SSRF_PROTECTION_ENABLED: 'true', N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32' }],
])("n8n's SSRF protection %s 127.0.0.1", (verdict, env) => {
	let setup: E2eSetup;
	beforeAll(async () => {
		setup = await startE2e([urls], { pendingMs: 50, processingMs: 300 }, env);
	}, 1_200_000);
	afterAll(async () => await setup?.dispose());

	test(`the node's API requests ${verdict === 'blocks' ? 'are stopped by n8n' : 'go through'}`, async () => {
		const run = await setup.instance.execute(urls.id, { timeoutMs: 180_000 });
		if (verdict === 'blocks') {
			expect(run.result?.status).toBe('error');
			expect(setup.sim.requests.filter((request) => request.host === 'api')).toHaveLength(0);
			// Refused by n8n before sending: the node says so, and that no run was started.
			expect(run.failure?.message).toContain('Could not reach Runbase at');
			expect(run.failure?.message).toContain("n8n's SSRF protection blocked the request to the Base URL");
			expect(run.failure?.message).toContain('No run was started and nothing was charged.');
		} else {
			expect(run.failure).toBeNull();
			expect(run.items('Nano Banana')).toHaveLength(3);
		}
	});
});
