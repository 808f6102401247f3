'use strict';
// Low-level answers. `ctx` is {req, res, record, gone()}; every answer also updates ctx.record.

const JSON_TYPE = { 'content-type': 'application/json' };
const HTML_TYPE = { 'content-type': 'text/html; charset=utf-8' };
const TEXT_TYPE = { 'content-type': 'text/plain; charset=utf-8' };
const PROXY_PAGES = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

const errorBody = (code, message) => ({ error: { message, code } });

function mark(ctx, fault) {
	ctx.record.fault = ctx.record.fault ? `${ctx.record.fault},${fault}` : fault;
}

function send(ctx, status, headers, body, fault) {
	if (ctx.gone()) return;
	if (fault) mark(ctx, fault);
	const buf = Buffer.from(body);
	ctx.record.status = status;
	ctx.res.writeHead(status, { ...headers, 'content-length': buf.length });
	ctx.res.end(ctx.req.method === 'HEAD' ? undefined : buf);
}

function sendJson(ctx, status, obj, fault) {
	if (obj && obj.error && typeof obj.error.code === 'string') ctx.record.errorCode = obj.error.code;
	send(ctx, status, JSON_TYPE, JSON.stringify(obj), fault);
}

function sendError(ctx, status, code, message) {
	sendJson(ctx, status, errorBody(code, message));
}

const MESSAGES_429 = {
	RATE_LIMITED: 'Rate limit exceeded: 20 requests per 10 seconds per API key. Retry later.',
	USAGE_EXCEEDED: 'Usage limit exceeded',
};

function send429(ctx, retryAfterSeconds, code, fault) {
	const headers = { ...JSON_TYPE };
	if (retryAfterSeconds != null) headers['retry-after'] = String(Math.ceil(retryAfterSeconds));
	const body = errorBody(code, MESSAGES_429[code] || MESSAGES_429.RATE_LIMITED);
	ctx.record.errorCode = code;
	send(ctx, 429, headers, JSON.stringify(body), fault);
}

// 502/503/504 look like a proxy's HTML page; anything else is the API's JSON error.
function sendServerError(ctx, status, fault) {
	if (PROXY_PAGES[status]) {
		return send(ctx, status, HTML_TYPE, `<html><body><h1>${status} ${PROXY_PAGES[status]}</h1></body></html>`, fault);
	}
	return sendJson(ctx, status, errorBody('internal_error', 'Internal server error'), fault);
}

function drop(ctx, fault) {
	mark(ctx, fault);
	ctx.record.status = 0;
	ctx.record.dropped = true;
	ctx.req.socket.destroy();
}

// Body is exactly `size` bytes: the image's parts in order, truncated or zero-padded, with backpressure.
function streamImage(ctx, { parts, size, contentType, chunked }) {
	const { res } = ctx;
	if (ctx.gone()) return;
	const headers = { 'content-type': contentType, 'cache-control': 'public, max-age=86400' };
	if (!chunked) headers['content-length'] = size;
	ctx.record.status = 200;
	res.writeHead(200, headers);
	if (ctx.req.method === 'HEAD') return void res.end();
	const zeros = Buffer.alloc(64 * 1024);
	let part = 0;
	let sent = 0;
	const pump = () => {
		while (!ctx.gone()) {
			if (sent >= size) return void res.end();
			let chunk;
			if (part < parts.length) chunk = parts[part++].subarray(0, size - sent);
			else chunk = zeros.subarray(0, Math.min(zeros.length, size - sent));
			if (chunk.length === 0) continue;
			sent += chunk.length;
			if (!res.write(chunk)) return void res.once('drain', pump);
		}
	};
	pump();
}

module.exports = {
	JSON_TYPE,
	HTML_TYPE,
	TEXT_TYPE,
	errorBody,
	mark,
	send,
	sendJson,
	sendError,
	send429,
	sendServerError,
	drop,
	streamImage,
};
