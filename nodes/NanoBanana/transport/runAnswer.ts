import type { INode } from 'n8n-workflow';

import type { RunbaseRun } from '../helpers/interfaces';
import { runError } from '../helpers/runErrors';
import type { ApiAnswer } from './apiRequest';
import { readServerError } from './apiErrors';
import type { Connection } from './connection';

/** A successful status with a body that is not JSON (an HTML page from a proxy, a cut-off answer), key redacted. */
export function notJsonProblem(notJson: string, what: string, connection: Connection): string {
	return `Runbase's answer${what ? ` ${what}` : ''} was not JSON. It began with: ${connection.redact(notJson).slice(0, 120)}`;
}

function problemWith(answer: ApiAnswer, what: string, connection: Connection): string | undefined {
	const json = answer.json as Partial<RunbaseRun> | undefined;
	if (answer.notJson !== undefined) return notJsonProblem(answer.notJson, what, connection);
	if (!json || typeof json !== 'object' || Array.isArray(json)) return `Runbase's answer ${what} was empty or not an object`;
	if (json.error !== undefined && json.id === undefined) {
		const server = readServerError(json);
		return `Runbase answered with an error ${what}: ${connection.redact(server.message ?? server.code ?? 'no details')}`;
	}
	if (typeof json.id !== 'string' || json.id === '') return `Runbase's answer ${what} has no run ID`;
	if (typeof json.status !== 'string') return `Runbase's answer ${what} has no status`;
	return undefined;
}

/**
 * Checks that a 2xx answer really describes a run; anything else is reported,
 * never guessed. Every text from Runbase reaches the output or an error from
 * here, so the key is removed once.
 */
export function readRun(node: INode, answer: ApiAnswer, itemIndex: number, runId: string | undefined, connection: Connection): RunbaseRun {
	const problem = problemWith(answer, runId ? `about run ${runId}` : 'when starting the run', connection);
	if (problem) {
		const seenId = (answer.json as { id?: unknown } | undefined)?.id;
		const knownId = runId ?? (typeof seenId === 'string' && seenId !== '' ? connection.redact(seenId) : undefined);
		throw runError(node, {
			message: problem,
			runStarted: knownId ? 'started' : 'mayHaveStarted',
			run: { runId: knownId },
			itemIndex,
			response: { networkError: String(answer.statusCode) },
		});
	}
	return connection.redactJson(answer.json) as RunbaseRun;
}

/** The image URLs of a succeeded run; a success without usable URLs breaks the API contract. */
export function imageUrls(node: INode, run: RunbaseRun, itemIndex: number): string[] {
	const urls = run.output?.urls;
	const usable =
		Array.isArray(urls) &&
		urls.length > 0 &&
		urls.every((url) => typeof url === 'string' && /^https?:\/\//i.test(url));
	if (usable) return urls as string[];
	const found = Array.isArray(urls)
		? urls.length === 0
			? 'an empty list'
			: 'a list with entries that are not http(s) URLs'
		: urls === undefined
			? 'missing'
			: typeof urls;
	throw runError(node, {
		message: `Runbase reported run ${run.id} as succeeded but sent no usable image URLs (output.urls was ${found})`,
		detail: `Try the Get Run operation with run ID ${run.id} in a minute. If the URLs are still missing, contact Runbase support with the run ID.`,
		runStarted: 'started',
		run: { runId: run.id, status: run.status },
		itemIndex,
	});
}
