/** How a key's request budget adapts to traffic it cannot see: the numbers, and why each is what it is. */
import type { Slot } from './budgetSlots';

/** The longest pause one 429 can impose, whatever Retry-After says. */
export const MAX_PAUSE_MS = 60_000;
/** After a 429 the rate is multiplied by this (AIMD; 0.7 as in TCP CUBIC: gentler than halving). */
export const DECREASE_FACTOR = 0.7;
/**
 * Every pause ends a random 0 to this many slot intervals (window / Requests per
 * 10 Seconds, 0.5 s at 20 per 10 s) late. Every client turned away at once hears
 * the same whole-second Retry-After: spread this way they arrive one after another
 * instead of together.
 */
export const PAUSE_SPREAD_SLOTS = 2;
/** An in-flight request frees its slot when answered; the pump also re-checks at least this often. */
export const MAX_IDLE_MS = 30_000;
/**
 * Requests in flight at once after a quiet spell or a 429 (slow start, as in TCP): the
 * first answers show whether the key's window has room before a whole burst is sent.
 * Each accepted answer allows one more, up to the rate.
 */
export const INITIAL_IN_FLIGHT = 1;
/** A spell without requests this long means other clients may have filled the window meanwhile. */
export const QUIET_SPELL_MS = 1000;
/** A request in flight longer than this is slow, not a sign of room: it stops holding back the others. */
export const SLOW_ANSWER_MS = 2000;
/**
 * A new budget sends its first requests at once, but holds the rest of its first
 * burst back for a random while up to this: workers that start together on one key
 * then fill its window one after another, and a late one learns from one or two
 * 429s instead of a dozen. A lone item is never delayed.
 */
export const FIRST_BURST_JITTER_MS = 1000;

/**
 * When the key's window has room again after a 429, or undefined when nothing says (a whole window
 * is sure then). This process's own requests say when its share frees: once the second oldest of its
 * accepted requests still in the window has aged out (the first makes up for the refused request,
 * which a limiter may count too), as TCP sends a new packet when an old one has left the network.
 * Retry-After, when present, is the earliest: it tells the room at the moment of this refusal, and a
 * limiter that counts refused requests also counts the other processes turned away right after it.
 */
export function roomAfter429Ms(retryAfterMs: number | undefined, ownSlots: Slot[], windowMs: number, now: number): number | undefined {
	const ageOuts = ownSlots.flatMap((slot) => (slot.accepted && slot.answeredAt !== undefined ? [slot.answeredAt + windowMs] : []));
	const pending = ageOuts.filter((at) => at > now).sort((a, b) => a - b);
	const ownRoomMs = pending.length > 1 ? pending[1] - now : undefined;
	if (retryAfterMs === undefined) return ownRoomMs;
	return Math.max(retryAfterMs, ownRoomMs ?? 0);
}

/** How long a 429 pauses every request of the key, given when it has room again (`roomAfter429Ms`). */
export function pauseAfter429Ms(roomAfterMs: number | undefined, windowMs: number, requestsPerWindow: number, random: () => number): number {
	const slotMs = windowMs / requestsPerWindow;
	const spread = random() * PAUSE_SPREAD_SLOTS * slotMs;
	// Nothing says: wait until the window has surely cleared, also of rejected requests.
	if (roomAfterMs === undefined) return Math.min(MAX_PAUSE_MS, windowMs + spread);
	// One slot more: a limiter that counts the refused request, yet worked out Retry-After without
	// it, has room one slot later (the estimate from own requests keeps the same margin).
	return Math.min(MAX_PAUSE_MS, roomAfterMs + slotMs + spread);
}

/**
 * A rate lowered by a 429 is forgotten this long after the decrease: the traffic that caused it is
 * likely gone, and a lone run should not stay slowed by a 429 of long ago.
 */
export const RATE_LIMIT_MEMORY_MS = 60_000;

/**
 * While a request of the key is unanswered, the next goes out no sooner than this after it.
 * Another client on the key can fill the window at any moment, and every request of ours in
 * flight then is turned away. An answer normally comes within this, even from another
 * continent, so the next request waits for it and one at most is in flight. An answer slower than
 * this (Runbase fetching a reference image) still lets a burst out at 4 requests a second,
 * twice the documented rate, so a busy process loses no throughput to it.
 */
export const REQUEST_GAP_MS = 250;
