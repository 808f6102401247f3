import { createHash } from 'node:crypto';

import type { IExecuteFunctions } from 'n8n-workflow';

/** A run this node started in one execution. */
export interface LedgerEntry {
	runId: string;
	itemIndex: number;
	status: string;
	/** A hash of the create request, to recognise the same item when n8n's Retry On Fail runs the node again. */
	fingerprint: string;
}

/** A short, fixed-size name for a create request: prompts and inline images are never kept. */
export function fingerprintOf(request: unknown): string {
	return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

/** Ledgers live as long as the longest Timeout, then go: memory does not grow with executions. */
const LEDGER_LIFETIME_MS = 2 * 3600_000;

/**
 * Every run the node started in one execution. It names the runs a failed
 * execution leaves behind, and lets a retry of the node (Retry On Fail) reuse
 * an item's run instead of paying for it twice.
 */
export class RunLedger {
	private readonly entries = new Map<string, LedgerEntry>();

	touchedAt = Date.now();

	/** A run created earlier for the same item and request that can still deliver. */
	reusable(itemIndex: number, fingerprint: string): LedgerEntry | undefined {
		const entry = this.entries.get(`${itemIndex}\n${fingerprint}`);
		return entry && entry.status !== 'failed' ? entry : undefined;
	}

	recordCreated(itemIndex: number, fingerprint: string, runId: string, status: string): void {
		this.entries.set(`${itemIndex}\n${fingerprint}`, { runId, itemIndex, status, fingerprint });
	}

	recordStatus(runId: string, status: string): void {
		for (const entry of this.entries.values()) if (entry.runId === runId) entry.status = status;
	}

	/** Runs that can still be collected, in item order. */
	collectable(): LedgerEntry[] {
		return [...this.entries.values()]
			.filter((entry) => entry.status !== 'failed')
			.sort((a, b) => a.itemIndex - b.itemIndex);
	}
}

const ledgers = new Map<string, RunLedger>();

/**
 * The ledger of this node in this execution. A retry by Retry On Fail keeps the
 * execution, node and run index, so it finds the same ledger; a later run of the
 * node in a loop has another run index and starts afresh.
 */
export function ledgerFor(ctx: IExecuteFunctions): RunLedger {
	const now = Date.now();
	for (const [key, ledger] of ledgers) if (now - ledger.touchedAt > LEDGER_LIFETIME_MS) ledgers.delete(key);
	const key = `${ctx.getExecutionId()}\n${ctx.getNode().name}\n${ctx.getWorkflowDataProxy(0).$thisRunIndex}`;
	let ledger = ledgers.get(key);
	if (!ledger) {
		ledger = new RunLedger();
		ledgers.set(key, ledger);
	}
	ledger.touchedAt = now;
	return ledger;
}

/** Forgets every ledger: a fresh process, for tests. */
export function clearLedgers(): void {
	ledgers.clear();
}
