/**
 * The credential's declarative test passes only when Runbase itself accepts the key
 * at the Base URL; every wrong setup fails with its own message, on n8n 2.x and as
 * n8n 1.x sends the request. The key goes out only through `authenticate`.
 */
import { authenticateRunbaseRequest } from '../nodes/NanoBanana/transport/authentication';
import { testCredential } from './helpers/credentialTest';
import { freePort } from './helpers/fixtures';
import { useSimulator } from './helpers/useSimulator';

const sim = useSimulator({
	apiKeys: ['sk-test', 'sk-blocked', 'sk-spent', 'sk-cap'],
	keyStates: { 'sk-blocked': 'ip_not_allowed', 'sk-spent': 'api_key_spend_limit_exceeded', 'sk-cap': 'usage_exceeded' },
});

const origin = () => sim.apiBaseUrl.replace(/\/api\/v1$/, '');
const OK = { status: 'OK', message: 'Connection successful!' };

describe.each(['2.x', '1.x'] as const)('as n8n %s runs it', (line) => {
	test('a good key at the API passes, after one probe with that key', async () => {
		expect(await testCredential({ apiKey: 'sk-test', baseUrl: sim.apiBaseUrl }, { line })).toEqual(OK);
		expect(sim.requests.map((request) => [request.method, request.path, request.headers.authorization])).toEqual([
			['GET', '/api/v1/runs/run_n8n_credential_check', 'Bearer sk-test'],
		]);
	});

	test('a key pasted with spaces and a line break, and a Base URL with a slash at the end, still pass', async () => {
		expect(await testCredential({ apiKey: '  sk-test\n', baseUrl: ` ${sim.apiBaseUrl}/ ` }, { line })).toEqual(OK);
	});

	test.each([
		['a wrong key', 'sk-nope', /^Runbase rejected the API key \(401 invalid_api_key\)\. Open the Runbase API credential/],
		['a blocked IP', 'sk-blocked', /^Runbase refused this API key from this server's IP address \(403 ip_not_allowed\)/],
		['a spend limit', 'sk-spent', /^This Runbase API key has reached its spend limit \(403 api_key_spend_limit_exceeded\)/],
		['a usage cap', 'sk-cap', /^This Runbase API key has reached its usage cap \(USAGE_EXCEEDED\)\. Waiting/],
	])('%s fails with its own message', async (_, apiKey, message) => {
		const result = await testCredential({ apiKey, baseUrl: sim.apiBaseUrl }, { line });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(message);
		expect(result.message).not.toContain(apiKey);
	});

	test("a live host whose 404 is not Runbase's run_not_found fails (a path that is not the API)", async () => {
		expect(await testCredential({ apiKey: 'sk-test', baseUrl: `${origin()}/v2` }, { line })).toEqual({
			status: 'Error',
			message: 'The Base URL answered "not_found", where the Runbase API answers 404 run_not_found for a run that does not exist. Check the Base URL, e.g. https://runbase.net/api/v1.',
		});
	});

	test('a host that answers without a Runbase error code fails', async () => {
		const result = await testCredential({ apiKey: 'sk-test', baseUrl: `${origin()}/files/generated/x.png` }, { line });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^The (Base URL did not answer as the Runbase API does|Base URL answered HTTP 200)/);
	});

	test('a rate-limited key is reported as such', async () => {
		sim.configure({ rateLimit: { requests: 0, windowMs: 10_000 } });
		const result = await testCredential({ apiKey: 'sk-test', baseUrl: sim.apiBaseUrl }, { line });
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/^Runbase is rate limiting this key right now \(429 RATE_LIMITED\)/) });
	});

	test('an unreachable host fails with the connection error', async () => {
		const result = await testCredential({ apiKey: 'sk-test', baseUrl: `http://127.0.0.1:${await freePort()}/api/v1` }, { line });
		expect(result).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
	});

	test('a missing key is refused before any request', async () => {
		const result = await testCredential({ apiKey: '  ', baseUrl: sim.apiBaseUrl }, { line });
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/^Enter your API key/) });
		expect(sim.requests).toEqual([]);
	});
});

describe('authenticate: the key goes only where it may', () => {
	test.each([
		['no key', { apiKey: '  ' }, 'https://runbase.net/api/v1', /^Enter your API key/],
		['a Base URL without a scheme', { apiKey: 'sk-test' }, 'runbase.invalid/api/v1', /is not a web address/],
		['plain http to a remote host', { apiKey: 'sk-test' }, 'http://runbase.invalid/api/v1', /uses http:\/\/, which would send your API key unencrypted/],
		['an ftp Base URL', { apiKey: 'sk-test' }, 'ftp://runbase.invalid/api', /is not a web address/],
	])('%s is refused', async (_, credentials, baseURL, message) => {
		await expect(authenticateRunbaseRequest(credentials, { baseURL, url: '/runs/x' })).rejects.toThrow(message);
	});

	test('an https Base URL, or http inside this machine or network, gets the trimmed key', async () => {
		for (const baseURL of ['https://runbase.net/api/v1', 'http://127.0.0.1:8080/api/v1', 'http://10.0.0.5/api']) {
			const options = await authenticateRunbaseRequest({ apiKey: ' sk-test\n' }, { baseURL: `${baseURL}/`, url: '/runs/x' });
			expect(options.headers).toEqual({ Authorization: 'Bearer sk-test' });
			expect(options.baseURL).toBe(baseURL);
		}
	});

	test('an absolute URL (the node\'s own requests) is judged by itself, and an empty Base URL means the default', async () => {
		await expect(authenticateRunbaseRequest({ apiKey: 'k' }, { url: 'http://runbase.invalid/runs' })).rejects.toThrow(/unencrypted/);
		expect((await authenticateRunbaseRequest({ apiKey: 'k' }, { baseURL: ' ', url: '/runs/x' })).baseURL).toBe('https://runbase.net/api/v1');
	});
});
