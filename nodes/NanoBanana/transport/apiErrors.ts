import type { INode, NodeApiError } from 'n8n-workflow';

import { DASHBOARD_URL, DEFAULT_BASE_URL } from '../helpers/constants';
import type { RunStarted, RunFacts } from '../helpers/runErrors';
import { runError } from '../helpers/runErrors';

export interface ServerError {
	message?: string;
	code?: string;
}

/** Reads `{"error": {"message", "code"}}`, `{"error": "..."}` or `{"message": "..."}`. */
export function readServerError(json: unknown): ServerError {
	if (!json || typeof json !== 'object') return {};
	const body = json as { error?: unknown; message?: unknown; code?: unknown };
	if (typeof body.error === 'string') return { message: body.error };
	if (body.error && typeof body.error === 'object') {
		const error = body.error as { message?: unknown; code?: unknown };
		return {
			message: typeof error.message === 'string' ? error.message : undefined,
			code: typeof error.code === 'string' ? error.code : undefined,
		};
	}
	return {
		message: typeof body.message === 'string' ? body.message : undefined,
		code: typeof body.code === 'string' ? body.code : undefined,
	};
}

/** The error codes Runbase documents, by the HTTP status they come with. */
export const RUNBASE_ERROR_CODES: Readonly<Record<number, readonly string[]>> = {
	400: ['invalid_json', 'missing_model', 'missing_input', 'invalid_input', 'model_not_found'],
	401: ['missing_api_key', 'invalid_api_key'],
	402: ['insufficient_balance'],
	403: ['ip_not_allowed', 'api_key_spend_limit_exceeded'],
	404: ['run_not_found'],
	429: ['RATE_LIMITED', 'USAGE_EXCEEDED'],
};

export interface Explanation {
	message: string;
	description: string;
}

/** What an HTTP answer from Runbase means, in English, and what to do about it. */
export function explainRunbaseAnswer(httpCode: number, server: ServerError, runId?: string): Explanation {
	const said = server.message ? ` Runbase said: "${server.message}".` : '';
	if (httpCode >= 300 && httpCode < 400) {
		return {
			message: `The Base URL redirects elsewhere (HTTP ${httpCode})`,
			description: `The Runbase API does not redirect, and the node never sends your key along a redirect. Set the Base URL in the Runbase API credential to the API's own address (default ${DEFAULT_BASE_URL}).`,
		};
	}
	switch (httpCode) {
		case 400:
			return {
				message: `Runbase rejected the request as invalid${server.code ? ` (${server.code})` : ''}`,
				description: `Check the model, prompt, aspect ratio, resolution and reference image URLs of this item.${said}`,
			};
		case 401:
			return {
				message: 'Runbase rejected the API key',
				description: `Open the Runbase API credential and paste a valid key from ${DASHBOARD_URL} (it starts with "sk-").${said}`,
			};
		case 402:
			return {
				message: 'Your Runbase balance is too low to start this run',
				description: `Top up your balance at ${DASHBOARD_URL}, then run the workflow again.${said}`,
			};
		case 403:
			if (server.code === 'api_key_spend_limit_exceeded') {
				return {
					message: 'This Runbase API key has reached its spend limit',
					description: `Raise the key's spend limit in ${DASHBOARD_URL} or use another key in the credential.${said}`,
				};
			}
			if (server.code === 'ip_not_allowed') {
				return {
					message: "Runbase refused this API key from this server's IP address",
					description: `Add this server's IP address to the key's allow list in ${DASHBOARD_URL}, or use a key without an IP restriction.${said}`,
				};
			}
			return {
				message: `Access to Runbase was refused (403${server.code ? ` ${server.code}` : ''})`,
				description: `Check the key's IP allow list and spend limit in ${DASHBOARD_URL}. If a proxy or firewall stands between n8n and Runbase, it may have answered instead.${said}`,
			};
		case 404:
			return {
				message: runId ? `Runbase has no run with ID "${runId}"` : 'Runbase answered "not found"',
				description: runId
					? `Check the run ID. A run can only be read with a key of the account that created it.${said}`
					: `Check the Base URL in the Runbase API credential (default ${DEFAULT_BASE_URL}).${said}`,
			};
		case 429:
			if (server.code === 'USAGE_EXCEEDED') {
				return {
					message: 'This Runbase API key has reached its usage cap (USAGE_EXCEEDED)',
					description: `Waiting does not clear a usage cap, so the node did not retry. Raise the key's usage limit or your plan in ${DASHBOARD_URL}, or use another key in the credential.${said}`,
				};
			}
			return {
				message: 'Runbase kept rate limiting this API key',
				description: `Other workflows, n8n workers or apps probably use the same key. Set Requests per 10 Seconds to this workflow's share of the key's limit, give each n8n worker its own key, or raise Timeout.${said}`,
			};
		default:
			return {
				message: `Runbase had a server error (HTTP ${httpCode})`,
				description: `This is a problem on Runbase's side; try again in a minute.${said}`,
			};
	}
}

/** The error for an HTTP answer from Runbase, with English text that says what to do and what became of the run. */
export function runbaseApiError(
	node: INode,
	httpCode: number,
	json: unknown,
	context: { itemIndex: number; runStarted: RunStarted; run?: RunFacts; notJson?: string },
): NodeApiError {
	const server = readServerError(json);
	const explained = explainRunbaseAnswer(httpCode, server, context.run?.runId);
	const { message } = explained;
	// An answer that is not Runbase's JSON (a proxy's HTML page) is shown by its start.
	const description =
		context.notJson && !server.code
			? `${explained.description} The answer was not Runbase's and began with: ${context.notJson.slice(0, 120)}`
			: explained.description;
	return runError(node, {
		message,
		detail: description,
		runStarted: context.runStarted,
		run: context.run,
		itemIndex: context.itemIndex,
		httpCode: String(httpCode),
		response: {
			httpCode: String(httpCode),
			...(server.code ? { code: server.code } : {}),
			...(server.message ? { message: server.message } : {}),
		},
	});
}
