import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { isLocalHost } from '../helpers/addressPolicy';
import { DEFAULT_BASE_URL } from '../helpers/constants';
import { readServerError } from './apiErrors';
import { isTlsFailure } from './retryPolicy';

/** A run that cannot exist: Runbase answers it 404 `run_not_found` for a good key, 401 or 403 otherwise. */
const PROBE_PATH = '/runs/run_n8n_credential_check';
const PROBE_TIMEOUT_MS = 15_000;

const fail = (message: string): INodeCredentialTestResult => ({ status: 'Error', message });

/** What an unreachable Base URL gets: the network error's code, in words. */
function networkProblem(baseUrl: string, error: { name?: string; cause?: { code?: string; message?: string } }): string {
	const code = error.cause?.code ?? '';
	if (error.name === 'TimeoutError') return `${baseUrl} did not answer within ${PROBE_TIMEOUT_MS / 1000} seconds. Check the Base URL and this server's internet access.`;
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `The host of ${baseUrl} was not found (${code}). Check the Base URL for typos.`;
	if (code === 'ECONNREFUSED') return `Nothing answers at ${baseUrl} (connection refused). Check the Base URL and its port.`;
	if (isTlsFailure(code)) return `The TLS certificate of ${baseUrl} was not accepted (${code}). Check the Base URL, or the proxy between n8n and Runbase.`;
	return `Could not reach ${baseUrl} (${code || error.cause?.message || 'network error'}). Check the Base URL and this server's internet access.`;
}

/** The verdict for Runbase's answer to the probe: only its own `run_not_found` proves key and Base URL. */
function verdict(status: number, body: unknown, baseUrl: string): INodeCredentialTestResult {
	const { code, message } = readServerError(body);
	if (status === 404 && code === 'run_not_found') return { status: 'OK', message: 'Connection successful: Runbase accepted the API key.' };
	if (status === 401) return fail('Runbase rejected this API key (401). Copy the key again from the Runbase dashboard (it starts with "sk-") and paste it without spaces.');
	if (status === 403 && code === 'api_key_spend_limit_exceeded') return fail("This API key has reached its spend limit (403). Raise the key's limit in the Runbase dashboard or use another key.");
	if (status === 403 && code === 'ip_not_allowed') return fail("Runbase refused this key from this server's IP address (403). Add the IP to the key's allow list in the Runbase dashboard.");
	if (status === 403) return fail(`Access was refused (403${code ? ` ${code}` : ''}). Check the key's IP allow list and spend limit in the Runbase dashboard${message ? `; the answer said: ${message}` : ''}.`);
	if (status === 429 && code === 'USAGE_EXCEEDED') return fail("Runbase accepted the key, but it has reached its usage cap (429 USAGE_EXCEEDED). Raise the key's usage limit in the Runbase dashboard.");
	if (status === 429) return fail('Runbase is rate limiting this key (429) right now, so it could not be checked. Wait a few seconds and test again.');
	if (status >= 500) return fail(`Runbase had a server error (HTTP ${status}). Try again in a minute.`);
	if (status >= 300 && status < 400) return fail(`${baseUrl} redirects elsewhere (HTTP ${status}). Set the Base URL to the API's final address, e.g. ${DEFAULT_BASE_URL}.`);
	return fail(`${baseUrl} does not look like the Runbase API: it answered HTTP ${status}${code ? ` (${code})` : ''} where Runbase answers 404 run_not_found. Check the Base URL, e.g. ${DEFAULT_BASE_URL}.`);
}

/**
 * The credential test, run by the node so it is exact on every n8n version: it
 * passes only when Runbase itself answers that the made-up run does not exist.
 * `fetch` is used because credential tests get no `httpRequest` helper; the
 * key goes only to the Base URL, never along a redirect.
 */
export async function testRunbaseCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as { apiKey?: unknown; baseUrl?: unknown };
	const apiKey = typeof data.apiKey === 'string' ? data.apiKey.trim() : '';
	if (!apiKey) return fail('Enter your API key from the Runbase dashboard (it starts with "sk-").');
	const baseUrl = (typeof data.baseUrl === 'string' && data.baseUrl.trim() ? data.baseUrl : DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
	let url: URL;
	try {
		url = new URL(`${baseUrl}${PROBE_PATH}`);
	} catch {
		return fail(`The Base URL "${baseUrl}" is not a web address. Use e.g. ${DEFAULT_BASE_URL}.`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(`The Base URL must start with https://, e.g. ${DEFAULT_BASE_URL}.`);
	if (url.protocol === 'http:' && !isLocalHost(url.hostname)) {
		return fail(`The Base URL uses http://, which would send your API key unencrypted over the internet. Use https://, e.g. ${DEFAULT_BASE_URL}.`);
	}
	let response: Response;
	try {
		response = await fetch(url, {
			headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' },
			redirect: 'manual',
			signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
		});
	} catch (error) {
		return fail(networkProblem(baseUrl, error));
	}
	const text = await response.text().catch(() => '');
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		body = undefined;
	}
	return verdict(response.status, body, baseUrl);
}
