'use strict';
// Reference images (input.image_urls): Runbase fetches each one itself before it creates a run.
// The simulator does the same, but it only ever connects to loopback addresses: any other host is
// either accepted unfetched (fetchReferences 'loopback', the default) or treated as unreachable
// ('strict'), in both cases without a single packet leaving the machine.
const crypto = require('crypto');
const http = require('http');
const https = require('https');

const MAX_REFERENCE_BYTES = 20 * 1024 * 1024;
const MAX_REDIRECTS = 3;
const SHORT_URL_CHARS = 80;
const USER_AGENT = 'Runbase-Simulator/1.0 (reference fetcher)';

/**
 * The address to connect to for a URL hostname (as `new URL().hostname` spells it), or null when
 * the host is not loopback. Only 127.0.0.0/8, `localhost` and `[::1]` are loopback here; `localhost`
 * is never looked up, it is 127.0.0.1.
 */
function loopbackAddress(hostname) {
	const host = String(hostname).toLowerCase();
	if (host === 'localhost') return '127.0.0.1';
	if (host === '[::1]') return '::1';
	const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	if (octets && octets.slice(1).every((o) => Number(o) <= 255)) return host;
	return null;
}

const isDataUri = (value) => /^data:/i.test(value);

/** A form of the reference that is safe and short enough for a message: no query, no base64 payload. */
function shortReference(value) {
	if (isDataUri(value)) {
		const comma = value.indexOf(',');
		const meta = comma === -1 || comma > 60 ? 'data:' : value.slice(0, comma + 1);
		return `${meta}… (${value.length} characters)`;
	}
	let short = value;
	try {
		const url = new URL(value);
		short = `${url.protocol}//${url.host}${url.pathname}${url.search ? '?…' : ''}`;
	} catch {
		// not a URL: shorten it as it is
	}
	return short.length > SHORT_URL_CHARS ? `${short.slice(0, SHORT_URL_CHARS - 1)}…` : short;
}

/** The image type by its first bytes, or null. */
function sniffImageType(bytes) {
	const starts = (sig, at = 0) => bytes.length >= at + sig.length && sig.every((b, i) => bytes[at + i] === b);
	if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
	if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
	const ascii = bytes.subarray(0, 12).toString('latin1');
	if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return 'image/gif';
	if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'image/webp';
	return null;
}

function percentDecode(text) {
	const parts = text.split(/(%[0-9a-fA-F]{2})/);
	return Buffer.concat(parts.map((part) => (/^%[0-9a-fA-F]{2}$/.test(part) ? Buffer.from([parseInt(part.slice(1), 16)]) : Buffer.from(part, 'utf8'))));
}

/** @returns {{bytes: Buffer, contentType: string} | {error: string}} */
function decodeDataUri(value) {
	const comma = value.indexOf(',');
	if (comma === -1) return { error: 'is not a valid data: URI (no comma before the data)' };
	const params = value.slice(5, comma).split(';');
	const base64 = params.length > 1 && params.at(-1).toLowerCase() === 'base64';
	const contentType = (params[0] || 'text/plain').toLowerCase();
	const payload = value.slice(comma + 1);
	if (!base64) return { bytes: percentDecode(payload), contentType };
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload)) return { error: 'is not a valid data: URI (the base64 data has characters base64 does not use)' };
	return { bytes: Buffer.from(payload, 'base64'), contentType };
}

function describeNetworkError(err) {
	const reasons = { ECONNREFUSED: 'connection refused', ECONNRESET: 'connection reset', EPIPE: 'connection closed' };
	return reasons[err && err.code] || (err && (err.code || err.message)) || 'network error';
}

/**
 * GETs a loopback URL, following up to MAX_REDIRECTS redirects that stay on loopback.
 * @param {{timeoutMs: number, inflight: Set<{destroy(): void}>}} opts
 * @returns {Promise<{bytes: Buffer, contentType: string | undefined} | {error: string}>}
 */
function fetchLoopback(href, opts, redirectsLeft = MAX_REDIRECTS) {
	const url = new URL(href);
	const address = loopbackAddress(url.hostname);
	if (!address) {
		return Promise.resolve({ error: `could not be fetched: it redirects to ${url.hostname}, which the simulator never connects to (it fetches loopback addresses only)` });
	}
	return new Promise((resolve) => {
		const lib = url.protocol === 'https:' ? https : http;
		let settled = false;
		const handle = { destroy: () => finish({ error: 'was not fetched: the simulator closed' }) };
		const finish = (result) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			opts.inflight.delete(handle);
			req.destroy();
			resolve(result);
		};
		const req = lib.request({
			host: address,
			port: url.port || (url.protocol === 'https:' ? 443 : 80),
			path: `${url.pathname}${url.search}`,
			method: 'GET',
			headers: { host: url.host, 'user-agent': USER_AGENT, accept: 'image/*' },
			agent: false,
			...(url.hostname === 'localhost' ? { servername: 'localhost' } : {}),
		});
		const timer = setTimeout(() => finish({ error: `could not be fetched: no answer within ${opts.timeoutMs} ms` }), opts.timeoutMs);
		timer.unref();
		opts.inflight.add(handle);
		req.on('error', (err) => finish({ error: `could not be fetched: ${describeNetworkError(err)}` }));
		req.on('response', (res) => {
			const status = res.statusCode;
			if (status >= 300 && status < 400 && res.headers.location) {
				res.resume();
				if (redirectsLeft <= 0) return finish({ error: `could not be fetched: more than ${MAX_REDIRECTS} redirects` });
				let next;
				try {
					next = new URL(res.headers.location, url);
				} catch {
					return finish({ error: 'could not be fetched: it redirects to an invalid address' });
				}
				if (next.protocol !== 'http:' && next.protocol !== 'https:') {
					return finish({ error: `could not be fetched: it redirects to a ${next.protocol} address` });
				}
				return fetchLoopback(next.href, opts, redirectsLeft - 1).then(finish);
			}
			if (status < 200 || status >= 300) {
				res.resume();
				return finish({ error: `could not be fetched: its server answered HTTP ${status}` });
			}
			const chunks = [];
			let size = 0;
			res.on('data', (chunk) => {
				size += chunk.length;
				if (size > MAX_REFERENCE_BYTES) return finish({ error: `is larger than ${MAX_REFERENCE_BYTES} bytes` });
				chunks.push(chunk);
			});
			res.on('end', () => finish({ bytes: Buffer.concat(chunks), contentType: res.headers['content-type'] }));
			res.on('error', (err) => finish({ error: `could not be fetched: ${describeNetworkError(err)}` }));
		});
		req.end();
	});
}

/**
 * What happens to one reference: fetched, decoded, accepted unfetched (null) or refused.
 * @returns {Promise<null | {source, bytes?, contentType?, error?}>}
 */
async function receiveReference(value, mode, opts) {
	if (isDataUri(value)) return { source: 'data', ...decodeDataUri(value) };
	const { hostname } = new URL(value);
	if (loopbackAddress(hostname)) return { source: 'url', ...(await fetchLoopback(value, opts)) };
	if (mode === 'strict') return { source: 'url', error: `could not be fetched: ${hostname} is not reachable from the simulator (it fetches loopback addresses only)` };
	return null;
}

/**
 * Fetches (loopback) or decodes (data:) every reference and checks that each is an image.
 * @param {string[]} urls input.image_urls, already validated as http(s) or data: strings
 * @param {{mode: 'loopback' | 'strict' | 'off', timeoutMs: number, inflight: Set}} opts
 * @returns {Promise<{received: object[], error: string | null}>} `received`: one entry per reference whose
 *   bytes arrived (in index order); `error`: the message for the first refused reference, by index.
 */
async function checkReferences(urls, opts) {
	if (!urls || urls.length === 0 || opts.mode === 'off') return { received: [], error: null };
	const outcomes = await Promise.all(urls.map((value) => receiveReference(value, opts.mode, opts)));
	const received = [];
	let error = null;
	outcomes.forEach((outcome, index) => {
		if (!outcome) return;
		const name = `input.image_urls[${index}] (${shortReference(urls[index])})`;
		if (outcome.error) {
			error ??= `${name} ${outcome.error}`;
			return;
		}
		const mimeType = sniffImageType(outcome.bytes);
		received.push({
			index,
			source: outcome.source,
			url: outcome.source === 'data' ? shortReference(urls[index]) : urls[index],
			mimeType,
			contentType: outcome.contentType,
			bytes: outcome.bytes,
			sha256: crypto.createHash('sha256').update(outcome.bytes).digest('hex'),
		});
		if (!mimeType) error ??= `${name} is not an image: its first bytes are not those of a PNG, JPEG, WebP or GIF file`;
	});
	return { received, error };
}

module.exports = { checkReferences, loopbackAddress, shortReference, sniffImageType, decodeDataUri, isDataUri, MAX_REFERENCE_BYTES };
