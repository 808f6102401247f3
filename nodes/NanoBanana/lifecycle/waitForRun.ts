import { SLOWEST_POLL_MS } from '../helpers/constants';
import type { RunbaseRun } from '../helpers/interfaces';
import { runError, runFailedError } from '../helpers/runErrors';
import { wait } from '../helpers/wait';
import type { ItemJob } from './itemJob';

const TERMINAL = new Set(['succeeded', 'failed']);
/**
 * With budget to spare, a run past its expected finish is checked this often at
 * first: each check then catches every run that finished in the 0.4 s before it.
 */
const TIGHT_POLL_MS = 400;
/** Checks at the steady interval before they slow down. */
const STEADY_CHECKS = 3;
/**
 * With budget to spare, five tight checks (2 s) before slowing down: they cover
 * the later half of usual runs (5 to 9 s, first check near 7 s).
 */
const TIGHT_CHECKS = 5;
/** The last check goes out this long before the item's Timeout, so that it is still sent and answered. */
const LAST_CHECK_LEAD_MS = 500;

export function isFinished(run: RunbaseRun): boolean {
	return TERMINAL.has(run.status);
}

/**
 * The next check after `misses` checks found the run unfinished: tight at first
 * (tighter for a run with budget to spare), slower for long runs.
 */
export function nextCheckDelayMs(misses: number, pollIntervalMs: number, tight = false): number {
	const base = tight ? Math.min(pollIntervalMs, TIGHT_POLL_MS) : pollIntervalMs;
	const growth = Math.max(0, misses - (tight ? TIGHT_CHECKS : STEADY_CHECKS));
	return Math.min(Math.max(base, SLOWEST_POLL_MS), base * 1.5 ** growth);
}

/**
 * Polls a run until it succeeds, fails or the item's deadline passes. The caller
 * picks when the first check comes (when the run is likely done), given whether
 * the run gets tight checks; the request budget orders checks of many runs by
 * how overdue they are.
 *
 * Tight or not is decided once per run, when it starts to be waited for: tight
 * when its tight checks, and those of every other run waited for on the key, fit
 * in the key's window as it is. A lone run so gets the same schedule whatever the
 * key's requests were before, and a schedule never turns slow halfway.
 */
export async function waitForRun(job: ItemJob, runId: string, firstCheckAfterMs: (tight: boolean) => number): Promise<RunbaseRun> {
	const { client } = job;
	const stopWatching = client.watchRun();
	try {
		const tight = client.hasRoomForChecks(1 + TIGHT_CHECKS);
		return await checkUntilFinished(job, runId, Date.now() + firstCheckAfterMs(tight), tight);
	} finally {
		stopWatching();
	}
}

async function checkUntilFinished(job: ItemJob, runId: string, firstCheckAt: number, tight: boolean): Promise<RunbaseRun> {
	const { ctx, client, settings, deadline, itemIndex, signal } = job;
	const lastCheckAt = deadline - LAST_CHECK_LEAD_MS;
	let due = firstCheckAt;
	let lastStatus = 'pending';
	let lastProblem: string | undefined;
	for (let misses = 0; ; misses++) {
		const isLastCheck = due >= lastCheckAt;
		due = Math.min(due, lastCheckAt);
		await wait(due - Date.now(), signal);
		const result = await client.getRun(runId, { itemIndex, deadline, timeoutMs: settings.requestTimeoutMs, priority: due });
		if (!result.run) {
			lastProblem = result.problem;
			break;
		}
		const run = result.run;
		lastStatus = run.status;
		job.ledger.recordStatus(runId, run.status);
		if (run.status === 'succeeded') return run;
		if (run.status === 'failed') throw runFailedError(ctx.getNode(), run, itemIndex);
		if (isLastCheck || Date.now() >= deadline) break;
		due = Date.now() + nextCheckDelayMs(misses + 1, settings.pollIntervalMs, tight);
	}
	const seconds = Math.round(settings.timeoutMs / 1000);
	const unusual = ['pending', 'processing'].includes(lastStatus) ? '' : ' (a status this node does not know)';
	const problem = lastProblem ? ` The last status check failed: ${lastProblem}.` : '';
	throw runError(ctx.getNode(), {
		message: `Run ${runId} did not finish within ${seconds} second${seconds === 1 ? '' : 's'}`,
		detail: `Its last status was "${lastStatus}"${unusual}.${problem} If runs take longer, raise Timeout in the node's options.`,
		runStarted: 'started',
		run: { runId, status: lastStatus },
		itemIndex,
	});
}
