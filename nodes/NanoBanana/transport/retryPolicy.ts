import type { ApiOutcome } from './apiRequest';

/** Connection errors that happen before the request left this machine: nothing reached Runbase. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export const MAX_CREATE_ATTEMPTS = 6;
export const MAX_POLL_ATTEMPTS = 8;

export function isRateLimited(outcome: ApiOutcome): boolean {
	return outcome.ok && outcome.statusCode === 429;
}

/** A create may be sent again only when Runbase certainly did not start a run. */
export function isSafeToResendCreate(outcome: ApiOutcome): boolean {
	return isRateLimited(outcome) || (!outcome.ok && NOT_SENT_CODES.has(outcome.code));
}

/** A poll only reads, so any answer that may be temporary is worth another try. */
export function isWorthRepolling(outcome: ApiOutcome): boolean {
	if (!outcome.ok) return true;
	if (outcome.statusCode === 429 || outcome.statusCode >= 500) return true;
	return outcome.statusCode < 300 && (outcome.json === undefined || typeof outcome.json !== 'object');
}

/** Exponential back-off with jitter: about 0.5 s, 1 s, 2 s, 4 s ... capped at 15 s. */
export function backoffMs(attempt: number): number {
	const base = Math.min(15_000, 500 * 2 ** attempt);
	return Math.round(base * (0.75 + Math.random() * 0.5));
}

/** Reads Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(headers: Record<string, unknown>): number | undefined {
	const value = headers['retry-after'];
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
