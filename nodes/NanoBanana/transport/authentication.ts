import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { baseUrlProblem, normaliseBaseUrl } from './baseUrl';

/** Where a request goes, joined as n8n's HTTP client joins `baseURL` and a relative `url`. */
function requestTarget({ baseURL, url }: IHttpRequestOptions): string {
	if (baseURL === undefined || /^[a-z][a-z\d+.-]*:/i.test(url)) return url;
	return `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}

/**
 * The credential's `authenticate`: adds the key as a Bearer token, but only for a
 * request that may carry it (https, or http inside this machine or network). It
 * runs for the node's requests and for the credential test alike, so a key is
 * never sent unencrypted over the internet, not even by pressing Test.
 */
export async function authenticateRunbaseRequest(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const apiKey = typeof credentials.apiKey === 'string' ? credentials.apiKey.trim() : '';
	if (!apiKey) throw new UserError('Enter your API key from the Runbase dashboard (it starts with "sk-").');
	const options = requestOptions.baseURL === undefined ? requestOptions : { ...requestOptions, baseURL: normaliseBaseUrl(requestOptions.baseURL) };
	const problem = baseUrlProblem(requestTarget(options));
	if (problem) throw new UserError(`${problem.message}. ${problem.advice}`);
	return { ...options, headers: { ...options.headers, Authorization: `Bearer ${apiKey}` } };
}
