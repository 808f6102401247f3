import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { LedgerEntry, RunLedger } from './runLedger';

/**
 * Retrying a failed execution from n8n's executions list runs the node again with
 * the same items, in a new execution (mode `retry`). The ledger of the failed one is
 * gone by then, so a failing node leaves its runs behind in two places, and the retry
 * collects them instead of paying again:
 * - this process's memory, which serves both Retry buttons while n8n keeps running
 *   (queue-mode workers: only when the retry lands on the same worker);
 * - the workflow's static data, which n8n saves after every execution that is not a
 *   manual one. "Retry with currently saved workflow" loads it; "Retry with original
 *   workflow" gets the static data as it was when the failed execution began.
 * Other executions with the same prompts are new work and make new images.
 */
const MEMORY_KEY = 'runbaseRunsForRetry';
const KEEP_MS = 24 * 3600_000;
const MAX_REMEMBERED = 500;

type Remembered = LedgerEntry & { at: number };

const keyOf = (entry: LedgerEntry) => `${entry.itemIndex}\n${entry.fingerprint}`;

const inProcess = new Map<string, Remembered[]>();
const scopeOf = (ctx: IExecuteFunctions) => `${ctx.getWorkflow().id ?? ''}\n${ctx.getNode().name}`;

function saved(ctx: IExecuteFunctions): Remembered[] {
	const value = ctx.getWorkflowStaticData('node')[MEMORY_KEY];
	return Array.isArray(value) ? (value as Remembered[]).filter((entry) => entry && typeof entry.fingerprint === 'string') : [];
}

/** What is remembered for this node, newest first, each item and request once. */
function remembered(ctx: IExecuteFunctions): Remembered[] {
	const all = [...(inProcess.get(scopeOf(ctx)) ?? []), ...saved(ctx)].sort((a, b) => b.at - a.at);
	const seen = new Set<string>();
	return all.filter((entry) => !seen.has(keyOf(entry)) && Boolean(seen.add(keyOf(entry))));
}

function store(ctx: IExecuteFunctions, entries: Remembered[]): void {
	const data = ctx.getWorkflowStaticData('node');
	if (entries.length === 0) {
		inProcess.delete(scopeOf(ctx));
		if (MEMORY_KEY in data) delete data[MEMORY_KEY];
		return;
	}
	inProcess.set(scopeOf(ctx), entries);
	data[MEMORY_KEY] = entries as unknown as IDataObject[];
}

/** A retry of a failed execution starts with what that execution started. */
export function recallForRetry(ctx: IExecuteFunctions, ledger: RunLedger): void {
	if (ctx.getMode() !== 'retry') return;
	for (const entry of remembered(ctx)) ledger.adopt(entry);
}

/** The node failed: what it started is kept for a retry of this execution, for a day. */
export function rememberForRetry(ctx: IExecuteFunctions, ledger: RunLedger): void {
	const now = Date.now();
	const fresh = ledger.entries().map((entry) => ({ ...entry, at: now }));
	const replaced = new Set(fresh.map(keyOf));
	const kept = remembered(ctx).filter((entry) => now - entry.at < KEEP_MS && !replaced.has(keyOf(entry)));
	store(ctx, [...kept, ...fresh].slice(-MAX_REMEMBERED));
}

/** A retry that succeeded has delivered what it recalled: nothing is left to collect. */
export function forgetDelivered(ctx: IExecuteFunctions, ledger: RunLedger): void {
	if (ctx.getMode() !== 'retry') return;
	const delivered = new Set(ledger.entries().map(keyOf));
	const left = remembered(ctx).filter((entry) => !delivered.has(keyOf(entry)));
	if (left.length !== remembered(ctx).length) store(ctx, left);
}

/** Forgets what this process remembered: a fresh process, for tests. */
export function clearRetryMemory(): void {
	inProcess.clear();
}
