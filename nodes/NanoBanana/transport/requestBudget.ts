import { wait } from '../helpers/wait';

interface Waiter {
	priority: number;
	resolve: (release: () => void) => void;
	reject: (reason: unknown) => void;
}

/** A granted request; `answeredAt` stays unset while it is in flight. */
interface Slot {
	answeredAt?: number;
}

const MAX_BACKOFF_MS = 60_000;
/** An in-flight request frees its slot when answered; the pump also re-checks at least this often. */
const MAX_IDLE_MS = 30_000;

/**
 * One request budget for every API call of an execution: Runbase counts creates
 * and polls together against one sliding window per key. Requests wait here for
 * a slot; when slots are scarce the most urgent request (lowest priority number)
 * goes first, and a 429 pauses everyone at once instead of each item on its own.
 *
 * A slot counts from the moment its answer arrives, which is never earlier than
 * the moment Runbase counted the request, so network delays cannot make two
 * requests look closer together to Runbase than the window allows.
 */
export class RequestBudget {
	private slots: Slot[] = [];

	private readonly waiters: Waiter[] = [];

	private pausedUntil = 0;

	private consecutiveRateLimits = 0;

	private pumping = false;

	private wakeUp?: AbortController;

	constructor(
		private readonly limit: number,
		private readonly windowMs: number,
		private readonly signal?: AbortSignal,
	) {}

	/** Resolves when this request may be sent, with the function to call once it is answered. */
	async acquire(priority: number): Promise<() => void> {
		this.signal?.throwIfAborted();
		const granted = new Promise<() => void>((resolve, reject) => {
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
		this.consecutiveRateLimits++;
		const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.consecutiveRateLimits - 1));
		const pause = retryAfterMs ?? backoff * (0.75 + Math.random() * 0.5);
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + pause);
	}

	onAccepted(): void {
		this.consecutiveRateLimits = 0;
	}

	private nextSlotAt(now: number): number {
		this.slots = this.slots.filter((slot) => slot.answeredAt === undefined || slot.answeredAt + this.windowMs > now);
		if (this.slots.length < this.limit) return Math.max(now, this.pausedUntil);
		const freedAt = this.slots
			.map((slot) => (slot.answeredAt === undefined ? Infinity : slot.answeredAt + this.windowMs))
			.sort((a, b) => a - b);
		return Math.max(freedAt[this.slots.length - this.limit], this.pausedUntil);
	}

	private grant(waiter: Waiter): void {
		const slot: Slot = {};
		this.slots.push(slot);
		waiter.resolve(() => {
			if (slot.answeredAt !== undefined) return;
			slot.answeredAt = Date.now();
			this.wakeUp?.abort();
		});
	}

	/** Sleeps until `ms` passed or an answer frees a slot, whichever comes first. */
	private async sleep(ms: number): Promise<void> {
		const wakeUp = new AbortController();
		this.wakeUp = wakeUp;
		const signal = this.signal ? AbortSignal.any([this.signal, wakeUp.signal]) : wakeUp.signal;
		// Woken early or cancelled: either way the pump looks again; cancellation is raised below.
		await wait(Math.min(ms, MAX_IDLE_MS), signal).catch(() => undefined);
		this.wakeUp = undefined;
		this.signal?.throwIfAborted();
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.waiters.length > 0) {
				const now = Date.now();
				const slotAt = this.nextSlotAt(now);
				if (slotAt > now) {
					await this.sleep(slotAt - now);
					continue;
				}
				this.grant(this.waiters.shift() as Waiter);
			}
		} catch (error) {
			for (const waiter of this.waiters.splice(0)) waiter.reject(error);
		} finally {
			this.pumping = false;
		}
	}
}
