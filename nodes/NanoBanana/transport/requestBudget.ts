import { wait } from '../helpers/wait';

interface Waiter {
	priority: number;
	resolve: () => void;
	reject: (reason: unknown) => void;
}

/** Sending earlier than the window strictly allows would let network jitter trip the server's limit. */
const SAFETY_MARGIN_MS = 250;
const MAX_BACKOFF_MS = 60_000;

/**
 * One request budget for every API call of an execution: Runbase counts creates
 * and polls together against one sliding window per key. Requests wait here for
 * a slot; when slots are scarce the most urgent request (lowest priority number)
 * goes first, and a 429 pauses everyone at once instead of each item on its own.
 */
export class RequestBudget {
	private readonly sentAt: number[] = [];

	private readonly waiters: Waiter[] = [];

	private pausedUntil = 0;

	private consecutiveRateLimits = 0;

	private pumping = false;

	requestsSent = 0;

	rateLimited = 0;

	constructor(
		private readonly limit: number,
		private readonly windowMs: number,
		private readonly signal?: AbortSignal,
	) {}

	/** Resolves when this request may be sent. */
	async acquire(priority: number): Promise<void> {
		this.signal?.throwIfAborted();
		const granted = new Promise<void>((resolve, reject) => {
			const index = this.waiters.findIndex((waiter) => waiter.priority > priority);
			const waiter = { priority, resolve, reject };
			if (index === -1) this.waiters.push(waiter);
			else this.waiters.splice(index, 0, waiter);
		});
		void this.pump();
		return await granted;
	}

	/** A 429 answer: hold every request for `retryAfterMs`, or back off exponentially without it. */
	onRateLimited(retryAfterMs: number | undefined): void {
		this.rateLimited++;
		this.consecutiveRateLimits++;
		const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.consecutiveRateLimits - 1));
		const pause = retryAfterMs ?? backoff * (0.75 + Math.random() * 0.5);
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + pause);
	}

	onAccepted(): void {
		this.consecutiveRateLimits = 0;
	}

	private nextSlotAt(now: number): number {
		while (this.sentAt.length > 0 && this.sentAt[0] + this.windowMs + SAFETY_MARGIN_MS <= now) {
			this.sentAt.shift();
		}
		const windowFreeAt =
			this.sentAt.length < this.limit
				? now
				: this.sentAt[this.sentAt.length - this.limit] + this.windowMs + SAFETY_MARGIN_MS;
		return Math.max(windowFreeAt, this.pausedUntil);
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.waiters.length > 0) {
				const now = Date.now();
				const slotAt = this.nextSlotAt(now);
				if (slotAt > now) {
					await wait(slotAt - now, this.signal);
					continue;
				}
				const waiter = this.waiters.shift() as Waiter;
				this.sentAt.push(now);
				this.requestsSent++;
				waiter.resolve();
			}
		} catch (error) {
			for (const waiter of this.waiters.splice(0)) waiter.reject(error);
		} finally {
			this.pumping = false;
		}
	}
}
