import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DASHBOARD_URL } from './constants';

/** What is known of the run an error belongs to. */
export interface RunFacts {
	runId?: string;
	status?: string;
	urls?: string[];
}

/**
 * Whether the failed step started a run: `mayHaveStarted` when a create may have
 * reached Runbase without an answer, `started` once Runbase named the run,
 * `notFound` when Runbase says the named run does not exist.
 */
export type RunStarted = 'notStarted' | 'mayHaveStarted' | 'started' | 'notFound';

/** The one sentence that tells the user how to get back what was paid for. */
export function recoveryHint(runStarted: RunStarted, run: RunFacts = {}): string {
	if (runStarted === 'notStarted') return 'No run was started and nothing was charged.';
	if (runStarted === 'notFound') return '';
	const { runId, status, urls } = run;
	if (!runId) {
		return `A run may have started and been charged. It was not sent again, so you do not pay twice: check ${DASHBOARD_URL} before running this item again.`;
	}
	if (status === 'failed') return `Run ${runId} ended as failed, and Runbase refunds failed runs automatically.`;
	if (status === 'succeeded' && urls?.length) {
		return `Run ${runId} is finished and paid for: its images are at ${urls.join(', ')}, or collect them with the Get Run operation and run ID ${runId}.`;
	}
	return `Run ${runId} was started and may still finish: collect it later with the Get Run operation and run ID ${runId}.`;
}

/** Marks an error with the run it belongs to, so a failed item still says which run it paid for. */
export function withRunFacts<T extends Error & { context: IDataObject }>(error: T, run: RunFacts): T {
	for (const [key, value] of Object.entries(run)) {
		if (value !== undefined) error.context[key] = value;
	}
	return error;
}

/**
 * The error for anything that goes wrong around a run: its message, what happened,
 * the recovery hint, and the run's id, status and URLs for Continue On Fail.
 */
export function runError(
	node: INode,
	options: {
		message: string;
		detail?: string;
		runStarted: RunStarted;
		run?: RunFacts;
		itemIndex: number;
		/** Extra fields for n8n's error details, e.g. a network error code. */
		response?: JsonObject;
		httpCode?: string;
	},
): NodeApiError {
	const run = options.run ?? {};
	const description = [options.detail, recoveryHint(options.runStarted, run)].filter(Boolean).join(' ');
	// A network code is kept under another key: n8n would swap the message for a generic one.
	const error = new NodeApiError(node, { message: options.message, ...options.response } as JsonObject, {
		message: options.message,
		description,
		itemIndex: options.itemIndex,
		...(options.httpCode ? { httpCode: options.httpCode } : {}),
	});
	// Whether a run may exist decides what a retry of the node may do (lifecycle/startOnce.ts).
	error.context.runStarted = options.runStarted;
	return withRunFacts(error, run);
}

/** Runbase's reason for a failed run comes as a string or as `{message, code}`. */
export function failureReason(error: unknown): string {
	if (typeof error === 'string' && error.trim()) return error.trim();
	if (error && typeof error === 'object') {
		const { message, code } = error as { message?: unknown; code?: unknown };
		if (typeof message === 'string' && message.trim()) return message.trim();
		if (typeof code === 'string') return code;
	}
	return 'no reason given';
}

export function runFailedError(node: INode, run: { id: string; error?: unknown }, itemIndex: number): NodeApiError {
	return runError(node, {
		message: `Runbase could not generate the image: ${failureReason(run.error)}`,
		detail: 'Change the prompt or the reference images and try again.',
		runStarted: 'started',
		run: { runId: run.id, status: 'failed' },
		itemIndex,
		response: { runId: run.id },
	});
}

/** The error as n8n shows it: the node's own errors as they are, anything else wrapped. */
export function asNodeError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}
