import type { ApiOutcome } from './apiRequest';
import { readServerError } from './apiErrors';
import { SSRF_BLOCKED } from './n8nSsrf';

/**
 * Certificate checks fail during the handshake of a new connection, before the request is written.
 * Other TLS errors (EPROTO, a bad record MAC, a wrong version number) can also strike a reused
 * keep-alive connection after the request went out, so they do not count as never sent.
 */
const CERTIFICATE_FAILURES = [
	'CERT_HAS_EXPIRED',
	'CERT_NOT_YET_VALID',
	'CERT_REVOKED',
	'CERT_UNTRUSTED',
	'CERT_REJECTED',
	'CERT_SIGNATURE_FAILURE',
	'CERT_CHAIN_TOO_LONG',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
	'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
	'ERROR_IN_CERT_NOT_BEFORE_FIELD',
	'ERROR_IN_CERT_NOT_AFTER_FIELD',
	'INVALID_CA',
	'INVALID_PURPOSE',
	'PATH_LENGTH_EXCEEDED',
	'HOSTNAME_MISMATCH',
	'ERR_TLS_CERT_ALTNAME_INVALID',
];

/** Failures that can only happen before the request was written: nothing reached Runbase. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL', SSRF_BLOCKED, ...CERTIFICATE_FAILURES]);

/** Certificate and TLS failures, for wording only: whether the request was sent is `wasNotSent`'s to say. */
export function isTlsFailure(code: string): boolean {
	return CERTIFICATE_FAILURES.includes(code) || /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|EPROTO/i.test(code);
}

/** A base URL that refuses connections is a setup problem: a few tries, not the whole Timeout. */
export const MAX_UNREACHABLE_ATTEMPTS = 3;

export function isRateLimited(outcome: ApiOutcome): boolean {
	return outcome.ok && outcome.statusCode === 429 && !isUsageCapped(outcome);
}

/** 429 `USAGE_EXCEEDED` is a usage cap, not a momentary limit: waiting seconds does not clear it. */
export function isUsageCapped(outcome: ApiOutcome): boolean {
	return outcome.ok && outcome.statusCode === 429 && readServerError(outcome.json).code === 'USAGE_EXCEEDED';
}

/** The request certainly never reached Runbase: anything not known to fail before writing may have been sent. */
export function wasNotSent(outcome: ApiOutcome): boolean {
	return !outcome.ok && NOT_SENT_CODES.has(outcome.code);
}

/** Not sent because the host did not answer (worth a few more tries), not because n8n refused to send it. */
export function isWorthReconnecting(outcome: ApiOutcome): boolean {
	return wasNotSent(outcome) && !(!outcome.ok && outcome.code === SSRF_BLOCKED);
}

/** A poll only reads, so any answer that may be temporary is worth another try. */
export function isWorthRepolling(outcome: ApiOutcome): boolean {
	if (!outcome.ok) return true;
	if (isRateLimited(outcome) || outcome.statusCode >= 500) return true;
	return outcome.statusCode < 300 && (outcome.json === undefined || typeof outcome.json !== 'object');
}

/** Exponential back-off with jitter for attempt 1, 2, 3 ...: about 1 s, 2 s, 4 s ... capped at 15 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
	const base = Math.min(15_000, 500 * 2 ** attempt);
	return Math.round(base * (0.75 + random() * 0.5));
}

/** Reads Retry-After in seconds or as an HTTP date; anything else counts as absent. */
export function retryAfterMs(headers: Record<string, unknown>, now = Date.now()): number | undefined {
	const value = headers['retry-after'];
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	if (typeof value === 'string' && value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
