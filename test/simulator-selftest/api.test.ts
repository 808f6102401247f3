/**
 * The simulator's own checks, API side: the run lifecycle and what it records, authentication,
 * request validation, failed runs and the request body cap. A change to the simulator cannot
 * quietly change what every other test measures against.
 */
import { DEFAULTS } from '../simulator';
import { auth, checkPng, create, dataUri, errCode, json, MODEL, poll, REF_PNG, sleep, withSimulator } from './helpers';

describe('lifecycle and records', () => {
	it('a run goes pending, processing, succeeded; its output URL is on a separate image host; realistic 16:9 PNG', async () => {
		// Each state lasts a second: a loaded CI machine still polls within it.
		await withSimulator({ separateImageHost: true, imageMode: 'realistic', pendingMs: 1000, processingMs: 1000 }, async (sim) => {
			expect(new URL(sim.imageBaseUrl).port).not.toBe(new URL(sim.url).port);
			const c = await create(sim, { prompt: 'lamp', aspect_ratio: '16:9' });
			expect(c.res.status).toBe(201);
			expect(c.res.headers.get('content-type')).toMatch(/^application\/json/);
			const { id, status, costUsd, model } = json(c);
			expect({ status, costUsd, model }).toStrictEqual({ status: 'pending', costUsd: 39000, model: MODEL });
			expect(json(await poll(sim, id)).status).toBe('pending');
			const run = sim.runs.get(id)!;
			await sleep(run.processingAt - Date.now() + 20);
			expect(json(await poll(sim, id)).status).toBe('processing');
			await sleep(run.readyAt - Date.now() + 20);
			const done = json(await poll(sim, id));
			expect(done.status).toBe('succeeded');
			expect(done.createdAt < done.completedAt).toBe(true);
			expect(done.output.urls[0]).toBe(`${sim.imageBaseUrl}/files/generated/${id}-0.png`);
			const img = await fetch(done.output.urls[0]);
			expect(img.headers.get('content-type')).toBe('image/png');
			const buf = Buffer.from(await img.arrayBuffer());
			expect(buf.length).toBeGreaterThan(1.5e6);
			expect(buf.length).toBeLessThan(3e6);
			checkPng(buf, 1344, 768);
			// The API host serves no files.
			expect((await fetch(`${sim.url}/files/generated/${id}-0.png`)).status).toBe(404);
			expect(sim.runs.get(id)!.polls).toBe(3);
			expect(sim.requests.map((r) => [r.host, r.kind, r.status])).toStrictEqual([
				['api', 'create', 201],
				['api', 'poll', 200],
				['api', 'poll', 200],
				['api', 'poll', 200],
				['images', 'download', 200],
				['api', 'other', 404],
			]);
			expect(sim.requests[0].headers.authorization).toBe('Bearer sk-test');
			expect(sim.requests[0].body).toStrictEqual({ model: MODEL, input: { prompt: 'lamp', aspect_ratio: '16:9' } });
			const s = sim.stats();
			expect([s.creates, s.polls, s.downloads, s.byStatus[200], s.byStatus[404]]).toStrictEqual([1, 3, 1, 4, 1]);
		});
	});
});

describe('authentication and key states', () => {
	it('missing, wrong and restricted keys, and the credential check', async () => {
		await withSimulator(
			{ keyStates: { 'sk-ip': 'ip_not_allowed', 'sk-cap': 'api_key_spend_limit_exceeded', 'sk-poor': 'insufficient_balance' } },
			async (sim) => {
				const noKey = await fetch(`${sim.apiBaseUrl}/runs/run_x`);
				expect(noKey.status).toBe(401);
				expect(((await noKey.json()) as { error: { code: string } }).error.code).toBe('missing_api_key');
				const bad = await poll(sim, 'run_nope', 'sk-wrong');
				expect([bad.res.status, errCode(bad)]).toStrictEqual([401, 'invalid_api_key']);
				const ip = await poll(sim, 'run_nope', 'sk-ip');
				expect([ip.res.status, errCode(ip)]).toStrictEqual([403, 'ip_not_allowed']);
				const cap = await create(sim, { prompt: 'x' }, { key: 'sk-cap' });
				expect([cap.res.status, errCode(cap)]).toStrictEqual([403, 'api_key_spend_limit_exceeded']);
				const poor = await create(sim, { prompt: 'x' }, { key: 'sk-poor' });
				expect([poor.res.status, errCode(poor)]).toStrictEqual([402, 'insufficient_balance']);
				const poorGet = await poll(sim, 'run_nope', 'sk-poor');
				expect([poorGet.res.status, errCode(poorGet)]).toStrictEqual([404, 'run_not_found']);
				const good = await poll(sim, 'run_nope');
				expect([good.res.status, errCode(good)]).toStrictEqual([404, 'run_not_found']);
				expect((await fetch(`${sim.apiBaseUrl}/nothing`, { headers: auth() })).status).toBe(404);
			},
		);
	});
});

describe('request validation', () => {
	it('malformed bodies, unknown models and bad inputs are 400 with the field named; a valid one makes a run', async () => {
		await withSimulator({}, async (sim) => {
			const cases: Array<[{ body: string }, string]> = [
				[{ body: '{nope' }, 'invalid_json'],
				[{ body: JSON.stringify({ input: { prompt: 'x' } }) }, 'missing_model'],
				[{ body: JSON.stringify({ model: 'openai/dall-e', input: { prompt: 'x' } }) }, 'model_not_found'],
				[{ body: JSON.stringify({ model: MODEL }) }, 'missing_input'],
			];
			for (const [opts, code] of cases) {
				const r = await create(sim, null, opts);
				expect([r.res.status, errCode(r)]).toStrictEqual([400, code]);
			}
			const inputs: Array<[Record<string, unknown>, RegExp]> = [
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
				expect([r.res.status, errCode(r)]).toStrictEqual([400, 'invalid_input']);
				expect(json(r).error.message).toMatch(field);
			}
			const ok = await create(sim, { prompt: 'x', aspect_ratio: 'auto', image_urls: ['http://a/1.png', 'https://b/2.jpg'] });
			expect(ok.res.status).toBe(201);
			expect(sim.runs.size).toBe(1);
		});
	});
});

describe('failed runs', () => {
	it('report their error in the object or the string shape, or what failWhen returns', async () => {
		await withSimulator({ pendingMs: 0, processingMs: 0, failPromptsMatching: /forbidden/ }, async (sim) => {
			const a = json(await create(sim, { prompt: 'forbidden thing' }));
			const failed = json(await poll(sim, a.id));
			expect(failed.status).toBe('failed');
			expect(failed.error.code).toBe('generation_failed');
			expect(failed.output).toBe(undefined);
			sim.configure({ failErrorShape: 'string' });
			const b = json(await create(sim, { prompt: 'forbidden again' }));
			expect(typeof json(await poll(sim, b.id)).error).toBe('string');
			sim.configure({ failPromptsMatching: null, failWhen: (input) => (input.prompt === 'boom' ? { error: 'NSFW' } : null) });
			const c = json(await create(sim, { prompt: 'boom' }));
			expect(json(await poll(sim, c.id)).error).toBe('NSFW');
			expect(sim.createsForPrompt('boom')).toBe(1);
		});
	});
});

describe('request body cap', () => {
	const bodyOf = (size: number) => {
		const shell = JSON.stringify({ model: MODEL, input: { prompt: '' } });
		return JSON.stringify({ model: MODEL, input: { prompt: 'p'.repeat(size - shell.length) } });
	};

	it('413 payload_too_large above maxBodyBytes, before auth, no run; the default lets MBs of data: URI through; null: no cap', async () => {
		await withSimulator({ pendingMs: 0, processingMs: 0, maxBodyBytes: 2000 }, async (sim) => {
			expect(Buffer.byteLength(bodyOf(2000))).toBe(2000);
			// Exactly the limit is fine.
			expect((await create(sim, null, { body: bodyOf(2000) })).res.status).toBe(201);
			const over = await create(sim, null, { body: bodyOf(2001) });
			expect([over.res.status, errCode(over)]).toStrictEqual([413, 'payload_too_large']);
			expect(json(over).error.message).toBe('Request body is larger than 2000 bytes; pass large reference images as URLs instead of data: URIs');
			const noKey = await fetch(`${sim.apiBaseUrl}/runs`, { method: 'POST', body: bodyOf(5000) });
			// The cap comes before authentication, like a gateway.
			expect(noKey.status).toBe(413);
			await noKey.text();
			const rec = sim.requests.at(-2)!;
			expect([rec.kind, rec.status, rec.body, rec.bodyBytes, rec.errorCode]).toStrictEqual(['create', 413, undefined, 2001, 'payload_too_large']);
			expect(sim.runs.size).toBe(1);

			// The default (20 MiB) lets a body of several MB of data: URI through and stops one just above it.
			sim.configure({ maxBodyBytes: DEFAULTS.maxBodyBytes });
			const big = Buffer.concat([REF_PNG, Buffer.alloc(6_000_000, 1)]);
			const fits = await create(sim, { prompt: 'big', image_urls: [dataUri('image/png', big)] });
			expect({ status: fits.res.status, body: fits.text }).toMatchObject({ status: 201 });
			expect(sim.references.at(-1)!.bytes.equals(big)).toBe(true);
			const tooBig = await create(sim, null, { body: bodyOf(DEFAULTS.maxBodyBytes! + 1) });
			expect(tooBig.res.status).toBe(413);
			sim.configure({ maxBodyBytes: null });
			// Null: no cap.
			expect((await create(sim, null, { body: bodyOf(5000) })).res.status).toBe(201);
		});
	});
});
