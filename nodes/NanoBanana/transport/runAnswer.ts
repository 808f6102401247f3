import type { INode } from 'n8n-workflow';

import type { RunbaseRun } from '../helpers/interfaces';
import { runError } from '../helpers/runErrors';
import type { ApiAnswer } from './apiRequest';
import { readServerError } from './apiErrors';
import type { Connection } from './connection';

function problemWith(answer: ApiAnswer, what: string, connection: Connection): string | undefined {
	const json = answer.json as Partial<RunbaseRun> | undefined;
	if (answer.notJson !== undefined) {
		return `Runbase's answer ${what} was not JSON. It began with: ${connection.redact(answer.notJson).slice(0, 120)}`;
	}
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
			existence: knownId ? 'exists' : 'unknown',
			run: { runId: knownId },
			itemIndex,
			response: { networkError: String(answer.statusCode) },
		});
	}
	return connection.redactJson(answer.json) as RunbaseRun;
}
