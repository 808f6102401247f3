/**
 * n8n's own credential test (POST /rest/credentials/test, after owner setup and login)
 * gives the same answer on every line and every install route for each way a Runbase
 * credential can be right or wrong (only n8n's own words for a network failure differ by line). The cases are the credential's declarative test as
 * real n8n runs it; test/credential.test.ts covers the same rules in n8n's engine.
 */
import { freePort } from '../helpers/fixtures';
import type { SimulatorOptions } from '../simulator';
import type { E2eSetup } from './fixtures';
import { N8nRest } from './harness/rest';
import type { N8nLine } from './n8n';

type Where = { api: string; origin: string; closedPort: number };
type Answer = { status: string; message: string | Record<N8nLine, string> };

const CHECK_BASE_URL = 'Check the Base URL, e.g. https://runbase.net/api/v1.';

/** [case, apiKey, Base URL, n8n's expected answer]. */
const credentialCases: Array<[string, string, (where: Where) => string, Answer]> = [
	['a good key at the API passes', 'sk-e2e', ({ api }) => api, { status: 'OK', message: 'Connection successful!' }],
	[
		'a wrong key fails',
		'sk-wrong',
		({ api }) => api,
		{
			status: 'Error',
			message:
				'Runbase rejected the API key (401 invalid_api_key). Open the Runbase API credential and paste a valid key from https://runbase.net/dashboard (it starts with "sk-").',
		},
	],
	[
		'a key blocked for this IP fails',
		'sk-blocked',
		({ api }) => api,
		{
			status: 'Error',
			message:
				"Runbase refused this API key from this server's IP address (403 ip_not_allowed). Add this server's IP address to the key's allow list in https://runbase.net/dashboard, or use a key without an IP restriction.",
		},
	],
	[
		'a key at its spend limit fails',
		'sk-spent',
		({ api }) => api,
		{
			status: 'Error',
			message:
				"This Runbase API key has reached its spend limit (403 api_key_spend_limit_exceeded). Raise the key's spend limit in https://runbase.net/dashboard or use another key in the credential.",
		},
	],
	[
		'a host that is not the Runbase API fails',
		'sk-e2e',
		({ origin }) => `${origin}/v2`,
		{
			status: 'Error',
			message: `The Base URL answered "not_found", where the Runbase API answers 404 run_not_found for a run that does not exist. ${CHECK_BASE_URL}`,
		},
	],
	// n8n's own words for a network failure, which differ between its lines.
	[
		'an unreachable host fails',
		'sk-e2e',
		({ closedPort }) => `http://127.0.0.1:${closedPort}/api/v1`,
		{ status: 'Error', message: { '2.x': 'ECONNREFUSED', '1.x': 'The service refused the connection - perhaps it is offline' } },
	],
];

/** The simulator options the cases need: these keys, in these states. */
export const CREDENTIAL_CASE_KEYS: Pick<SimulatorOptions, 'apiKeys' | 'keyStates'> = {
	apiKeys: ['sk-e2e', 'sk-broke', 'sk-blocked', 'sk-spent'],
	keyStates: { 'sk-broke': 'insufficient_balance', 'sk-blocked': 'ip_not_allowed', 'sk-spent': 'api_key_spend_limit_exceeded' },
};

/** Runs every case through n8n's REST API of the instance that `setupOf()` returns (started in its own beforeAll). */
export function describeCredentialTestThroughRest(setupOf: () => E2eSetup) {
	describe("credential test through n8n's REST API (POST /rest/credentials/test)", () => {
		let rest: N8nRest;
		let where: Where;

		beforeAll(async () => {
			const setup = setupOf();
			rest = await N8nRest.start(setup.instance);
			const api = setup.sim.apiBaseUrl;
			where = { api, origin: api.replace(/\/api\/v1$/, ''), closedPort: await freePort() };
		}, 180_000);

		afterAll(async () => {
			await rest?.stop();
		});

		test.each(credentialCases)('%s', async (name, apiKey, baseUrlOf, expected) => {
			const { sim } = setupOf();
			const baseUrl = baseUrlOf(where);
			const saved = await rest.createCredential({ name, type: 'runbaseApi', data: { apiKey, baseUrl } });
			sim.reset();
			const { message } = expected;
			const words = typeof message === 'string' ? message : message[setupOf().instance.line as N8nLine];
			expect(await rest.testCredential(saved)).toEqual({ ...expected, message: words });
			if (baseUrl === where.api) {
				// n8n ran the credential's test: one probe for a run that cannot exist, with this key.
				expect(sim.requests.map((request) => [request.method, request.path, request.headers.authorization])).toEqual([
					['GET', '/api/v1/runs/run_n8n_credential_check', `Bearer ${apiKey}`],
				]);
			}
		});
	});
}
