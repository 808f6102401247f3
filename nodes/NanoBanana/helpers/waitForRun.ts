import type { IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { RunbaseClient } from '../transport/runbaseClient';
import { withRunDetails } from './runDetails';
import type { RunbaseRun, RunSettings } from './interfaces';
import { wait } from './wait';

const TERMINAL = new Set(['succeeded', 'failed']);
/** Long runs are checked less and less often, up to this interval. */
const SLOWEST_POLL_MS = 10_000;

export function isFinished(run: RunbaseRun): boolean {
	return TERMINAL.has(run.status);
}

/** The next check after `misses` checks found the run unfinished: tight at first, slower for long runs. */
export function nextCheckDelayMs(misses: number, pollIntervalMs: number): number {
	const growth = Math.max(0, misses - 3);
	return Math.min(Math.max(pollIntervalMs, SLOWEST_POLL_MS), pollIntervalMs * 1.5 ** growth);
}

/**
 * Polls a run until it succeeds, fails or runs out of time. The caller picks the
 * first check (when the run is likely done); the request budget orders checks of
 * many runs by how overdue they are.
 */
export async function waitForRun(
	ctx: IExecuteFunctions,
	client: RunbaseClient,
	runId: string,
	itemIndex: number,
	settings: RunSettings,
	schedule: { firstCheckAt: number; deadline: number },
): Promise<RunbaseRun> {
	const signal = ctx.getExecutionCancelSignal();
	const { deadline } = schedule;
	let due = schedule.firstCheckAt;
	let lastStatus = 'pending';
	for (let misses = 0; ; misses++) {
		due = Math.min(due, deadline);
		await wait(due - Date.now(), signal);
		const run = await client.getRun(runId, itemIndex, {
			timeoutMs: settings.requestTimeoutMs,
			priority: due,
			deadline,
		});
		lastStatus = run.status;
		if (run.status === 'succeeded') return run;
		if (run.status === 'failed') throw runFailedError(ctx, run, itemIndex);
		if (Date.now() >= deadline) break;
		due = Date.now() + nextCheckDelayMs(misses + 1, settings.pollIntervalMs);
	}
	const seconds = Math.round(settings.timeoutMs / 1000);
	const unusual = ['pending', 'processing'].includes(lastStatus) ? '' : ' (a status this node does not know)';
	throw withRunDetails(
		new NodeOperationError(ctx.getNode(), `Run ${runId} did not finish within ${seconds} seconds`, {
			description: `Its last status was "${lastStatus}"${unusual}. The run may still finish and is paid for: collect it later with the Get Run operation and run ID ${runId}, or raise Timeout in the node's options.`,
			itemIndex,
		}),
		{ runId, status: lastStatus },
	);
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

export function runFailedError(ctx: IExecuteFunctions, run: RunbaseRun, itemIndex: number) {
	const reason = failureReason(run.error);
	const message = `Runbase could not generate the image: ${reason}`;
	return withRunDetails(
		new NodeApiError(ctx.getNode(), { message, runId: run.id } as JsonObject, {
			message,
			description: `Run ${run.id} ended as failed and Runbase refunds failed runs automatically. Change the prompt or the reference images and try again.`,
			itemIndex,
		}),
		{ runId: run.id, status: 'failed' },
	);
}
