'use strict';
// Runbase API simulator: see README.md in this folder.
const crypto = require('crypto');
const { createTrackedServer, readBody, parseBody } = require('./http-util');
const { Faults, RateLimiter, matches, ONE_SHOT } = require('./faults');
const { validateCreateBody } = require('./validate');
const { MODELS, DEFAULT_PROCESSING_FACTORS, resolutionOf, imageSize } = require('./models');
const { createRun, runView } = require('./runs');
const { imageFor } = require('./images');
const { checkReferences, loopbackAddress } = require('./references');
const answer = require('./respond');

const { JSON_TYPE, HTML_TYPE, TEXT_TYPE, errorBody } = answer;

const API_PREFIX = '/api/v1';
const CREATE_PATH = /^\/api\/v1\/runs\/?$/;
const POLL_PATH = /^\/api\/v1\/runs\/([^/]+)\/?$/;
const FILE_PATH = /^\/files\/generated\/(.+)-(\d+)\.png$/;

const DEFAULTS = {
	apiKeys: ['sk-test'],
	keyStates: {},
	pendingMs: 300,
	processingMs: 700,
	generationMs: null,
	timing: null,
	processingFactors: DEFAULT_PROCESSING_FACTORS,
	costUsd: 39000,
	createStatus: 201,
	failWhen: null,
	failPromptsMatching: null,
	failErrorShape: 'object',
	imagesPerRun: 1,
	imageMode: 'small',
	imageContentType: 'image/png',
	separateImageHost: false,
	rateLimit: null,
	latencyMs: 0,
	seed: 1,
	retryAfterSeconds: 1,
	pollFaults: null,
	burst429: null,
	forceError: null,
	dropConnections: null,
	stall: null,
	malformedJson: null,
	unknownStatus: null,
	contractBreak: null,
	downloadFaults: null,
	redirectDownloads: null,
	downloadBody: null,
	downloadContentType: null,
	downloadSizeBytes: null,
	downloadChunked: false,
	fetchReferences: 'loopback',
	acceptDataUris: true,
	referenceTimeoutMs: 5000,
	maxBodyBytes: 20 * 1024 * 1024,
};
const FETCH_REFERENCE_MODES = ['loopback', 'strict', 'off'];

const KEY_STATE_ERRORS = {
	ip_not_allowed: [403, 'Requests from this IP address are not allowed for this API key'],
	api_key_spend_limit_exceeded: [403, 'This API key has reached its spend limit'],
	insufficient_balance: [402, 'Insufficient balance: add credits to create runs'],
};
// Key states that pass authentication; any other state (403 ones, unknown ones) is answered there.
const PASSING_KEY_STATES = new Set(['insufficient_balance', 'usage_exceeded', 'usage_exceeded_creates']);
// Key states answered 429 USAGE_EXCEEDED (no Retry-After), after the rate limiter.
const USAGE_KEY_STATES = { usage_exceeded: 'any', usage_exceeded_creates: 'create' };


function defaultFailure(shape) {
	const message = 'The model could not generate an image for this prompt';
	return shape === 'string' ? message : { message, code: 'generation_failed' };
}

function bearerKey(header) {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header || '');
	return match ? match[1] : undefined;
}

function pathnameOf(url) {
	try {
		return new URL(url, 'http://localhost').pathname;
	} catch {
		return url;
	}
}

function safeDecode(s) {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

class Simulator {
	constructor(options = {}) {
		this.options = { ...DEFAULTS };
		this.userOptions = {};
		this.requests = [];
		this.runs = new Map();
		this.faults = new Faults(DEFAULTS.seed);
		this.limiter = new RateLimiter();
		this.waits = new Set();
		this.references = [];
		this.referenceFetches = new Set();
		this.servers = [];
		this.closed = false;
		this._apply(options);
		// What reset() returns to: the options the simulator was started with.
		this.startOptions = { ...options };
	}

	async _start() {
		const api = createTrackedServer((req, res) => this._dispatch(req, res, 'api'));
		this.servers.push(api);
		this.url = `http://127.0.0.1:${await api.listen()}`;
		this.apiBaseUrl = `${this.url}${API_PREFIX}`;
		this.imageBaseUrl = this.url;
		if (this.options.separateImageHost) {
			const images = createTrackedServer((req, res) => this._dispatch(req, res, 'images'));
			this.servers.push(images);
			this.imageBaseUrl = `http://127.0.0.1:${await images.listen()}`;
		}
	}

	// ---- public API -------------------------------------------------------

	configure(partial = {}) {
		if ('separateImageHost' in partial && !!partial.separateImageHost !== !!this.options.separateImageHost) {
			throw new Error('separateImageHost can only be set when the simulator starts');
		}
		this._apply(partial);
		return this;
	}

	/**
	 * Clears the records, the rate-limit window and every fault, and puts the options back to what
	 * startSimulator() got (defaults for the rest); one-shot faults are not re-armed, even those
	 * given at start. separateImageHost cannot change, so it stays as it started.
	 */
	reset() {
		this.requests.length = 0;
		this.runs.clear();
		this.references.length = 0;
		this.limiter.reset();
		Object.assign(this.options, DEFAULTS);
		for (const name of Object.keys(this.userOptions)) delete this.userOptions[name];
		const persistent = { ...this.startOptions };
		for (const name of ONE_SHOT) delete persistent[name];
		this._set(persistent);
		this.faults.reset(this.options.seed);
		return this;
	}

	stats() {
		const byStatus = {};
		const count = (pred) => this.requests.filter(pred).length;
		for (const r of this.requests) if (r.status !== null) byStatus[r.status] = (byStatus[r.status] || 0) + 1;
		return {
			creates: count((r) => r.kind === 'create'),
			runsCreated: this.runs.size,
			polls: count((r) => r.kind === 'poll'),
			downloads: count((r) => r.kind === 'download'),
			rateLimited: count((r) => r.status === 429),
			byStatus,
			byKey: this._statsByKey(),
		};
	}

	/** Per API key (as sent in Authorization): its API requests and how many were answered 429. */
	_statsByKey() {
		const byKey = {};
		for (const r of this.requests) {
			if (r.host !== 'api' || r.key === undefined) continue;
			const k = (byKey[r.key] ??= { requests: 0, creates: 0, polls: 0, rateLimited: 0, usageExceeded: 0, share429: 0 });
			k.requests++;
			if (r.kind === 'create') k.creates++;
			if (r.kind === 'poll') k.polls++;
			if (r.status === 429) k.rateLimited++;
			if (r.status === 429 && r.errorCode === 'USAGE_EXCEEDED') k.usageExceeded++;
		}
		for (const k of Object.values(byKey)) k.share429 = k.requests ? k.rateLimited / k.requests : 0;
		return byKey;
	}

	createsForPrompt(prompt) {
		let n = 0;
		for (const run of this.runs.values()) if (run.input.prompt === prompt) n++;
		return n;
	}

	async close() {
		if (!this.closed) {
			this.closed = true;
			for (const wait of [...this.waits]) wait.finish();
			for (const fetching of [...this.referenceFetches]) fetching.destroy();
			this._closing = Promise.all(this.servers.map((s) => s.close()));
		}
		await this._closing;
	}

	// ---- options -------------------------------------------------------

	_apply(partial) {
		for (const key of Object.keys(partial)) {
			if (!(key in DEFAULTS)) throw new Error(`Runbase simulator: unknown option "${key}"`);
		}
		if ('fetchReferences' in partial && !FETCH_REFERENCE_MODES.includes(partial.fetchReferences)) {
			throw new Error(`Runbase simulator: fetchReferences must be one of ${FETCH_REFERENCE_MODES.join(', ')}`);
		}
		this._set(partial);
		if ('seed' in partial) this.faults.reseed(this.options.seed);
		this.faults.arm(partial);
	}

	/** Sets options that _apply() checked (no fault is armed or reseeded here). */
	_set(partial) {
		Object.assign(this.userOptions, partial);
		Object.assign(this.options, partial);
		if ('processingFactors' in partial) {
			// Missing entries keep their defaults; null turns every factor off.
			this.options.processingFactors = partial.processingFactors === null ? {} : { ...DEFAULT_PROCESSING_FACTORS, ...partial.processingFactors };
		}
	}

	/** processingFactors: the model's factor times the resolution's (a model without resolutions counts as 1K). */
	_processingFactor(info) {
		const factors = this.options.processingFactors || {};
		return (factors[info.model] ?? 1) * (factors[info.resolution || '1K'] ?? 1);
	}

	_timingFor(info) {
		const o = this.options;
		const f = this._processingFactor(info);
		const scaled = (ms) => Math.round(ms * f);
		if (typeof o.timing === 'function') {
			const t = o.timing(info) || {};
			return { pendingMs: t.pendingMs ?? o.pendingMs, processingMs: t.processingMs ?? scaled(o.processingMs) };
		}
		if (o.generationMs != null) {
			return { pendingMs: 'pendingMs' in this.userOptions ? o.pendingMs : 50, processingMs: scaled(o.generationMs) };
		}
		return { pendingMs: o.pendingMs, processingMs: scaled(o.processingMs) };
	}

	_failureFor(input) {
		const o = this.options;
		if (typeof o.failWhen === 'function') {
			const verdict = o.failWhen(input);
			if (verdict) return verdict.error ?? defaultFailure(o.failErrorShape);
		}
		if (o.failPromptsMatching) {
			o.failPromptsMatching.lastIndex = 0;
			if (o.failPromptsMatching.test(input.prompt)) return defaultFailure(o.failErrorShape);
		}
		return null;
	}

	// ---- request handling ------------------------------------------------

	_dispatch(req, res, server) {
		this._onRequest(req, res, server).catch((err) => {
			if (!res.headersSent && !res.destroyed) {
				res.writeHead(500, JSON_TYPE).end(JSON.stringify(errorBody('internal_error', String(err && err.message))));
			} else {
				req.socket.destroy();
			}
		});
	}

	async _onRequest(req, res, server) {
		const at = Date.now();
		const pathname = pathnameOf(req.url);
		const onImageHost = server === 'images' || (!this.options.separateImageHost && pathname.startsWith('/files/'));
		const host = onImageHost ? 'images' : 'api';
		const body = await readBody(req, host === 'api' ? this.options.maxBodyBytes : null);
		if (body === null || this.closed) return;
		const raw = body.text;
		const record = {
			host,
			method: req.method,
			path: req.url,
			headers: { ...req.headers },
			body: body.tooLarge ? undefined : parseBody(raw),
			bodyBytes: body.bytes,
			status: null,
			at,
			kind: this._classify(host, req.method, pathname),
		};
		if (host === 'api') {
			const key = bearerKey(req.headers.authorization);
			if (key !== undefined) record.key = key;
		}
		this.requests.push(record);
		const ctx = { req, res, record, closed: false, gone: () => ctx.closed || this.closed };
		res.on('finish', () => {
			record.finishedAt = Date.now();
		});
		res.on('close', () => {
			ctx.closed = true;
			if (record.status === null) {
				record.status = 0;
				record.aborted = true;
			}
		});
		if (body.tooLarge) return this._sendTooLarge(ctx);
		if (host === 'images') await this._serveImage(ctx, pathname);
		else await this._serveApi(ctx, pathname, raw);
	}

	_classify(host, method, pathname) {
		if (host === 'images') return 'download';
		if (method === 'POST' && CREATE_PATH.test(pathname)) return 'create';
		if (method === 'GET' && POLL_PATH.test(pathname)) return 'poll';
		return 'other';
	}

	_authenticate(header) {
		const o = this.options;
		const match = /^Bearer(?:\s+(\S*))?\s*$/i.exec(header || '');
		if (!header || (match && !match[1])) {
			return { error: [401, 'missing_api_key', 'Missing API key: send Authorization: Bearer <key>'] };
		}
		const key = match && match[1];
		const state = key ? o.keyStates[key] : undefined;
		if (!key || (!state && !o.apiKeys.includes(key))) return { error: [401, 'invalid_api_key', 'Invalid API key'] };
		if (state && !PASSING_KEY_STATES.has(state)) {
			const [status, message] = KEY_STATE_ERRORS[state] || [403, 'Access denied'];
			return { error: [status, state, message] };
		}
		return { key, state };
	}

	/** Like a gateway in front of the API: before latency, auth and every fault. */
	_sendTooLarge(ctx) {
		const limit = this.options.maxBodyBytes;
		return answer.sendError(
			ctx,
			413,
			'payload_too_large',
			`Request body is larger than ${limit} bytes; pass large reference images as URLs instead of data: URIs`,
		);
	}

	async _serveApi(ctx, pathname, raw) {
		const o = this.options;
		const { req, record } = ctx;
		const kind = record.kind;
		if (o.latencyMs > 0 && !(await this._wait(o.latencyMs, ctx))) return;
		if (pathname !== API_PREFIX && !pathname.startsWith(`${API_PREFIX}/`)) {
			return answer.sendError(ctx, 404, 'not_found', `No route for ${req.method} ${pathname}`);
		}
		const auth = this._authenticate(req.headers.authorization);
		if (auth.error) return answer.sendError(ctx, ...auth.error);
		if (kind === 'other') return answer.sendError(ctx, 404, 'not_found', `No route for ${req.method} ${pathname}`);

		const runId = kind === 'poll' ? safeDecode(POLL_PATH.exec(pathname)[1]) : null;
		if (runId) {
			record.runId = runId;
			const run = this.runs.get(runId);
			if (run) run.polls++;
		}

		// Faults that answer instead of the real handler (faults only hit authenticated requests).
		if (this.faults.take('dropConnections', kind, (s) => s.when !== 'after')) return answer.drop(ctx, 'dropConnections');
		const stall = this.faults.take('stall', kind);
		if (stall && !(await this._stall(ctx, stall))) return;
		const burst = this.faults.take('burst429', kind);
		if (burst) {
			const seconds = burst.retryAfter === false ? null : (burst.retryAfterSeconds ?? o.retryAfterSeconds);
			return answer.send429(ctx, seconds, burst.code || 'RATE_LIMITED', 'burst429');
		}
		const forced = this.faults.take('forceError', kind, (s) => !s.afterCreate);
		if (forced) return this._sendForced(ctx, forced);
		if (o.rateLimit) {
			const seconds = this.limiter.check(auth.key, o.rateLimit);
			if (seconds !== null) return answer.send429(ctx, o.rateLimit.retryAfter === false ? null : seconds, 'RATE_LIMITED', 'rateLimit');
		}
		const usageOn = USAGE_KEY_STATES[auth.state];
		if (usageOn && matches(usageOn, kind)) return answer.send429(ctx, null, 'USAGE_EXCEEDED', 'usageExceeded');
		if (kind === 'poll') {
			const status = this.faults.pollFault(o.pollFaults);
			if (status) return answer.sendServerError(ctx, status, 'pollFaults');
		}

		const result = kind === 'create' ? await this._create(ctx, raw, auth) : this._poll(runId);
		if (result === null) return undefined;
		if (this.faults.take('dropConnections', kind, (s) => s.when === 'after')) return answer.drop(ctx, 'dropConnections:after');
		const forcedAfter = this.faults.take('forceError', kind, (s) => !!s.afterCreate);
		if (forcedAfter) return this._sendForced(ctx, forcedAfter);
		if (result.status >= 300) return answer.sendJson(ctx, result.status, result.body);
		return this._sendSuccess(ctx, kind, result);
	}

	/** @returns the answer to send, or null when the simulator closed meanwhile */
	async _create(ctx, raw, auth) {
		const o = this.options;
		const parsed = validateCreateBody(raw, { acceptDataUris: o.acceptDataUris });
		if (parsed.error) return { status: 400, body: { error: parsed.error } };
		if (auth.state === 'insufficient_balance') {
			return { status: 402, body: errorBody('insufficient_balance', KEY_STATE_ERRORS.insufficient_balance[1]) };
		}
		const references = await checkReferences(parsed.input.image_urls, {
			mode: o.fetchReferences,
			timeoutMs: o.referenceTimeoutMs,
			inflight: this.referenceFetches,
		});
		if (this.closed) return null;
		this.references.push(...references.received);
		if (references.error) return { status: 400, body: errorBody('invalid_input', references.error) };
		const id = `run_${crypto.randomBytes(12).toString('hex')}`;
		const resolution = resolutionOf(parsed.model, parsed.input);
		const info = { id, model: parsed.model, input: parsed.input, resolution };
		const urls = Array.from({ length: o.imagesPerRun }, (_, n) => `${this.imageBaseUrl}/files/generated/${id}-${n}.png`);
		const run = createRun({
			id,
			model: parsed.model,
			input: parsed.input,
			costUsd: o.costUsd,
			timing: this._timingFor(info),
			urls,
			failure: this._failureFor(parsed.input),
			resolution,
			size: imageSize(parsed.model, parsed.input),
			references: references.received,
		});
		for (const reference of references.received) reference.runId = id;
		this.runs.set(id, run);
		ctx.record.runId = id;
		return { status: o.createStatus, body: { id, model: run.model, status: 'pending', costUsd: run.costUsd } };
	}

	_poll(runId) {
		const run = this.runs.get(runId);
		if (!run) return { status: 404, body: errorBody('run_not_found', `Run ${runId} was not found`) };
		return { status: 200, body: runView(run) };
	}

	// Response-shaping faults applied to a successful create/poll (the run exists by now).
	_sendSuccess(ctx, kind, { status, body }) {
		if (kind === 'poll') {
			const unknown = this.faults.take('unknownStatus', 'poll');
			if (unknown) {
				const { output, completedAt, error, ...rest } = body;
				body = { ...rest, status: unknown.word || 'queued_for_gpu' };
				answer.mark(ctx, 'unknownStatus');
			}
		}
		const brk = this.options.contractBreak;
		if (brk && matches(brk.on ?? (brk.kind === 'missing_id' || brk.kind === 'missing_status' ? 'create' : 'poll'), kind)) {
			const shaped = this._breakContract(ctx, brk.kind, body);
			if (shaped === null) return undefined;
			body = shaped;
		}
		const malformed = this.faults.take('malformedJson', kind);
		if (malformed) {
			const text = JSON.stringify(body);
			const broken =
				malformed.kind === 'garbage'
					? `{id: ${body.id}, status: ${body.status}, <!-- upstream error -->`
					: text.slice(0, Math.floor(text.length / 2));
			return answer.send(ctx, 200, JSON_TYPE, broken, 'malformedJson');
		}
		if (kind === 'poll' && (body.status === 'succeeded' || body.status === 'failed') && !ctx.gone()) {
			const run = this.runs.get(ctx.record.runId);
			if (run && run.reportedAt === undefined) run.reportedAt = Date.now();
		}
		return answer.sendJson(ctx, status, body);
	}

	/** @returns the reshaped body, or null when the response was already sent */
	_breakContract(ctx, breakKind, body) {
		const succeeded = body.status === 'succeeded' && body.output;
		switch (breakKind) {
			case 'missing_id': {
				const { id, ...rest } = body;
				answer.mark(ctx, 'contractBreak');
				return rest;
			}
			case 'missing_status': {
				const { status, ...rest } = body;
				answer.mark(ctx, 'contractBreak');
				return rest;
			}
			case 'urls_empty':
				if (!succeeded) return body;
				answer.mark(ctx, 'contractBreak');
				return { ...body, output: { urls: [] } };
			case 'urls_not_array':
				if (!succeeded) return body;
				answer.mark(ctx, 'contractBreak');
				return { ...body, output: { urls: body.output.urls[0] } };
			case 'error_body_200':
				answer.sendJson(ctx, 200, errorBody('internal_error', 'Something went wrong'), 'contractBreak');
				return null;
			case 'html_200':
				answer.send(ctx, 200, HTML_TYPE, '<!doctype html><html><head><title>Runbase</title></head><body><h1>Runbase</h1><p>Sign in to continue.</p></body></html>', 'contractBreak');
				return null;
			default:
				return body;
		}
	}

	async _serveImage(ctx, pathname) {
		const o = this.options;
		const { req } = ctx;
		const match = FILE_PATH.exec(pathname);
		const run = match && this.runs.get(match[1]);
		const index = match ? Number(match[2]) : -1;
		if ((req.method !== 'GET' && req.method !== 'HEAD') || !run || index >= run.urls.length) {
			return answer.send(ctx, 404, TEXT_TYPE, 'Not Found');
		}
		ctx.record.runId = run.id;
		if (this.faults.take('dropConnections', 'download')) return answer.drop(ctx, 'dropConnections');
		const stall = this.faults.take('stall', 'download');
		if (stall && !(await this._stall(ctx, stall))) return undefined;
		if (o.redirectDownloads && !(req.url ?? '').includes('redirected=1')) {
			const target = `${o.redirectDownloads.replace(/\/+$/, '')}${pathname}?redirected=1`;
			ctx.res.setHeader('location', target);
			return answer.send(ctx, 302, TEXT_TYPE, `Found: ${target}`, 'redirectDownloads');
		}
		const fault = this.faults.downloadFault(pathname, o.downloadFaults);
		if (fault && fault.drop) return answer.drop(ctx, 'downloadFaults');
		if (fault) return answer.send(ctx, fault.status, TEXT_TYPE, `Error ${fault.status}`, 'downloadFaults');

		if (o.downloadBody !== null) {
			const body = Buffer.from(o.downloadBody);
			ctx.record.bytes = body.length;
			const declared = o.downloadContentType || (typeof o.imageContentType === 'string' ? o.imageContentType : 'image/png');
			return answer.send(ctx, 200, { 'content-type': declared }, body, 'downloadBody');
		}
		const image = imageFor(o.imageMode, run.input.aspect_ratio, run.resolution);
		const contentType =
			o.downloadContentType ||
			(typeof o.imageContentType === 'function'
				? o.imageContentType({ runId: run.id, index, run })
				: o.imageContentType);
		ctx.record.bytes = o.downloadSizeBytes ?? image.size;
		return answer.streamImage(ctx, {
			parts: image.parts,
			size: o.downloadSizeBytes ?? image.size,
			contentType,
			chunked: o.downloadChunked,
		});
	}

	// ---- waiting -------------------------------------------------------

	/** forceError: answer any status with the documented error body (for 400/500 and friends). */
	_sendForced(ctx, spec) {
		const status = spec.status || 500;
		const error = { message: spec.message || `Forced ${status}`, ...(spec.code ? { code: spec.code } : {}) };
		return answer.sendJson(ctx, status, { error }, 'forceError');
	}

	_stall(ctx, spec) {
		ctx.record.stalled = true;
		answer.mark(ctx, 'stall');
		return this._wait(spec.ms ?? 60000, ctx);
	}

	/** Resolves true after ms, or false early if the client left or the simulator closed. */
	_wait(ms, ctx) {
		return new Promise((resolve) => {
			const entry = {
				finish: () => {
					clearTimeout(entry.timer);
					this.waits.delete(entry);
					ctx.res.off('close', entry.finish);
					resolve(!ctx.gone());
				},
			};
			entry.timer = setTimeout(entry.finish, ms);
			entry.timer.unref(); // a forgotten close() must not keep the process alive
			this.waits.add(entry);
			ctx.res.once('close', entry.finish);
		});
	}
}

/** Starts the simulator on 127.0.0.1 (random port). */
async function startSimulator(options = {}) {
	const sim = new Simulator(options);
	await sim._start();
	return sim;
}

module.exports = { startSimulator, Simulator, DEFAULTS, MODELS, imageSize, loopbackAddress };
