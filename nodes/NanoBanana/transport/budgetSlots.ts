/** What the request budget hands out and hears back, per request. */

/** How a request granted by the budget was answered. */
export type BudgetAnswer = { kind: 'accepted' } | { kind: 'rateLimited'; retryAfterMs?: number } | { kind: 'noAnswer' };

/** A granted request: report its answer once it arrives. */
export interface BudgetSlot {
	answered(answer: BudgetAnswer): void;
}

export interface BudgetRequest {
	/** Lower goes first when slots are scarce. */
	priority: number;
	/** The request gives up waiting at this time (epoch ms): `acquire` then resolves to `undefined`. */
	deadline: number;
	/** Withdraws this request alone, e.g. when its execution is cancelled. */
	signal?: AbortSignal;
}

export interface Waiter extends BudgetRequest {
	resolve: (slot: BudgetSlot | undefined) => void;
	reject: (reason: unknown) => void;
	onAbort?: () => void;
}

export interface Slot {
	grantedAt: number;
	/** Unset while the request is in flight. */
	answeredAt?: number;
	/** Answered with a success: the request surely counts in Runbase's window, a refused one only for some limiters. */
	accepted?: boolean;
}
