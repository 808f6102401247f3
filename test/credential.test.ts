/**
 * The credential test passes only when Runbase itself accepts the key at the
 * Base URL; every wrong setup fails with its own message.
 */
import { isLocalHost } from '../nodes/NanoBanana/helpers/addressPolicy';
import { testCredential } from './helpers/credentialTest';
import { freePort } from './helpers/fixtures';
import { startSimulator } from './simulator';
import type { Simulator } from './simulator';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({
		apiKeys: ['sk-test', 'sk-blocked', 'sk-spent', 'sk-cap'],
		keyStates: { 'sk-blocked': 'ip_not_allowed', 'sk-spent': 'api_key_spend_limit_exceeded', 'sk-cap': 'usage_exceeded' },
	});
});
afterAll(async () => await sim.close());
beforeEach(() => sim.reset());

const origin = () => sim.apiBaseUrl.replace(/\/api\/v1$/, '');

test('a good key at the API passes', async () => {
	expect(await testCredential({ apiKey: 'sk-test', baseUrl: sim.apiBaseUrl })).toEqual({
		status: 'OK',
		message: 'Connection successful: Runbase accepted the API key.',
	});
	expect(sim.requests[0].headers.authorization).toBe('Bearer sk-test');
});

test('a key pasted with spaces and a line break is the same key', async () => {
	expect((await testCredential({ apiKey: '  sk-test\n', baseUrl: `${sim.apiBaseUrl}/` })).status).toBe('OK');
});

test.each([
	['a wrong key', 'sk-nope', /^Runbase rejected this API key \(401\)/],
	['a blocked IP', 'sk-blocked', /^Runbase refused this key from this server's IP address \(403\)/],
	['a spend limit', 'sk-spent', /^This API key has reached its spend limit \(403\)/],
	['a usage cap', 'sk-cap', /^Runbase accepted the key, but it has reached its usage cap \(429 USAGE_EXCEEDED\)/],
])('%s fails with its own message', async (_, apiKey, message) => {
	const result = await testCredential({ apiKey, baseUrl: sim.apiBaseUrl });
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(message);
	expect(result.message).not.toContain(apiKey);
});

test('a live host whose 404 is not Runbase\'s run_not_found fails (a path that is not the API)', async () => {
	const result = await testCredential({ apiKey: 'sk-test', baseUrl: `${origin()}/v2` });
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/does not look like the Runbase API: it answered HTTP 404 \(not_found\) where Runbase answers 404 run_not_found/);
});

test('a host that is not an API at all fails', async () => {
	const result = await testCredential({ apiKey: 'sk-test', baseUrl: `${origin()}/files/generated/x.png` });
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/does not look like the Runbase API/);
});

test('an unreachable host fails', async () => {
	const baseUrl = `http://127.0.0.1:${await freePort()}/api/v1`;
	const result = await testCredential({ apiKey: 'sk-test', baseUrl });
	expect(result).toEqual({ status: 'Error', message: `Nothing answers at ${baseUrl} (connection refused). Check the Base URL and its port.` });
});

describe('refused before any request', () => {
	let fetchSpy: jest.SpyInstance;
	beforeEach(() => {
		fetchSpy = jest.spyOn(global, 'fetch').mockImplementation(async () => {
			throw new Error('no request may be sent');
		});
	});
	afterEach(() => fetchSpy.mockRestore());

	test.each([
		['no key', { apiKey: '  ', baseUrl: 'https://runbase.invalid/api/v1' }, /^Enter your API key/],
		['a Base URL without a scheme', { apiKey: 'sk-test', baseUrl: 'runbase.invalid/api/v1' }, /is not a web address/],
		['plain http to a remote host', { apiKey: 'sk-test', baseUrl: 'http://runbase.invalid/api/v1' }, /uses http:\/\/, which would send your API key unencrypted/],
		['an ftp Base URL', { apiKey: 'sk-test', baseUrl: 'ftp://runbase.invalid/api' }, /must start with https:\/\//],
	])('%s', async (_, data, message) => {
		const result = await testCredential(data);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(message);
		expect(fetchSpy).not.toHaveBeenCalled();
	});
});

test('address policy: plain http only for loopback and private addresses', () => {
	for (const host of ['127.0.0.1', 'localhost', '[::1]', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.10', 'api.localhost', '[fd12::1]']) {
		expect([host, isLocalHost(host)]).toEqual([host, true]);
	}
	for (const host of ['8.8.8.8', '172.32.0.1', '172.15.0.1', '192.169.0.1', 'runbase.net', '127.0.0.1.nip.io', '[2001:db8::1]', '1.2.3']) {
		expect([host, isLocalHost(host)]).toEqual([host, false]);
	}
});
