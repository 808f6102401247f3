import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isBlockedByN8n, SSRF_BLOCKED } from './n8nSsrf';

export const CREDENTIAL_TYPE = 'runbaseApi';

export interface ApiAnswer {
	ok: true;
	statusCode: number;
	headers: IDataObject;
	/** Parsed JSON, or undefined when the body was empty or not JSON. */
	json: unknown;
	/** The start of a body that was not JSON (an HTML page from a proxy, a truncated answer). */
	notJson?: string;
}

export interface NoAnswer {
	ok: false;
	/** Network error code such as ECONNREFUSED, ECONNRESET or ECONNABORTED (timeout). */
	code: string;
	message: string;
}

export type ApiOutcome = ApiAnswer | NoAnswer;

/**
 * One call to the Runbase API. Authentication comes from the credential's
 * `authenticate`; this returns every HTTP answer (the caller decides what a
 * status means) and turns a missing answer into a value instead of a throw,
 * so that retry decisions live in one place.
 */
export async function apiRequest(
	ctx: IExecuteFunctions,
	baseUrl: string,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: IDataObject; timeoutMs: number },
): Promise<ApiOutcome> {
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, {
			method,
			url: `${baseUrl}${path}`,
			headers: {
				accept: 'application/json',
				...(options.body ? { 'content-type': 'application/json' } : {}),
			},
			body: options.body ? JSON.stringify(options.body) : undefined,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: options.timeoutMs,
			abortSignal: ctx.getExecutionCancelSignal(),
			// A redirect is answered, not followed: n8n's client would keep the key for a subdomain.
			disableFollowRedirect: true,
		})) as { statusCode: number; headers: IDataObject; body: unknown };
		return { ok: true, statusCode: response.statusCode, headers: response.headers ?? {}, ...parseBody(response.body) };
	} catch (error) {
		if (ctx.getExecutionCancelSignal()?.aborted) {
			throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled');
		}
		const cause = (error?.cause ?? error) as { code?: unknown; message?: unknown };
		return {
			ok: false,
			code: isBlockedByN8n(error) ? SSRF_BLOCKED : typeof cause.code === 'string' ? cause.code : 'UNKNOWN',
			message: typeof cause.message === 'string' ? cause.message : String(error?.message ?? error),
		};
	}
}

function parseBody(body: unknown): { json: unknown; notJson?: string } {
	if (typeof body !== 'string') return { json: body };
	const text = body.trim();
	if (text === '') return { json: undefined };
	try {
		return { json: JSON.parse(text) };
	} catch {
		return { json: undefined, notJson: text.slice(0, 200) };
	}
}
