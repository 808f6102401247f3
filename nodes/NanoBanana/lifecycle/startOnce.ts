import type { IDataObject } from 'n8n-workflow';

import type { RunbaseRun } from '../helpers/interfaces';
import { asNodeError, runError } from '../helpers/runErrors';
import { deduplicate } from './deduplication';
import type { ItemJob } from './itemJob';

interface StartRequest {
	fingerprint: string;
	model: string;
	kind: string;
	/** How long the run is expected to take: it sets the start's place among status checks. */
	expectedRunMs: number;
	buildBody: () => Promise<IDataObject>;
}

/**
 * Starts an item's run at most once per execution, however often n8n's Retry On
 * Fail runs the node: a run started earlier is collected, and an earlier start
 * whose answer never came is not sent again. With a Deduplication Key, at most
 * once per key within its window, across executions.
 */
export async function startOnce(
	job: ItemJob,
	request: StartRequest,
): Promise<{ run: RunbaseRun; reused: boolean; deduplicated?: boolean }> {
	const { deduplication } = job.settings;
	if (!deduplication) return await startForItem(job, request);
	const { runId, claim } = await deduplicate(job.ctx, deduplication.key, deduplication.windowMs);
	if (!claim) return { run: { id: runId, status: 'pending', model: request.model }, reused: true, deduplicated: true };
	try {
		const started = await startForItem(job, request);
		claim.started(started.run.id);
		return started;
	} catch (error) {
		claim.abandoned();
		throw asNodeError(job.ctx.getNode(), error, job.itemIndex);
	}
}

async function startForItem(
	job: ItemJob,
	{ fingerprint, model, kind, expectedRunMs, buildBody }: StartRequest,
): Promise<{ run: RunbaseRun; reused: boolean }> {
	const { ledger, itemIndex, client, settings } = job;
	const earlier = ledger.earlier(itemIndex, fingerprint);
	if (earlier?.runId && earlier.status !== 'failed') {
		return { run: { id: earlier.runId, status: earlier.status === 'unknown' ? 'pending' : earlier.status, model }, reused: true };
	}
	if (earlier && !earlier.runId) {
		throw runError(job.ctx.getNode(), {
			message: 'An earlier try of this item may have started a run',
			detail: 'n8n ran the node again (Retry On Fail, or a retry of the failed execution) after a start whose answer never arrived. The node does not start the item again, so you do not pay twice.',
			runStarted: 'mayHaveStarted',
			itemIndex,
		});
	}
	const body = await buildBody();
	const reservation = await job.spendCap.reserve(kind, job.ctx.getNode(), itemIndex);
	ledger.recordStarting(itemIndex, fingerprint);
	try {
		const run = await client.createRun(body, { itemIndex, deadline: job.deadline, timeoutMs: settings.requestTimeoutMs, expectedRunMs });
		ledger.recordCreated(itemIndex, fingerprint, run.id, run.status);
		reservation?.settle(run.costUsd);
		return { run, reused: false };
	} catch (error) {
		const context = ((error as { context?: IDataObject }).context ?? {}) as { runStarted?: string; runId?: string };
		if (context.runStarted === 'notStarted') {
			ledger.forget(itemIndex, fingerprint);
			reservation?.release();
		} else {
			ledger.recordUncertain(itemIndex, fingerprint, context.runId);
			reservation?.settle(undefined);
		}
		throw asNodeError(job.ctx.getNode(), error, itemIndex);
	}
}
