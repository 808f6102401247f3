'use strict';
// Standalone check of the Runbase simulator: node test/simulator.selftest.js
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const http = require('node:http');
const crypto = require('node:crypto');
const { startSimulator, MODELS, imageSize, DEFAULTS } = require('./simulator');
const { crc32, encodePng } = require('./simulator/png');
const { loopbackAddress, shortReference, sniffImageType } = require('./simulator/references');

const MODEL = 'google/nano-banana';
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const auth = (key = 'sk-test') => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

async function create(sim, input, { key, body, model = MODEL } = {}) {
	const res = await fetch(`${sim.apiBaseUrl}/runs`, {
		method: 'POST',
		headers: auth(key),
		body: body ?? JSON.stringify({ model, input }),
	});
	return { res, text: await res.text() };
}
async function poll(sim, id, key) {
	const res = await fetch(`${sim.apiBaseUrl}/runs/${id}`, { headers: auth(key) });
	return { res, text: await res.text() };
}
const json = ({ text }) => JSON.parse(text);
const errCode = (r) => json(r).error.code;

/** Parses a PNG fully: chunk CRCs, IHDR, inflated IDAT length (IDAT may be split into many chunks). */
function checkPng(buf, width, height) {
	assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	let off = 8;
	const idat = [];
	let ihdr;
	const types = [];
	while (off < buf.length) {
		const len = buf.readUInt32BE(off);
		const typeAndData = buf.subarray(off + 4, off + 8 + len);
		assert.equal(buf.readUInt32BE(off + 8 + len), crc32(typeAndData), 'chunk CRC');
		const type = typeAndData.subarray(0, 4).toString('ascii');
		types.push(type);
		if (type === 'IHDR') ihdr = typeAndData.subarray(4);
		if (type === 'IDAT') idat.push(typeAndData.subarray(4));
		off += 12 + len;
	}
	assert.deepEqual([...new Set(types)], ['IHDR', 'IDAT', 'IEND']);
	assert.equal(types.at(-1), 'IEND');
	assert.equal(types.lastIndexOf('IDAT') - types.indexOf('IDAT') + 1, idat.length, 'IDAT chunks are consecutive');
	assert.equal(ihdr.readUInt32BE(0), width);
	assert.equal(ihdr.readUInt32BE(4), height);
	assert.equal(ihdr[8], 8);
	assert.equal(ihdr[9], 2);
	assert.equal(zlib.inflateSync(Buffer.concat(idat)).length, height * (1 + width * 3));
}

const checks = [];
const check = (name, fn) => checks.push({ name, fn });

check('lifecycle, output URL on a separate image host, realistic 16:9 PNG', async () => {
	const sim = await startSimulator({ separateImageHost: true, imageMode: 'realistic', pendingMs: 150, processingMs: 150 });
	try {
		assert.notEqual(new URL(sim.imageBaseUrl).port, new URL(sim.url).port);
		const c = await create(sim, { prompt: 'lamp', aspect_ratio: '16:9' });
		assert.equal(c.res.status, 201);
		assert.match(c.res.headers.get('content-type'), /^application\/json/);
		const { id, status, costUsd, model } = json(c);
		assert.deepEqual({ status, costUsd, model }, { status: 'pending', costUsd: 39000, model: MODEL });
		assert.equal(json(await poll(sim, id)).status, 'pending');
		await sleep(180);
		assert.equal(json(await poll(sim, id)).status, 'processing');
		await sleep(150);
		const done = json(await poll(sim, id));
		assert.equal(done.status, 'succeeded');
		assert.ok(done.createdAt < done.completedAt);
		assert.equal(done.output.urls[0], `${sim.imageBaseUrl}/files/generated/${id}-0.png`);
		const img = await fetch(done.output.urls[0]);
		assert.equal(img.headers.get('content-type'), 'image/png');
		const buf = Buffer.from(await img.arrayBuffer());
		assert.ok(buf.length > 1.5e6 && buf.length < 3e6, `size ${buf.length}`);
		checkPng(buf, 1344, 768);
		assert.equal((await fetch(`${sim.url}/files/generated/${id}-0.png`)).status, 404, 'API host serves no files');
		assert.equal(sim.runs.get(id).polls, 3);
		assert.deepEqual(
			sim.requests.map((r) => [r.host, r.kind, r.status]),
			[['api', 'create', 201], ['api', 'poll', 200], ['api', 'poll', 200], ['api', 'poll', 200], ['images', 'download', 200], ['api', 'other', 404]],
		);
		assert.equal(sim.requests[0].headers.authorization, 'Bearer sk-test');
		assert.deepEqual(sim.requests[0].body, { model: MODEL, input: { prompt: 'lamp', aspect_ratio: '16:9' } });
		const s = sim.stats();
		assert.deepEqual([s.creates, s.polls, s.downloads, s.byStatus[200], s.byStatus[404]], [1, 3, 1, 4, 1]);
	} finally {
		await sim.close();
	}
});

check('auth, key states and the credential check', async () => {
	const sim = await startSimulator({
		keyStates: { 'sk-ip': 'ip_not_allowed', 'sk-cap': 'api_key_spend_limit_exceeded', 'sk-poor': 'insufficient_balance' },
	});
	try {
		const noKey = await fetch(`${sim.apiBaseUrl}/runs/run_x`);
		assert.equal(noKey.status, 401);
		assert.equal((await noKey.json()).error.code, 'missing_api_key');
		const bad = await poll(sim, 'run_nope', 'sk-wrong');
		assert.deepEqual([bad.res.status, errCode(bad)], [401, 'invalid_api_key']);
		const ip = await poll(sim, 'run_nope', 'sk-ip');
		assert.deepEqual([ip.res.status, errCode(ip)], [403, 'ip_not_allowed']);
		const cap = await create(sim, { prompt: 'x' }, { key: 'sk-cap' });
		assert.deepEqual([cap.res.status, errCode(cap)], [403, 'api_key_spend_limit_exceeded']);
		const poor = await create(sim, { prompt: 'x' }, { key: 'sk-poor' });
		assert.deepEqual([poor.res.status, errCode(poor)], [402, 'insufficient_balance']);
		const poorGet = await poll(sim, 'run_nope', 'sk-poor');
		assert.deepEqual([poorGet.res.status, errCode(poorGet)], [404, 'run_not_found']);
		const good = await poll(sim, 'run_nope');
		assert.deepEqual([good.res.status, errCode(good)], [404, 'run_not_found']);
		assert.equal((await fetch(`${sim.apiBaseUrl}/nothing`, { headers: auth() })).status, 404);
	} finally {
		await sim.close();
	}
});

check('validation errors', async () => {
	const sim = await startSimulator();
	try {
		const cases = [
			[{ body: '{nope' }, 'invalid_json'],
			[{ body: JSON.stringify({ input: { prompt: 'x' } }) }, 'missing_model'],
			[{ body: JSON.stringify({ model: 'openai/dall-e', input: { prompt: 'x' } }) }, 'model_not_found'],
			[{ body: JSON.stringify({ model: MODEL }) }, 'missing_input'],
		];
		for (const [opts, code] of cases) {
			const r = await create(sim, null, opts);
			assert.deepEqual([r.res.status, errCode(r)], [400, code]);
		}
		const inputs = [
			[{}, /prompt/],
			[{ prompt: '   ' }, /prompt/],
			[{ prompt: 3 }, /prompt/],
			[{ prompt: 'x', aspect_ratio: '7:5' }, /aspect_ratio/],
			[{ prompt: 'x', image_urls: 'https://a/b.png' }, /image_urls/],
			[{ prompt: 'x', image_urls: Array(11).fill('https://a/b.png') }, /image_urls/],
			[{ prompt: 'x', image_urls: ['ftp://a/b.png'] }, /image_urls/],
		];
		for (const [input, field] of inputs) {
			const r = await create(sim, input);
			assert.deepEqual([r.res.status, errCode(r)], [400, 'invalid_input']);
			assert.match(json(r).error.message, field);
		}
		const ok = await create(sim, { prompt: 'x', aspect_ratio: 'auto', image_urls: ['http://a/1.png', 'https://b/2.jpg'] });
		assert.equal(ok.res.status, 201);
		assert.equal(sim.runs.size, 1);
	} finally {
		await sim.close();
	}
});

check('failed runs: string and object error shapes', async () => {
	const sim = await startSimulator({ pendingMs: 0, processingMs: 0, failPromptsMatching: /forbidden/ });
	try {
		const a = json(await create(sim, { prompt: 'forbidden thing' }));
		const failed = json(await poll(sim, a.id));
		assert.equal(failed.status, 'failed');
		assert.equal(failed.error.code, 'generation_failed');
		assert.equal(failed.output, undefined);
		sim.configure({ failErrorShape: 'string' });
		const b = json(await create(sim, { prompt: 'forbidden again' }));
		assert.equal(typeof json(await poll(sim, b.id)).error, 'string');
		sim.configure({ failPromptsMatching: null, failWhen: (input) => (input.prompt === 'boom' ? { error: 'NSFW' } : null) });
		const c = json(await create(sim, { prompt: 'boom' }));
		assert.equal(json(await poll(sim, c.id)).error, 'NSFW');
		assert.equal(sim.createsForPrompt('boom'), 1);
	} finally {
		await sim.close();
	}
});

check('rate limit: sliding window, Retry-After, refused requests use no budget', async () => {
	const sim = await startSimulator({ rateLimit: { requests: 3, windowMs: 400, retryAfter: true } });
	try {
		const { id } = json(await create(sim, { prompt: 'r' }));
		await poll(sim, id);
		await poll(sim, id);
		const limited = await poll(sim, id);
		assert.equal(limited.res.status, 429);
		assert.equal(errCode(limited), 'RATE_LIMITED');
		assert.equal(limited.res.headers.get('retry-after'), '1');
		assert.equal((await poll(sim, id, 'sk-other')).res.status, 401, 'auth happens before rate limiting');
		await sleep(420);
		for (let i = 0; i < 3; i++) assert.equal((await poll(sim, id)).res.status, 200);
		assert.equal((await poll(sim, id)).res.status, 429);
		assert.equal(sim.stats().rateLimited, 2);
	} finally {
		await sim.close();
	}
});

check('burst429, unknownStatus, malformedJson, contractBreak', async () => {
	const sim = await startSimulator({ pendingMs: 0, processingMs: 0, burst429: { count: 2, on: 'create', retryAfter: false } });
	try {
		for (let i = 0; i < 2; i++) {
			const r = await create(sim, { prompt: 'b' });
			assert.equal(r.res.status, 429);
			assert.equal(r.res.headers.get('retry-after'), null);
		}
		const { id } = json(await create(sim, { prompt: 'b' }));
		assert.equal(sim.createsForPrompt('b'), 1);

		sim.configure({ burst429: { count: 1, on: 'poll', retryAfterSeconds: 3 } });
		assert.equal((await poll(sim, id)).res.headers.get('retry-after'), '3');

		sim.configure({ unknownStatus: { count: 2, word: 'queued_for_gpu' } });
		assert.equal(json(await poll(sim, id)).status, 'queued_for_gpu');
		assert.equal(json(await poll(sim, id)).output, undefined);
		assert.equal(json(await poll(sim, id)).status, 'succeeded');

		sim.configure({ malformedJson: { count: 1, on: 'poll', kind: 'truncated' } });
		const trunc = await poll(sim, id);
		assert.equal(trunc.res.status, 200);
		assert.throws(() => JSON.parse(trunc.text));
		sim.configure({ malformedJson: { count: 1, on: 'create', kind: 'garbage' } });
		const garbage = await create(sim, { prompt: 'g' });
		assert.throws(() => JSON.parse(garbage.text));
		assert.equal(sim.createsForPrompt('g'), 1, 'run created despite the broken answer');

		sim.configure({ contractBreak: { on: 'create', kind: 'missing_id' } });
		assert.equal(json(await create(sim, { prompt: 'm' })).id, undefined);
		sim.configure({ contractBreak: { on: 'poll', kind: 'urls_empty' } });
		assert.deepEqual(json(await poll(sim, id)).output.urls, []);
		sim.configure({ contractBreak: { on: 'poll', kind: 'urls_not_array' } });
		assert.equal(typeof json(await poll(sim, id)).output.urls, 'string');
		sim.configure({ contractBreak: { on: 'poll', kind: 'error_body_200' } });
		const eb = await poll(sim, id);
		assert.equal(eb.res.status, 200);
		assert.ok(json(eb).error.message);
		sim.configure({ contractBreak: { on: 'poll', kind: 'html_200' } });
		const html = await poll(sim, id);
		assert.deepEqual([html.res.status, html.res.headers.get('content-type').split(';')[0]], [200, 'text/html']);
		sim.configure({ contractBreak: null });
		assert.equal(json(await poll(sim, id)).status, 'succeeded');
	} finally {
		await sim.close();
	}
});

check('pollFaults are seeded and deterministic', async () => {
	const sim = await startSimulator({ pendingMs: 0, processingMs: 0, seed: 42, pollFaults: { rate: 0.5, statuses: [500, 502, 503] } });
	try {
		const run = async () => {
			const { id } = json(await create(sim, { prompt: 'p' }));
			const out = [];
			for (let i = 0; i < 12; i++) {
				const r = await poll(sim, id);
				out.push(r.res.status);
				if (r.res.status === 502) assert.match(r.text, /<h1>502 Bad Gateway<\/h1>/);
				if (r.res.status === 500) assert.equal(errCode(r), 'internal_error');
			}
			return out;
		};
		const first = await run();
		assert.ok(first.includes(200) && first.some((s) => s >= 500), first.join());
		sim.reset();
		assert.deepEqual(await run(), first);
	} finally {
		await sim.close();
	}
});

check('dropped connections, lost create response', async () => {
	const sim = await startSimulator({ dropConnections: { count: 1, on: 'create', when: 'after' } });
	try {
		await assert.rejects(create(sim, { prompt: 'lost' }));
		assert.equal(sim.createsForPrompt('lost'), 1);
		const rec = sim.requests.find((r) => r.kind === 'create');
		assert.deepEqual([rec.status, rec.dropped, rec.runId], [0, true, [...sim.runs.keys()][0]]);
		sim.configure({ dropConnections: { count: 1, on: 'poll', when: 'before' } });
		await assert.rejects(poll(sim, rec.runId));
		assert.equal((await poll(sim, rec.runId)).res.status, 200, 'keep-alive pool recovers');
	} finally {
		await sim.close();
	}
});

check('stall, latency and close() with a stalled request', async () => {
	const sim = await startSimulator({ stall: { count: 2, on: 'poll', ms: 60000 }, latencyMs: 50 });
	const t0 = Date.now();
	const { id } = json(await create(sim, { prompt: 's' }));
	assert.ok(Date.now() - t0 >= 45, 'latency applied');
	const aborted = fetch(`${sim.apiBaseUrl}/runs/${id}`, { headers: auth(), signal: AbortSignal.timeout(150) });
	await assert.rejects(aborted);
	await sleep(20);
	assert.deepEqual([sim.requests[1].stalled, sim.requests[1].status], [true, 0]);
	const hanging = fetch(`${sim.apiBaseUrl}/runs/${id}`, { headers: auth() }).then(
		() => 'answered',
		() => 'failed',
	);
	await sleep(100);
	const t1 = Date.now();
	await sim.close();
	assert.ok(Date.now() - t1 < 1000, 'close() does not hang');
	assert.equal(await hanging, 'failed');
});

check('download faults, content type, oversized and multiple outputs', async () => {
	const sim = await startSimulator({ pendingMs: 0, processingMs: 0, imagesPerRun: 3, downloadFaults: { dropFirst: 1, failFirst: 2, status: 503 } });
	try {
		const { id } = json(await create(sim, { prompt: 'd', aspect_ratio: '9:16' }));
		const urls = json(await poll(sim, id)).output.urls;
		assert.equal(urls.length, 3);
		await assert.rejects(fetch(urls[0]));
		assert.equal((await fetch(urls[0])).status, 503);
		assert.equal((await fetch(urls[0])).status, 503);
		const ok = await fetch(urls[0]);
		assert.equal(ok.status, 200);
		checkPng(Buffer.from(await ok.arrayBuffer()), 768, 1344);
		await assert.rejects(fetch(urls[1]), 'counting is per URL');

		sim.configure({ downloadFaults: null, downloadContentType: 'text/html' });
		const html = await fetch(urls[2]);
		assert.equal(html.headers.get('content-type'), 'text/html');
		await html.arrayBuffer();
		sim.configure({ downloadContentType: null, imageContentType: ({ index }) => (index === 2 ? 'image/jpeg' : 'image/png') });
		const jpeg = await fetch(urls[2]);
		assert.equal(jpeg.headers.get('content-type'), 'image/jpeg');
		await jpeg.arrayBuffer();
		sim.configure({ downloadSizeBytes: 5_000_000 });
		const huge = await fetch(urls[1]);
		assert.equal(huge.headers.get('content-length'), '5000000');
		assert.equal((await huge.arrayBuffer()).byteLength, 5_000_000);
	} finally {
		await sim.close();
	}
});

check('rate limit kinds: lenient (default) vs strict (countRejected), both per key', async () => {
	// The same schedule on both: 3 allowed at t0, then a retry every 100 ms.
	const schedule = async (countRejected) => {
		const sim = await startSimulator({
			apiKeys: ['sk-test', 'sk-b'],
			rateLimit: { requests: 3, windowMs: 400, retryAfter: true, ...(countRejected === undefined ? {} : { countRejected }) },
		});
		try {
			const t0 = Date.now();
			const statusAt = async (ms, key) => {
				await sleep(t0 + ms - Date.now());
				return (await poll(sim, 'run_nope', key)).res.status;
			};
			const out = [];
			for (let i = 0; i < 3; i++) out.push(await statusAt(0));
			for (const ms of [100, 200, 300]) out.push(await statusAt(ms));
			assert.equal(await statusAt(300, 'sk-b'), 404, 'another key has its own window');
			out.push(await statusAt(450)); // the three allowed requests have left the window
			const last = await poll(sim, 'run_nope');
			return { out, last, stats: sim.stats() };
		} finally {
			await sim.close();
		}
	};
	const lenient = await schedule(undefined);
	assert.deepEqual(lenient.out, [404, 404, 404, 429, 429, 429, 404]);
	const strict = await schedule(true);
	assert.deepEqual(strict.out, [404, 404, 404, 429, 429, 429, 429], 'refused retries kept the window full');
	assert.equal(strict.last.res.status, 429);
	// Retry-After says when the window has room again: the 429 at 200 ms leaves it at 600 ms.
	assert.equal(strict.last.res.headers.get('retry-after'), '1');
	assert.equal(strict.stats.byKey['sk-test'].rateLimited, 5);
	assert.equal(strict.stats.byKey['sk-b'].rateLimited, 0);
	assert.equal(strict.stats.byKey['sk-test'].requests, 8);
	assert.equal(strict.stats.byKey['sk-test'].share429, 5 / 8);
	assert.equal(lenient.stats.byKey['sk-test'].share429, 3 / 8);

	// Strict: a lone client that honours Retry-After gets in, its refused request counted.
	{
		const sim = await startSimulator({ rateLimit: { requests: 2, windowMs: 1500, retryAfter: true, countRejected: true } });
		try {
			const t0 = Date.now();
			await poll(sim, 'run_nope');
			await sleep(t0 + 900 - Date.now());
			await poll(sim, 'run_nope');
			await sleep(t0 + 1000 - Date.now());
			const refused = await poll(sim, 'run_nope');
			assert.equal(refused.res.status, 429);
			// Hits at 0, 900 and the refused one at 1000: room once the one at 900 has aged out (2400 ms).
			assert.equal(refused.res.headers.get('retry-after'), '2');
			await sleep(2000);
			assert.equal((await poll(sim, 'run_nope')).res.status, 404);
		} finally {
			await sim.close();
		}
	}

	// Strict: a client that waits a whole window quietly gets in again.
	const sim = await startSimulator({ rateLimit: { requests: 2, windowMs: 300, countRejected: true } });
	try {
		for (let i = 0; i < 4; i++) await poll(sim, 'run_nope');
		await sleep(320);
		assert.equal((await poll(sim, 'run_nope')).res.status, 404);
		assert.deepEqual(sim.requests.map((r) => [r.status, r.fault]), [[404, undefined], [404, undefined], [429, 'rateLimit'], [429, 'rateLimit'], [404, undefined]]);
	} finally {
		await sim.close();
	}
});

check('429 USAGE_EXCEEDED: key states and burst429 code', async () => {
	const sim = await startSimulator({
		pendingMs: 0,
		processingMs: 0,
		keyStates: { 'sk-use': 'usage_exceeded', 'sk-use-c': 'usage_exceeded_creates' },
		rateLimit: { requests: 100, windowMs: 10000, retryAfter: true },
	});
	try {
		const expected = { error: { message: 'Usage limit exceeded', code: 'USAGE_EXCEEDED' } };
		for (const key of ['sk-use', 'sk-use-c']) {
			const r = await create(sim, { prompt: 'u' }, { key });
			assert.equal(r.res.status, 429);
			assert.deepEqual(json(r), expected);
			assert.equal(r.res.headers.get('retry-after'), null, 'no Retry-After: waiting does not clear a usage cap');
		}
		const p = await poll(sim, 'run_nope', 'sk-use');
		assert.deepEqual([p.res.status, json(p)], [429, expected]);
		assert.equal((await poll(sim, 'run_nope', 'sk-use-c')).res.status, 404, 'usage_exceeded_creates lets polls through');
		assert.equal(sim.runs.size, 0);
		const { id } = json(await create(sim, { prompt: 'ok' }));
		assert.equal(json(await poll(sim, id)).status, 'succeeded');
		assert.deepEqual(sim.stats().byKey['sk-use'], { requests: 2, creates: 1, polls: 1, rateLimited: 2, usageExceeded: 2, share429: 1 });
		assert.equal(sim.stats().byKey['sk-test'].rateLimited, 0);
		assert.equal(sim.requests[0].errorCode, 'USAGE_EXCEEDED');

		sim.configure({ burst429: { count: 1, on: 'create', retryAfter: false, code: 'USAGE_EXCEEDED' } });
		const burst = await create(sim, { prompt: 'b' });
		assert.deepEqual([burst.res.status, json(burst), burst.res.headers.get('retry-after')], [429, expected, null]);
	} finally {
		await sim.close();
	}
});

check('model family: validation per model', async () => {
	const sim = await startSimulator();
	try {
		assert.deepEqual(Object.keys(MODELS), ['google/nano-banana', 'google/nano-banana-2', 'google/nano-banana-pro']);
		const unknown = await create(sim, { prompt: 'x' }, { model: 'google/nano-banana-3' });
		assert.deepEqual([unknown.res.status, errCode(unknown)], [400, 'model_not_found']);
		const urls = (n) => Array(n).fill('https://a/b.png');
		const cases = [
			// model, input, expected status, field named in the message
			['google/nano-banana', { resolution: '1K' }, 400, /input\.resolution is not accepted by google\/nano-banana/],
			['google/nano-banana', { resolution: '4K', aspect_ratio: '1:1' }, 400, /resolution/],
			['google/nano-banana', { aspect_ratio: '1:4' }, 400, /aspect_ratio/],
			['google/nano-banana', { image_urls: urls(10) }, 201],
			['google/nano-banana', { image_urls: urls(11) }, 400, /image_urls.*10/],
			['google/nano-banana-2', {}, 201],
			['google/nano-banana-2', { aspect_ratio: '8:1', resolution: '4K' }, 201],
			['google/nano-banana-2', { aspect_ratio: '1:8', resolution: '2K' }, 201],
			['google/nano-banana-2', { aspect_ratio: '7:5' }, 400, /aspect_ratio.*1:4, 4:1, 1:8, 8:1/],
			['google/nano-banana-2', { resolution: '8K' }, 400, /input\.resolution must be one of: 1K, 2K, 4K/],
			['google/nano-banana-2', { resolution: '4k' }, 400, /resolution/],
			['google/nano-banana-2', { image_urls: urls(14) }, 201],
			['google/nano-banana-2', { image_urls: urls(15) }, 400, /image_urls.*14/],
			['google/nano-banana-pro', { aspect_ratio: 'auto', resolution: '2K' }, 201],
			['google/nano-banana-pro', { aspect_ratio: '4:1', resolution: '1K' }, 400, /aspect_ratio/],
			['google/nano-banana-pro', { resolution: 2 }, 400, /resolution/],
			['google/nano-banana-pro', { image_urls: urls(14) }, 201],
			['google/nano-banana-pro', { image_urls: urls(15) }, 400, /image_urls/],
		];
		for (const [model, input, status, field] of cases) {
			const r = await create(sim, { prompt: 'x', ...input }, { model });
			assert.equal(r.res.status, status, `${model} ${JSON.stringify(input)}: ${r.text}`);
			if (status === 400) {
				assert.equal(errCode(r), 'invalid_input');
				assert.match(json(r).error.message, field);
			} else {
				assert.equal(json(r).model, model);
			}
		}
		const made = [...sim.runs.values()].map((run) => [run.model, run.resolution]);
		assert.deepEqual(made.slice(0, 2), [['google/nano-banana', null], ['google/nano-banana-2', '1K']], 'resolution defaults to 1K');
	} finally {
		await sim.close();
	}
});

check('model family: PNG pixel size per ratio and resolution', async () => {
	const sim = await startSimulator({ pendingMs: 0, processingMs: 0, processingFactors: null });
	try {
		const header = async (url) => {
			const res = await fetch(url);
			const buf = Buffer.from(await res.arrayBuffer());
			assert.equal(Number(res.headers.get('content-length')), buf.length);
			return { buf, width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
		};
		const sized = async (model, input) => {
			const { id } = json(await create(sim, { prompt: 'size', ...input }, { model }));
			return header(json(await poll(sim, id)).output.urls[0]);
		};
		const oneK = {
			'1:1': [1024, 1024], '2:3': [832, 1248], '3:2': [1248, 832], '3:4': [864, 1184], '4:3': [1184, 864],
			'4:5': [896, 1152], '5:4': [1152, 896], '9:16': [768, 1344], '16:9': [1344, 768], '21:9': [1536, 672],
			auto: [1024, 1024], '1:4': [512, 2048], '4:1': [2048, 512], '1:8': [384, 3072], '8:1': [3072, 384],
		};
		for (const [model, spec] of Object.entries(MODELS)) {
			for (const resolution of spec.resolutions ?? [undefined]) {
				const scale = { '1K': 1, '2K': 2, '4K': 4 }[resolution ?? '1K'];
				for (const ratio of spec.aspectRatios) {
					const input = { aspect_ratio: ratio, ...(resolution ? { resolution } : {}) };
					const want = oneK[ratio].map((side) => side * scale);
					assert.deepEqual(Object.values(imageSize(model, input)), want, `imageSize ${model} ${ratio} ${resolution}`);
					if (model === 'google/nano-banana-pro') continue; // same sizes as nano-banana-2 for its ratios
					const { width, height } = await sized(model, input);
					assert.deepEqual([width, height], want, `${model} ${ratio} ${resolution}`);
				}
			}
		}
		// Large sizes are valid PNGs throughout (many IDAT chunks, one zlib stream).
		checkPng((await sized('google/nano-banana-pro', { aspect_ratio: '21:9', resolution: '4K' })).buf, 6144, 2688);
		checkPng((await sized('google/nano-banana-2', { aspect_ratio: '1:8', resolution: '2K' })).buf, 768, 6144);
		const run = [...sim.runs.values()].at(-1);
		assert.deepEqual([run.width, run.height, run.resolution], [768, 6144, '2K']);
	} finally {
		await sim.close();
	}
});

check('realistic 4K: tens of MB of noise, built fast, streamed from little memory', async () => {
	const sim = await startSimulator({ pendingMs: 0, processingMs: 0, imageMode: 'realistic' });
	try {
		const { id } = json(await create(sim, { prompt: '4k', aspect_ratio: '16:9', resolution: '4K' }, { model: 'google/nano-banana-pro' }));
		const url = json(await poll(sim, id)).output.urls[0];
		const rss = process.memoryUsage().rss;
		const t0 = Date.now();
		const first = await fetch(url);
		const buf = Buffer.from(await first.arrayBuffer());
		assert.ok(Date.now() - t0 < 5000, `first 4K download took ${Date.now() - t0} ms`);
		assert.ok(buf.length > 25e6 && buf.length < 45e6, `size ${buf.length}`);
		assert.equal(Number(first.headers.get('content-length')), buf.length);
		checkPng(buf, 5376, 3072);
		// Noise: deflate gains little more on what the simulator already compressed.
		assert.ok(zlib.deflateRawSync(buf.subarray(0, 4e6), { level: 1 }).length > 3.5e6);
		const again = Buffer.from(await (await fetch(url)).arrayBuffer());
		assert.ok(again.equals(buf), 'the same bytes every time (cached per size)');
		assert.ok(sim.requests.at(-1).bytes === buf.length);
		assert.ok(process.memoryUsage().rss - rss < 400e6);
		sim.configure({ downloadSizeBytes: 1000 });
		assert.equal((await (await fetch(url)).arrayBuffer()).byteLength, 1000, 'truncation still works on streamed parts');
		sim.configure({ downloadSizeBytes: buf.length + 10 });
		const padded = Buffer.from(await (await fetch(url)).arrayBuffer());
		assert.ok(padded.subarray(0, buf.length).equals(buf) && padded.subarray(buf.length).equals(Buffer.alloc(10)));
	} finally {
		await sim.close();
	}
});

check('generation time per model and resolution; readyAt, reportedAt, finishedAt', async () => {
	const sim = await startSimulator({ pendingMs: 10, processingMs: 100 });
	try {
		const run = async (model, input) => sim.runs.get(json(await create(sim, { prompt: 't', ...input }, { model })).id);
		assert.equal((await run('google/nano-banana', {})).processingMs, 100, 'nano-banana unchanged');
		assert.equal((await run('google/nano-banana-2', {})).processingMs, 150);
		assert.equal((await run('google/nano-banana-2', { resolution: '2K' })).processingMs, 195);
		assert.equal((await run('google/nano-banana-pro', { resolution: '4K' })).processingMs, 500);
		sim.configure({ processingFactors: { '4K': 4 } });
		assert.equal((await run('google/nano-banana-pro', { resolution: '4K' })).processingMs, 1000, 'missing entries keep defaults');
		sim.configure({ processingFactors: null, generationMs: 80 });
		assert.equal((await run('google/nano-banana-pro', { resolution: '4K' })).processingMs, 80);
		sim.configure({ processingFactors: { 'google/nano-banana': 3 }, generationMs: null });
		assert.equal((await run('google/nano-banana', {})).processingMs, 300);
		sim.configure({ timing: () => ({ processingMs: 42 }) });
		assert.equal((await run('google/nano-banana-pro', { resolution: '4K' })).processingMs, 42, 'timing() wins');
		sim.configure({ timing: null });

		const r = await run('google/nano-banana-pro', { resolution: '2K' });
		assert.equal(r.readyAt, r.createdAt + r.pendingMs + r.processingMs);
		assert.equal(r.processingAt, r.createdAt + r.pendingMs);
		assert.equal(json(await poll(sim, r.id)).status, 'pending');
		assert.equal(r.reportedAt, undefined);
		await sleep(r.readyAt - Date.now() + 20);
		const done = json(await poll(sim, r.id));
		assert.equal(Date.parse(done.completedAt), r.readyAt);
		assert.ok(r.reportedAt >= r.readyAt);
		const reported = r.reportedAt;
		await poll(sim, r.id);
		assert.equal(r.reportedAt, reported, 'first final answer only');
		await (await fetch(done.output.urls[0])).arrayBuffer();
		const download = sim.requests.find((q) => q.kind === 'download' && q.runId === r.id);
		assert.ok(download.finishedAt >= download.at && download.finishedAt >= r.reportedAt);
	} finally {
		await sim.close();
	}
});

// ---- reference images --------------------------------------------------

const REF_PNG = encodePng(3, 2, Buffer.alloc(2 * (1 + 3 * 3), 0x7f), 9);
const REF_JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0 not a whole jpeg')]);
const REF_WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x20, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
const REF_GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
const dataUri = (mime, bytes) => `data:${mime};base64,${bytes.toString('base64')}`;
const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

/** An image server on 127.0.0.1 like n8n's binary-data endpoint; `hits` records what it received. */
async function startReferenceServer() {
	const hits = [];
	const held = new Set();
	const server = http.createServer((req, res) => {
		hits.push({ path: req.url, headers: { ...req.headers } });
		const path = req.url.split('?')[0];
		if (path === '/ref.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(REF_PNG);
		if (path === '/ref.jpg') return res.writeHead(200, { 'content-type': 'image/jpeg' }).end(REF_JPEG);
		if (path === '/octet') return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(REF_PNG);
		if (path === '/page.html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>Sign in</p>');
		if (path === '/hop') return res.writeHead(302, { location: '/ref.png' }).end();
		if (path === '/away') return res.writeHead(302, { location: 'http://192.0.2.10/ref.png' }).end();
		if (path === '/hold') return void held.add(res);
		res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${server.address().port}`;
	return {
		base,
		hits,
		close: () =>
			new Promise((resolve) => {
				for (const res of held) res.destroy();
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** A loopback port nobody listens on: bound, then closed. */
async function closedPort() {
	const server = http.createServer();
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address();
	await new Promise((resolve) => server.close(resolve));
	return port;
}

check('references: the loopback policy and the helpers are pure functions', async () => {
	const host = (url) => loopbackAddress(new URL(url).hostname);
	assert.equal(host('http://127.0.0.1:5678/x'), '127.0.0.1');
	assert.equal(host('http://127.10.20.30/x'), '127.10.20.30');
	assert.equal(host('http://127.1/x'), '127.0.0.1', 'the URL parser normalises short forms');
	assert.equal(host('http://LOCALHOST:1/x'), '127.0.0.1', 'localhost is never looked up');
	assert.equal(host('http://[::1]:8080/x'), '::1');
	assert.equal(host('http://[0:0:0:0:0:0:0:1]/x'), '::1');
	for (const url of [
		'https://picsum.photos/id/1062/1024/1024',
		'https://cdn.example.com/a.png',
		'http://10.0.0.1/a.png',
		'http://192.168.1.20/a.png',
		'http://169.254.169.254/latest',
		'http://0.0.0.0/a.png',
		'http://[::ffff:127.0.0.1]/a.png',
		'http://[::]/a.png',
		'http://localhost.example.com/a.png',
		'http://127.0.0.1.nip.io/a.png',
	]) {
		assert.equal(host(url), null, url);
	}
	const signed = 'http://127.0.0.1:5678/rest/binary-data/signed?token=SECRET-SIGNATURE&expires=1';
	assert.equal(shortReference(signed), 'http://127.0.0.1:5678/rest/binary-data/signed?…');
	assert.ok(shortReference(`https://a.example/${'x'.repeat(500)}`).length <= 80);
	const inline = dataUri('image/png', REF_PNG);
	assert.equal(shortReference(inline), `data:image/png;base64,… (${inline.length} characters)`);
	assert.deepEqual([REF_PNG, REF_JPEG, REF_WEBP, REF_GIF, Buffer.from('<html>'), Buffer.alloc(0)].map(sniffImageType), [
		'image/png',
		'image/jpeg',
		'image/webp',
		'image/gif',
		null,
		null,
	]);
});

check('references: loopback URLs are fetched, data: URIs decoded, the bytes recorded; public URLs stay unfetched', async () => {
	const refs = await startReferenceServer();
	const sim = await startSimulator({ pendingMs: 0, processingMs: 0 });
	try {
		assert.deepEqual([DEFAULTS.fetchReferences, DEFAULTS.acceptDataUris], ['loopback', true]);
		const urls = [
			`${refs.base}/ref.png?token=abc`,
			dataUri('image/jpeg', REF_JPEG),
			'https://picsum.photos/id/1062/1024/1024',
			`${refs.base}/hop`,
			`data:image/gif,${encodeURIComponent(REF_GIF.toString('latin1'))}`,
			`http://localhost:${new URL(refs.base).port}/octet`,
			dataUri('image/webp', REF_WEBP),
		];
		const c = await create(sim, { prompt: 'refs', image_urls: urls }, { model: 'google/nano-banana-2' });
		assert.equal(c.res.status, 201, c.text);
		const { id } = json(c);
		const got = sim.references.map(({ runId, index, source, url, mimeType, contentType, bytes, sha256: hash }) => ({
			runId, index, source, url, mimeType, contentType, same: hash === sha256(bytes),
		}));
		assert.deepEqual(got, [
			{ runId: id, index: 0, source: 'url', url: urls[0], mimeType: 'image/png', contentType: 'image/png', same: true },
			{ runId: id, index: 1, source: 'data', url: `data:image/jpeg;base64,… (${urls[1].length} characters)`, mimeType: 'image/jpeg', contentType: 'image/jpeg', same: true },
			{ runId: id, index: 3, source: 'url', url: urls[3], mimeType: 'image/png', contentType: 'image/png', same: true },
			{ runId: id, index: 4, source: 'data', url: `data:image/gif,… (${urls[4].length} characters)`, mimeType: 'image/gif', contentType: 'image/gif', same: true },
			{ runId: id, index: 5, source: 'url', url: urls[5], mimeType: 'image/png', contentType: 'application/octet-stream', same: true },
			{ runId: id, index: 6, source: 'data', url: `data:image/webp;base64,… (${urls[6].length} characters)`, mimeType: 'image/webp', contentType: 'image/webp', same: true },
		]);
		const originals = [REF_PNG, REF_JPEG, REF_PNG, REF_GIF, REF_PNG, REF_WEBP];
		sim.references.forEach((ref, n) => assert.ok(ref.bytes.equals(originals[n]), `bytes of reference ${ref.index}`));
		assert.equal(sim.references[0].sha256, sha256(REF_PNG));
		assert.deepEqual(sim.runs.get(id).references, sim.references);
		assert.deepEqual(refs.hits.map((h) => h.path).sort(), ['/hop', '/octet', '/ref.png', '/ref.png?token=abc']);
		assert.ok(refs.hits.every((h) => h.headers.authorization === undefined), 'the simulator sends no Authorization header');
		assert.equal(refs.hits.find((h) => h.path === '/octet').headers.host, `localhost:${new URL(refs.base).port}`);
		assert.equal(sim.requests[0].body.input.image_urls[1], urls[1], 'the recorded body keeps the data: URI');
		assert.equal(json(await poll(sim, id)).status, 'succeeded');
		sim.reset();
		assert.equal(sim.references.length, 0, 'reset() clears the records');
	} finally {
		await sim.close();
		await refs.close();
	}
});

check('references: refused ones answer 400 invalid_input naming the reference, and create no run', async () => {
	const refs = await startReferenceServer();
	const sim = await startSimulator({ referenceTimeoutMs: 300 });
	try {
		const port = await closedPort();
		const png = `${refs.base}/ref.png`;
		const secret = Buffer.from('<html>not an image, SECRET-PAYLOAD</html>');
		const cases = [
			// image_urls, message
			[[png, `${refs.base}/page.html?sig=SECRET-SIGNATURE`], `input.image_urls[1] (${refs.base}/page.html?…) is not an image: its first bytes are not those of a PNG, JPEG, WebP or GIF file`],
			[[`http://127.0.0.1:${port}/ref.png`], `input.image_urls[0] (http://127.0.0.1:${port}/ref.png) could not be fetched: connection refused`],
			[[png, png, `${refs.base}/gone.png`], `input.image_urls[2] (${refs.base}/gone.png) could not be fetched: its server answered HTTP 404`],
			[[`${refs.base}/hold`], `input.image_urls[0] (${refs.base}/hold) could not be fetched: no answer within 300 ms`],
			[[`${refs.base}/away`], `input.image_urls[0] (${refs.base}/away) could not be fetched: it redirects to 192.0.2.10, which the simulator never connects to (it fetches loopback addresses only)`],
			[[dataUri('text/html', secret)], `input.image_urls[0] (data:text/html;base64,… (${dataUri('text/html', secret).length} characters)) is not an image: its first bytes are not those of a PNG, JPEG, WebP or GIF file`],
			[['data:image/png;base64,***'], 'input.image_urls[0] (data:image/png;base64,… (25 characters)) is not a valid data: URI (the base64 data has characters base64 does not use)'],
			[['data:image/png;base64'], 'input.image_urls[0] (data:… (21 characters)) is not a valid data: URI (no comma before the data)'],
			[[`${refs.base}/page.html`, `http://127.0.0.1:${port}/x.png`], /^input\.image_urls\[0\] .* is not an image/, 'the first refused reference by index'],
		];
		for (const [imageUrls, message] of cases) {
			const r = await create(sim, { prompt: 'bad ref', image_urls: imageUrls });
			assert.deepEqual([r.res.status, errCode(r)], [400, 'invalid_input'], r.text);
			if (typeof message === 'string') assert.equal(json(r).error.message, message);
			else assert.match(json(r).error.message, message);
			assert.doesNotMatch(r.text, /SECRET/);
		}
		assert.equal(sim.runs.size, 0, 'no run, no charge');
		assert.equal(sim.createsForPrompt('bad ref'), 0);
		assert.ok(!refs.hits.some((h) => h.path.includes('192.0.2.10')));
		// What arrived before the refusal is recorded, without a run id.
		const html = sim.references.find((ref) => ref.source === 'url' && ref.url.endsWith('page.html?sig=SECRET-SIGNATURE'));
		assert.deepEqual([html.runId, html.mimeType, html.bytes.toString().startsWith('<!doctype')], [undefined, null, true]);
		assert.equal((await create(sim, { prompt: 'good ref', image_urls: [png] })).res.status, 201, 'the simulator is still fine');
	} finally {
		await sim.close();
		await refs.close();
	}
});

check('references: acceptDataUris false, fetchReferences strict and off, reset-safe', async () => {
	const refs = await startReferenceServer();
	const sim = await startSimulator({ pendingMs: 0, processingMs: 0, acceptDataUris: false });
	try {
		const inline = dataUri('image/png', REF_PNG);
		const refused = await create(sim, { prompt: 'inline', image_urls: [`${refs.base}/ref.png`, inline] });
		assert.deepEqual([refused.res.status, errCode(refused), json(refused).error.message], [400, 'invalid_input', 'input.image_urls[1]: data: URIs are not accepted; pass a public URL']);
		assert.deepEqual([refs.hits.length, sim.runs.size], [0, 0], 'refused before anything is fetched');
		const ftp = await create(sim, { prompt: 'ftp', image_urls: ['ftp://a/b.png'] });
		assert.equal(json(ftp).error.message, 'input.image_urls[0] must be a public http(s) URL');
		sim.reset();
		assert.equal(sim.options.acceptDataUris, false, 'reset() keeps configured options, like every other persistent option');
		sim.configure({ acceptDataUris: true });
		assert.equal((await create(sim, { prompt: 'inline', image_urls: [inline] })).res.status, 201);
		assert.match(json(await create(sim, { prompt: 'ftp', image_urls: ['ftp://a/b.png'] })).error.message, /must be a public http\(s\) URL or a data: URI$/);

		sim.configure({ fetchReferences: 'strict' });
		const far = await create(sim, { prompt: 'far', image_urls: [`${refs.base}/ref.png`, 'https://cdn.example.com/a.png'] });
		assert.deepEqual([far.res.status, json(far).error.message], [400, 'input.image_urls[1] (https://cdn.example.com/a.png) could not be fetched: cdn.example.com is not reachable from the simulator (it fetches loopback addresses only)']);
		assert.equal((await create(sim, { prompt: 'near', image_urls: [`${refs.base}/ref.png`] })).res.status, 201);

		sim.configure({ fetchReferences: 'off' });
		const hits = refs.hits.length;
		const before = sim.references.length;
		const unchecked = await create(sim, { prompt: 'off', image_urls: [`${refs.base}/page.html`, 'data:text/plain,hello', 'https://cdn.example.com/a.png'] });
		assert.equal(unchecked.res.status, 201, unchecked.text);
		assert.deepEqual([refs.hits.length, sim.references.length], [hits, before], 'off: nothing fetched, decoded or recorded');
		assert.throws(() => sim.configure({ fetchReferences: 'everything' }), /fetchReferences must be one of loopback, strict, off/);

		// Restoring DEFAULTS (what shared test simulators do between tests) restores the new options too.
		sim.configure({ ...DEFAULTS, separateImageHost: false });
		assert.deepEqual(
			[sim.options.fetchReferences, sim.options.acceptDataUris, sim.options.referenceTimeoutMs, sim.options.maxBodyBytes],
			['loopback', true, 5000, 20 * 1024 * 1024],
		);
	} finally {
		await sim.close();
		await refs.close();
	}
});

check('request body cap: 413 payload_too_large above maxBodyBytes, before auth, no run', async () => {
	const sim = await startSimulator({ pendingMs: 0, processingMs: 0, maxBodyBytes: 2000 });
	try {
		const bodyOf = (size) => {
			const shell = JSON.stringify({ model: MODEL, input: { prompt: '' } });
			return JSON.stringify({ model: MODEL, input: { prompt: 'p'.repeat(size - shell.length) } });
		};
		assert.equal(Buffer.byteLength(bodyOf(2000)), 2000);
		assert.equal((await create(sim, null, { body: bodyOf(2000) })).res.status, 201, 'exactly the limit is fine');
		const over = await create(sim, null, { body: bodyOf(2001) });
		assert.deepEqual([over.res.status, errCode(over)], [413, 'payload_too_large']);
		assert.equal(json(over).error.message, 'Request body is larger than 2000 bytes; pass large reference images as URLs instead of data: URIs');
		const noKey = await fetch(`${sim.apiBaseUrl}/runs`, { method: 'POST', body: bodyOf(5000) });
		assert.equal(noKey.status, 413, 'the cap comes before authentication, like a gateway');
		await noKey.text();
		const rec = sim.requests.at(-2);
		assert.deepEqual([rec.kind, rec.status, rec.body, rec.bodyBytes, rec.errorCode], ['create', 413, undefined, 2001, 'payload_too_large']);
		assert.equal(sim.runs.size, 1);

		// The default (20 MiB) lets a body of several MB of data: URI through and stops one just above it.
		sim.configure({ maxBodyBytes: DEFAULTS.maxBodyBytes });
		const big = Buffer.concat([REF_PNG, Buffer.alloc(6_000_000, 1)]);
		const fits = await create(sim, { prompt: 'big', image_urls: [dataUri('image/png', big)] });
		assert.equal(fits.res.status, 201, fits.text);
		assert.ok(sim.references.at(-1).bytes.equals(big));
		const tooBig = await create(sim, null, { body: bodyOf(DEFAULTS.maxBodyBytes + 1) });
		assert.equal(tooBig.res.status, 413);
		sim.configure({ maxBodyBytes: null });
		assert.equal((await create(sim, null, { body: bodyOf(5000) })).res.status, 201, 'null: no cap');
	} finally {
		await sim.close();
	}
});

(async () => {
	const t0 = Date.now();
	let failed = 0;
	for (const { name, fn } of checks) {
		try {
			await fn();
			console.log(`ok   ${name}`);
		} catch (err) {
			failed++;
			console.log(`FAIL ${name}\n${err.stack}`);
		}
	}
	console.log(`${checks.length - failed}/${checks.length} passed in ${Date.now() - t0} ms (node ${process.version})`);
	process.exitCode = failed ? 1 : 0;
})();
