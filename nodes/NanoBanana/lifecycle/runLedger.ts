import { createHash } from 'node:crypto';

import type { IExecuteFunctions } from 'n8n-workflow';

/** A run this node started in one execution, or a start whose answer never came. */
export interface LedgerEntry {
	/** Missing while a start is on its way, and after one whose answer never came. */
	runId?: string;
	itemIndex: number;
	/** The run's status; `starting` while the create is on its way, `unknown` when its answer never came. */
	status: string;
	/** A hash of the create request, to recognise the same item when n8n's Retry On Fail runs the node again. */
	fingerprint: string;
}

/** A short, fixed-size name for a create request: prompts and inline images are never kept. */
export function fingerprintOf(request: unknown): string {
	return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

/** A ledger unused this long belongs to an execution that has ended: memory does not grow with executions. */
const IDLE_LIFETIME_MS = 2 * 3600_000;

/**
 * Every run the node started in one execution. It names the runs a failed
 * execution leaves behind, and lets a retry of the node (Retry On Fail) collect an
 * item's run, or refuse to start it again when an earlier start may have reached
 * Runbase, instead of paying for it twice. Every use keeps it alive.
 */
export class RunLedger {
	private readonly byItemAndRequest = new Map<string, LedgerEntry>();

	touchedAt = Date.now();

	private use(): void {
		this.touchedAt = Date.now();
	}

	/** What an earlier try of the node did for this item and request, if anything. */
	earlier(itemIndex: number, fingerprint: string): LedgerEntry | undefined {
		this.use();
		return this.byItemAndRequest.get(`${itemIndex}\n${fingerprint}`);
	}

	/** Written before the create goes out, so that a retry knows a start may be on its way. */
	recordStarting(itemIndex: number, fingerprint: string): void {
		this.record({ itemIndex, fingerprint, status: 'starting' });
	}

	recordCreated(itemIndex: number, fingerprint: string, runId: string, status: string): void {
		this.record({ itemIndex, fingerprint, runId, status });
	}

	/** The create's answer never came (or came broken): a run may exist, named when its ID was seen. */
	recordUncertain(itemIndex: number, fingerprint: string, runId?: string): void {
		this.record({ itemIndex, fingerprint, runId, status: 'unknown' });
	}

	/** The create certainly started nothing: a retry may send it. */
	forget(itemIndex: number, fingerprint: string): void {
		this.use();
		this.byItemAndRequest.delete(`${itemIndex}\n${fingerprint}`);
	}

	recordStatus(runId: string, status: string): void {
		this.use();
		for (const entry of this.byItemAndRequest.values()) if (entry.runId === runId) entry.status = status;
	}

	/** Every entry, in item order. */
	entries(): LedgerEntry[] {
		return this.sorted();
	}

	/** An entry that an earlier execution of the same items left (a retry of a failed execution). */
	adopt({ itemIndex, fingerprint, runId, status }: LedgerEntry): void {
		if (this.byItemAndRequest.has(`${itemIndex}\n${fingerprint}`)) return;
		this.record({ itemIndex, fingerprint, runId, status: status === 'starting' ? 'unknown' : status });
	}

	/** Runs that can still be collected, in item order. */
	collectable(): Array<LedgerEntry & { runId: string }> {
		return this.sorted().filter((entry): entry is LedgerEntry & { runId: string } => entry.runId !== undefined && entry.status !== 'failed');
	}

	/** Items whose start may have reached Runbase without a run ID seen, in item order. */
	unnamed(): LedgerEntry[] {
		return this.sorted().filter((entry) => entry.runId === undefined);
	}

	private record(entry: LedgerEntry): void {
		this.use();
		this.byItemAndRequest.set(`${entry.itemIndex}\n${entry.fingerprint}`, entry);
	}

	private sorted(): LedgerEntry[] {
		return [...this.byItemAndRequest.values()].sort((a, b) => a.itemIndex - b.itemIndex);
	}
}

const ledgers = new Map<string, RunLedger>();

function keyOf(ctx: IExecuteFunctions): string {
	return `${ctx.getExecutionId()}\n${ctx.getNode().name}\n${ctx.getWorkflowDataProxy(0).$thisRunIndex}`;
}

/**
 * The ledger of this node in this execution. A retry by Retry On Fail keeps the
 * execution, node and run index, so it finds the same ledger; a later run of the
 * node in a loop has another run index and starts afresh.
 */
export function ledgerFor(ctx: IExecuteFunctions): RunLedger {
	const now = Date.now();
	for (const [key, ledger] of ledgers) if (now - ledger.touchedAt > IDLE_LIFETIME_MS) ledgers.delete(key);
	const key = keyOf(ctx);
	let ledger = ledgers.get(key);
	if (!ledger) {
		ledger = new RunLedger();
		ledgers.set(key, ledger);
	}
	ledger.touchedAt = now;
	return ledger;
}

/** An execution whose node succeeded is never retried: its ledger can go. */
export function releaseLedger(ctx: IExecuteFunctions): void {
	ledgers.delete(keyOf(ctx));
}

/** Forgets every ledger: a fresh process, for tests. */
export function clearLedgers(): void {
	ledgers.clear();
}
