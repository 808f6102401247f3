import { ownSignal, wait } from '../helpers/wait';
import {
	DECREASE_FACTOR,
	FIRST_BURST_JITTER_MS,
	INITIAL_IN_FLIGHT,
	MAX_IDLE_MS,
	pauseAfter429Ms,
	QUIET_SPELL_MS,
	RATE_LIMIT_MEMORY_MS,
	REQUEST_GAP_MS,
	roomAfter429Ms,
	SLOW_ANSWER_MS,
} from './budgetTuning';
import type { BudgetAnswer, BudgetRequest, BudgetSlot, Slot, Waiter } from './budgetSlots';

export type { BudgetAnswer, BudgetRequest, BudgetSlot } from './budgetSlots';

/**
 * The request budget of one API key. Runbase counts creates and polls together
 * against one sliding window per key, so every request of every execution using
 * the key waits here for a slot, the most urgent (lowest priority number) first.
 *
 * The rate never exceeds the key's Requests per 10 Seconds (the lowest of the executions using the key)
 * and follows it at once when it changes. Other processes may use the key too, so the budget adapts as TCP
 * does (AIMD): a 429 lowers the rate to 70% and pauses every request until the window has room (as the
 * ageing of this process's own requests in it says, never before Retry-After); accepted answers raise it a
 * little at a time; a minute after the last decrease it is forgotten. After a pause requests go out evenly
 * for one window, and after a pause or a quiet spell one goes out until its answer shows room. A new
 * budget holds its first burst back a random moment, so workers that start together do not all collide;
 * and while a request is unanswered the next waits for its answer (or a quarter second), so that one
 * at most is in flight when a window shared with others fills.
 *
 * A slot counts from the moment its answer arrives, never earlier than Runbase
 * counted the request, so network delay cannot make requests look further apart
 * to this budget than they were to Runbase.
 */
export class RequestBudget {
	/** Set by a 429 until accepted answers raise it back to Requests per 10 Seconds; unset, lifting that lifts the rate at once. */
	private recoveringRate?: number;
	private slots: Slot[] = [];
	private readonly waiters: Waiter[] = [];
	private pausedUntil = 0;
	private pacedUntil = 0;
	private lastDecreaseAt = -Infinity;
	private lastGrantAt = 0;
	private inFlightLimit = INITIAL_IN_FLIGHT;
	private readonly firstBurstAt: number;
	private grants = 0;
	private watchedRuns = 0;
	private pumping = false;
	private wakeUp?: AbortController;

	constructor(
		private requestsPerWindow: number,
		private readonly windowMs: number,
		private readonly random: () => number = Math.random,
	) {
		this.firstBurstAt = Date.now() + random() * FIRST_BURST_JITTER_MS;
	}

	/** Requests per window the key may take now: Requests per 10 Seconds, or less while recovering from a 429. */
	private get rate(): number {
		const recovering = Date.now() - this.lastDecreaseAt < RATE_LIMIT_MEMORY_MS ? this.recoveringRate : undefined;
		return Math.min(this.requestsPerWindow, recovering ?? Infinity);
	}

	/** Requests this process may send per window right now. */
	get allowedPerWindow(): number {
		return Math.max(1, Math.floor(this.rate));
	}

	get waiting(): number {
		return this.waiters.length;
	}

	/** The key's Requests per 10 Seconds changed: it applies at once, also to requests waiting now. */
	setRequestsPerWindow(requestsPerWindow: number): void {
		if (requestsPerWindow === this.requestsPerWindow) return;
		this.requestsPerWindow = requestsPerWindow;
		this.wakeUp?.abort();
	}

	/** Counts a run whose checks come through this budget, until the returned function is called. */
	watchRun(): () => void {
		this.watchedRuns++;
		let watching = true;
		return () => {
			if (watching) this.watchedRuns--;
			watching = false;
		};
	}

	/** True when nothing waits and `checksPerRun` more checks for every watched run fit in the window: they cost nobody anything. */
	hasRoomForChecks(checksPerRun: number, now = Date.now()): boolean {
		const wanted = Math.max(1, this.watchedRuns) * checksPerRun;
		return now >= this.pausedUntil && this.waiters.length === 0 && this.slotsInWindow(now).length + wanted <= this.allowedPerWindow;
	}

	/** Resolves with a slot when the request may be sent, or `undefined` once its deadline passed. */
	async acquire(request: BudgetRequest): Promise<BudgetSlot | undefined> {
		request.signal?.throwIfAborted();
		const granted = new Promise<BudgetSlot | undefined>((resolve, reject) => {
			const signal = request.signal && ownSignal(request.signal);
			const waiter: Waiter = { ...request, signal, resolve, reject };
			if (signal) {
				waiter.onAbort = () => this.withdraw(waiter, signal.reason);
				signal.addEventListener('abort', waiter.onAbort, { once: true });
			}
			const index = this.waiters.findIndex((other) => other.priority > request.priority);
			if (index === -1) this.waiters.push(waiter);
			else this.waiters.splice(index, 0, waiter);
		});
		this.wakeUp?.abort();
		void this.pump();
		return await granted;
	}

	private withdraw(waiter: Waiter, reason: unknown): void {
		const index = this.waiters.indexOf(waiter);
		if (index !== -1) this.waiters.splice(index, 1);
		waiter.reject(reason);
		this.wakeUp?.abort();
	}

	private settle(waiter: Waiter, slot: BudgetSlot | undefined): void {
		if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
		waiter.resolve(slot);
	}

	private answered(slot: Slot, answer: BudgetAnswer): void {
		if (slot.answeredAt !== undefined) return;
		const now = Date.now();
		slot.answeredAt = now;
		if (answer.kind === 'rateLimited') this.onRateLimited(slot, answer.retryAfterMs, now);
		else if (answer.kind === 'accepted') {
			slot.accepted = true;
			this.inFlightLimit = Math.min(this.allowedPerWindow, this.inFlightLimit + 1);
			if (now >= this.pausedUntil) this.raiseRecoveringRate();
		}
		this.wakeUp?.abort();
	}

	/**
	 * Additive increase. A rate above a lowered Requests per 10 Seconds stays as it is: answers sent
	 * below it say nothing about whether the key has room above it.
	 */
	private raiseRecoveringRate(): void {
		if (this.recoveringRate === undefined || this.recoveringRate >= this.requestsPerWindow) return;
		const raised = this.recoveringRate + 1 / this.recoveringRate;
		this.recoveringRate = raised < this.requestsPerWindow ? raised : undefined;
	}

	private onRateLimited(slot: Slot, retryAfterMs: number | undefined, now: number): void {
		// 429s for requests sent before the last decrease, or within the window the limiter still remembers, are the same
		// congestion (as TCP decreases once per round trip), unless requests sent since were accepted: then the window had
		// room at the lowered rate and filled again. Its own requests tell when the window frees, but only at a new
		// decrease: one refused right after that pause shows they did not.
		const acceptedSince = this.slots.some((other) => other.accepted === true && other.grantedAt > this.lastDecreaseAt);
		const newEvent = slot.grantedAt > this.lastDecreaseAt && (now - this.lastDecreaseAt >= this.windowMs || acceptedSince);
		const roomAfterMs = roomAfter429Ms(retryAfterMs, newEvent ? this.slots : [], this.windowMs, now);
		if (newEvent) {
			this.recoveringRate = Math.max(1, this.rate * DECREASE_FACTOR);
			this.lastDecreaseAt = now;
			this.inFlightLimit = INITIAL_IN_FLIGHT;
			// The pause now stands for the window, and the paced release below keeps to the new rate after it.
			this.slots = this.slots.filter((other) => other.answeredAt === undefined);
		}
		if (!newEvent && retryAfterMs === undefined && slot.grantedAt <= this.lastDecreaseAt) return;
		const pause = pauseAfter429Ms(roomAfterMs, this.windowMs, this.requestsPerWindow, this.random);
		this.pausedUntil = Math.max(this.pausedUntil, now + pause);
		this.pacedUntil = this.pausedUntil + this.windowMs;
	}

	/** Slots the key's window still counts: in flight, or answered less than a window ago. */
	private slotsInWindow(now: number): Slot[] {
		return this.slots.filter((slot) => slot.answeredAt === undefined || slot.answeredAt + this.windowMs > now);
	}

	/** What answers said about the window is stale after a quiet spell, or once the first burst is held back: start slow again. */
	private restartSlowIfStale(now: number): void {
		const holdingFirstBurst = this.grants >= INITIAL_IN_FLIGHT && now < this.firstBurstAt;
		if (holdingFirstBurst || now - this.lastGrantAt > QUIET_SPELL_MS) this.inFlightLimit = Math.min(this.inFlightLimit, INITIAL_IN_FLIGHT);
	}

	/** The earliest time the next request may go out (once old slots are dropped and slow start applied). */
	private nextSlotAt(now: number): number {
		let at = Math.max(now, this.pausedUntil);
		const allowed = this.allowedPerWindow;
		if (this.slots.length >= allowed) {
			const freedAt = this.slots
				.map((slot) => (slot.answeredAt === undefined ? Infinity : slot.answeredAt + this.windowMs))
				.sort((a, b) => a - b);
			at = Math.max(at, freedAt[this.slots.length - allowed]);
		}
		if (now < this.pacedUntil) at = Math.max(at, this.lastGrantAt + this.windowMs / allowed);
		if (this.grants >= INITIAL_IN_FLIGHT && now < this.firstBurstAt) at = Math.max(at, this.firstBurstAt);
		const waitingForAnswers = this.slots.filter((slot) => slot.answeredAt === undefined && now - slot.grantedAt < SLOW_ANSWER_MS);
		if (waitingForAnswers.length > 0) at = Math.max(at, this.lastGrantAt + REQUEST_GAP_MS);
		if (waitingForAnswers.length >= this.inFlightLimit) {
			// The next answer wakes the pump; a slow one stops counting after a while.
			at = Math.max(at, Math.min(...waitingForAnswers.map((slot) => slot.grantedAt + SLOW_ANSWER_MS)));
		}
		return at;
	}

	private grant(waiter: Waiter, now: number): void {
		const slot: Slot = { grantedAt: now };
		this.slots.push(slot);
		this.lastGrantAt = now;
		this.grants++;
		this.settle(waiter, { answered: (answer) => this.answered(slot, answer) });
	}

	/** Hands out slots in priority order; waiters whose deadline passed are told so. */
	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.waiters.length > 0) {
				const now = Date.now();
				for (const waiter of this.waiters.filter((candidate) => candidate.deadline <= now)) {
					this.waiters.splice(this.waiters.indexOf(waiter), 1);
					this.settle(waiter, undefined);
				}
				if (this.waiters.length === 0) break;
				this.slots = this.slotsInWindow(now);
				this.restartSlowIfStale(now);
				const slotAt = this.nextSlotAt(now);
				if (slotAt > now) {
					const firstDeadline = Math.min(...this.waiters.map((waiter) => waiter.deadline));
					await this.sleep(Math.min(slotAt, firstDeadline) - now);
					continue;
				}
				this.grant(this.waiters.shift() as Waiter, now);
			}
		} finally {
			this.pumping = false;
		}
	}

	/** Sleeps until `ms` passed or something changed (an answer, a withdrawal, a new waiter). */
	private async sleep(ms: number): Promise<void> {
		const wakeUp = new AbortController();
		this.wakeUp = wakeUp;
		// Woken early is the point: the pump looks again either way.
		await wait(Math.min(ms, MAX_IDLE_MS), wakeUp.signal).catch(() => undefined);
		this.wakeUp = undefined;
	}
}
