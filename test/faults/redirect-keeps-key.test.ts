/**
 * The API key never travels along a redirect, not even to another name of the same
 * machine: a Base URL that redirects (here from 127.0.0.1 to localhost, two loopback
 * names) gets a clear error, the redirect target receives nothing, and no run starts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { FAST_POLLING } from '../helpers/fixtures';
import { runWorkflow } from '../helpers/engine';
import { useSimulator } from '../helpers/useSimulator';

const sim = useSimulator({ apiKeys: ['sk-redirect'] });

let redirector: http.Server;
const seen: Array<{ method?: string; url?: string; authorization?: string }> = [];

beforeAll(async () => {
	redirector = http.createServer((request, response) => {
		seen.push({ method: request.method, url: request.url, authorization: request.headers.authorization });
		const target = new URL(request.url ?? '/', sim.apiBaseUrl.replace('127.0.0.1', 'localhost'));
		response.writeHead(307, { location: target.toString() }).end();
	});
	await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => await new Promise((resolve) => redirector.close(resolve)));
beforeEach(() => (seen.length = 0));

const redirectingBaseUrl = () => `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/api/v1`;

test('a create answered with a redirect is not followed: the target gets nothing and nothing is charged', async () => {
	const result = await runWorkflow({
		parameters: { prompt: 'A lamp', options: FAST_POLLING },
		credentials: { apiKey: 'sk-redirect', baseUrl: redirectingBaseUrl() },
	});
	expect(result.error?.message).toBe('The Base URL redirects elsewhere (HTTP 307)');
	expect(result.error?.description).toContain('never sends your key along a redirect');
	expect(result.error?.description).toContain('No run was started and nothing was charged.');
	expect(seen).toEqual([{ method: 'POST', url: '/api/v1/runs', authorization: 'Bearer sk-redirect' }]);
	expect(sim.requests).toEqual([]);
});

test('Get Run answered with a redirect is not followed either', async () => {
	const result = await runWorkflow({
		parameters: { operation: 'getRun', runId: 'run_abc' },
		credentials: { apiKey: 'sk-redirect', baseUrl: redirectingBaseUrl() },
	});
	expect(result.error?.message).toBe('The Base URL redirects elsewhere (HTTP 307)');
	expect(seen.map((request) => request.url)).toEqual(['/api/v1/runs/run_abc']);
	expect(sim.requests).toEqual([]);
});
