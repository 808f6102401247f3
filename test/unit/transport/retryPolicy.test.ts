import type { ApiOutcome } from '../../../nodes/NanoBanana/transport/apiRequest';
import {
	backoffMs,
	isRateLimited,
	isTlsFailure,
	isUsageCapped,
	isWorthReconnecting,
	isWorthRepolling,
	retryAfterMs,
	wasNotSent,
} from '../../../nodes/NanoBanana/transport/retryPolicy';
import { SSRF_BLOCKED } from '../../../nodes/NanoBanana/transport/n8nSsrf';

const answer = (statusCode: number, json: unknown = {}): ApiOutcome => ({ ok: true, statusCode, headers: {}, json });

describe('retryAfterMs', () => {
	const now = Date.parse('2026-11-25T10:00:00Z');
	test.each([
		['seconds', '3', 3000],
		['a number', 2, 2000],
		['fractions', '0.5', 500],
		['zero', '0', 0],
		['an HTTP date', 'Wed, 25 Nov 2026 10:00:07 GMT', 7000],
		['a date in the past', 'Wed, 25 Nov 2026 09:00:00 GMT', 0],
	])('reads %s', (_, value, expected) => {
		expect(retryAfterMs({ 'retry-after': value }, now)).toBe(expected);
	});
	test.each([['missing', undefined], ['empty', ''], ['garbage', 'soon'], ['an object', { s: 1 }]])('treats %s as absent', (_, value) => {
		expect(retryAfterMs({ 'retry-after': value }, now)).toBeUndefined();
	});
});

test('back-off starts near 1 s and doubles, capped at 15 s', () => {
	expect(backoffMs(1, () => 0.5)).toBe(1000);
	expect(backoffMs(2, () => 0.5)).toBe(2000);
	expect(backoffMs(10, () => 0.5)).toBe(15_000);
	expect(backoffMs(1, () => 0)).toBe(750);
	expect(backoffMs(1, () => 1)).toBe(1250);
});

test('USAGE_EXCEEDED is a usage cap, not a rate limit', () => {
	const cap = answer(429, { error: { message: 'Usage limit', code: 'USAGE_EXCEEDED' } });
	const limit = answer(429, { error: { message: 'Rate limit exceeded', code: 'RATE_LIMITED' } });
	expect(isUsageCapped(cap)).toBe(true);
	expect(isRateLimited(cap)).toBe(false);
	expect(isWorthRepolling(cap)).toBe(false);
	expect(isRateLimited(limit)).toBe(true);
	expect(isWorthRepolling(limit)).toBe(true);
});

test('only connection errors before sending count as not sent', () => {
	expect(wasNotSent({ ok: false, code: 'ECONNREFUSED', message: '' })).toBe(true);
	expect(wasNotSent({ ok: false, code: 'ECONNRESET', message: '' })).toBe(false);
	expect(wasNotSent(answer(429))).toBe(false);
});

const failure = (code: string): ApiOutcome => ({ ok: false, code, message: `${code} (simulated)` });

describe('never sent: an allow-list of failures that happen before the request is written', () => {
	test.each([
		'CERT_HAS_EXPIRED',
		'CERT_NOT_YET_VALID',
		'CERT_REVOKED',
		'DEPTH_ZERO_SELF_SIGNED_CERT',
		'SELF_SIGNED_CERT_IN_CHAIN',
		'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
		'UNABLE_TO_GET_ISSUER_CERT',
		'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
		'ERR_TLS_CERT_ALTNAME_INVALID',
	])('a certificate check failing (%s) was not sent, and is worded as a TLS failure', (code) => {
		expect(wasNotSent(failure(code))).toBe(true);
		expect(isWorthReconnecting(failure(code))).toBe(true);
		expect(isTlsFailure(code)).toBe(true);
	});

	test.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_URL', SSRF_BLOCKED])('%s was not sent', (code) => {
		expect(wasNotSent(failure(code))).toBe(true);
	});

	test('a request n8n refused to send is not worth reconnecting', () => {
		expect(isWorthReconnecting(failure(SSRF_BLOCKED))).toBe(false);
	});

	test.each([
		'EPROTO',
		'ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC',
		'ERR_SSL_SSLV3_ALERT_BAD_RECORD_MAC',
		'ERR_SSL_WRONG_VERSION_NUMBER',
		'ECONNRESET',
		'ECONNABORTED',
		'ETIMEDOUT',
		'EPIPE',
		'UNKNOWN',
	])('%s may have been sent: a create is never sent again after it', (code) => {
		expect(wasNotSent(failure(code))).toBe(false);
		expect(isWorthReconnecting(failure(code))).toBe(false);
	});

	test('TLS errors that may come after sending still read as TLS failures', () => {
		expect(isTlsFailure('EPROTO')).toBe(true);
		expect(isTlsFailure('ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC')).toBe(true);
		expect(isTlsFailure('ECONNRESET')).toBe(false);
	});
});

test('polls are repeated after 5xx, broken JSON and lost connections, not after 4xx', () => {
	expect(isWorthRepolling(answer(503))).toBe(true);
	expect(isWorthRepolling({ ok: true, statusCode: 200, headers: {}, json: undefined, notJson: '<html>' })).toBe(true);
	expect(isWorthRepolling({ ok: false, code: 'ECONNRESET', message: '' })).toBe(true);
	expect(isWorthRepolling(answer(404))).toBe(false);
	expect(isWorthRepolling(answer(200, { id: 'run_1', status: 'pending' }))).toBe(false);
});
