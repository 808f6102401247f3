import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialTestRequest,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../helpers/constants';
import { explainRunbaseAnswer, RUNBASE_ERROR_CODES } from './apiErrors';

/**
 * The credential test, declared on the credential so that n8n runs it however the
 * package was installed (n8n finds a node's `testedBy` method only for packages in
 * ~/.n8n/nodes, not for ~/.n8n/custom or N8N_CUSTOM_EXTENSIONS). It asks for a run
 * that cannot exist: Runbase answers a good key with 404 `run_not_found`.
 *
 * n8n's rules compare one value for equality, so the test fails on everything that
 * is not that answer, case by case:
 * - n8n 2.x throws on the statuses listed in `except` (success and redirects, which
 *   Runbase never gives here), and `responseCode` rules name them;
 * - n8n 1.x ignores `except` and lets every status through, and so does 2.x for the
 *   others: `responseSuccessBody` rules then judge the body's `error.code`: every
 *   code Runbase documents other than `run_not_found`, common codes of other APIs,
 *   and an answer with no code at all.
 * The key goes out only through the credential's `authenticate` (https, or http to
 * a local address) and never along a redirect.
 */
const PROBE_PATH = '/runs/run_n8n_credential_check';
const PROBE_TIMEOUT_MS = 15_000;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);
const SUCCESS_AND_REDIRECT_STATUSES = [...range(200, 208), 226, ...range(300, 308)];

const CHECK_BASE_URL = `Check the Base URL, e.g. ${DEFAULT_BASE_URL}`;
const NOT_RUNBASE = `where the Runbase API answers 404 run_not_found for a run that does not exist. ${CHECK_BASE_URL}.`;

function statusRule(status: number): IAuthenticateRuleResponseCode {
	const message =
		status >= 300
			? `The Base URL redirects elsewhere (HTTP ${status}). Set it to the API's final address, e.g. ${DEFAULT_BASE_URL}: the key is never sent along a redirect.`
			: `The Base URL answered HTTP ${status} (a success), ${NOT_RUNBASE}`;
	return { type: 'responseCode', properties: { value: status, message } };
}

const codeIs = (code: string | undefined, message: string): IAuthenticateRuleResponseSuccessBody => ({
	type: 'responseSuccessBody',
	properties: { key: 'error.code', value: code, message },
});

/** Runbase's own codes, worded as the node words them, except where a test means something else. */
function runbaseCodeRules(): IAuthenticateRuleResponseSuccessBody[] {
	const rules: IAuthenticateRuleResponseSuccessBody[] = [];
	for (const [status, codes] of Object.entries(RUNBASE_ERROR_CODES)) {
		for (const code of codes) {
			if (code === 'run_not_found') continue;
			if (code === 'RATE_LIMITED') {
				rules.push(codeIs(code, 'Runbase is rate limiting this key right now (429 RATE_LIMITED), so it could not be checked. Wait 10 seconds and test again.'));
			} else if (Number(status) === 400) {
				rules.push(codeIs(code, `The Base URL answered 400 ${code}, ${NOT_RUNBASE}`));
			} else {
				const { message, description } = explainRunbaseAnswer(Number(status), { code });
				rules.push(codeIs(code, `${message.includes(code) ? message : `${message} (${status} ${code})`}. ${description}`));
			}
		}
	}
	return rules;
}

/** Codes other APIs commonly answer for an unknown path: such a host is not Runbase. */
const OTHER_APIS_NOT_FOUND_CODES = ['not_found', 'NOT_FOUND', 'resource_not_found', 'route_not_found'];

const rules: Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody> = [
	...SUCCESS_AND_REDIRECT_STATUSES.map(statusRule),
	...runbaseCodeRules(),
	...OTHER_APIS_NOT_FOUND_CODES.map((code) => codeIs(code, `The Base URL answered "${code}", ${NOT_RUNBASE}`)),
	codeIs(
		undefined,
		`The Base URL did not answer as the Runbase API does (its answer has no Runbase error code). ${CHECK_BASE_URL}. If it is right, Runbase may have a problem: test again in a minute.`,
	),
];

export const runbaseCredentialTest: ICredentialTestRequest = {
	request: {
		baseURL: '={{$credentials.baseUrl || ""}}',
		url: PROBE_PATH,
		method: 'GET',
		headers: { accept: 'application/json' },
		json: true,
		timeout: PROBE_TIMEOUT_MS,
		disableFollowRedirect: true,
		ignoreHttpStatusErrors: { ignore: true, except: SUCCESS_AND_REDIRECT_STATUSES },
	},
	// n8n's tester reads both kinds of rule from one list; its type allows one kind per list.
	rules: rules as IAuthenticateRuleResponseSuccessBody[],
};
