/** The simulator's own checks: its rate limiter (lenient and strict, per key) and 429 USAGE_EXCEEDED. */
import { startSimulator } from '../simulator';
import { create, errCode, json, poll, sleep, withSimulator } from './helpers';

describe('rate limiter', () => {
	it('sliding window, Retry-After, refused requests use no budget', async () => {
		await withSimulator({ rateLimit: { requests: 3, windowMs: 400, retryAfter: true } }, async (sim) => {
			const { id } = json(await create(sim, { prompt: 'r' }));
			await poll(sim, id);
			await poll(sim, id);
			const limited = await poll(sim, id);
			expect(limited.res.status).toBe(429);
			expect(errCode(limited)).toBe('RATE_LIMITED');
			expect(limited.res.headers.get('retry-after')).toBe('1');
			// Auth happens before rate limiting.
			expect((await poll(sim, id, 'sk-other')).res.status).toBe(401);
			await sleep(420);
			for (let i = 0; i < 3; i++) expect((await poll(sim, id)).res.status).toBe(200);
			expect((await poll(sim, id)).res.status).toBe(429);
			expect(sim.stats().rateLimited).toBe(2);
		});
	});

	it('lenient (default) vs strict (countRejected) on the same schedule, both per key', async () => {
		// The same schedule on both: 3 allowed at t0, then a retry every 100 ms.
		const schedule = async (countRejected: boolean | undefined) => {
			const sim = await startSimulator({
				apiKeys: ['sk-test', 'sk-b'],
				rateLimit: { requests: 3, windowMs: 400, retryAfter: true, ...(countRejected === undefined ? {} : { countRejected }) },
			});
			try {
				const t0 = Date.now();
				const statusAt = async (ms: number, key?: string) => {
					await sleep(t0 + ms - Date.now());
					return (await poll(sim, 'run_nope', key)).res.status;
				};
				const out: number[] = [];
				for (let i = 0; i < 3; i++) out.push(await statusAt(0));
				for (const ms of [100, 200, 300]) out.push(await statusAt(ms));
				// Another key has its own window.
				expect(await statusAt(300, 'sk-b')).toBe(404);
				out.push(await statusAt(450)); // the three allowed requests have left the window
				const last = await poll(sim, 'run_nope');
				return { out, last, stats: sim.stats() };
			} finally {
				await sim.close();
			}
		};
		const lenient = await schedule(undefined);
		expect(lenient.out).toStrictEqual([404, 404, 404, 429, 429, 429, 404]);
		const strict = await schedule(true);
		// Refused retries kept the window full.
		expect(strict.out).toStrictEqual([404, 404, 404, 429, 429, 429, 429]);
		expect(strict.last.res.status).toBe(429);
		// Retry-After says when the window has room again: the 429 at 200 ms leaves it at 600 ms.
		expect(strict.last.res.headers.get('retry-after')).toBe('1');
		expect(strict.stats.byKey['sk-test'].rateLimited).toBe(5);
		expect(strict.stats.byKey['sk-b'].rateLimited).toBe(0);
		expect(strict.stats.byKey['sk-test'].requests).toBe(8);
		expect(strict.stats.byKey['sk-test'].share429).toBe(5 / 8);
		expect(lenient.stats.byKey['sk-test'].share429).toBe(3 / 8);
	});

	it('strict: a lone client that honours Retry-After gets in, its refused request counted', async () => {
		await withSimulator({ rateLimit: { requests: 2, windowMs: 1500, retryAfter: true, countRejected: true } }, async (sim) => {
			const t0 = Date.now();
			await poll(sim, 'run_nope');
			await sleep(t0 + 900 - Date.now());
			await poll(sim, 'run_nope');
			await sleep(t0 + 1000 - Date.now());
			const refused = await poll(sim, 'run_nope');
			expect(refused.res.status).toBe(429);
			// Hits at 0, 900 and the refused one at 1000: room once the one at 900 has aged out (2400 ms).
			expect(refused.res.headers.get('retry-after')).toBe('2');
			await sleep(2000);
			expect((await poll(sim, 'run_nope')).res.status).toBe(404);
		});
	});

	it('strict: a client that waits a whole window quietly gets in again', async () => {
		await withSimulator({ rateLimit: { requests: 2, windowMs: 300, countRejected: true } }, async (sim) => {
			for (let i = 0; i < 4; i++) await poll(sim, 'run_nope');
			await sleep(320);
			expect((await poll(sim, 'run_nope')).res.status).toBe(404);
			expect(sim.requests.map((r) => [r.status, r.fault])).toStrictEqual([
				[404, undefined],
				[404, undefined],
				[429, 'rateLimit'],
				[429, 'rateLimit'],
				[404, undefined],
			]);
		});
	});
});

describe('429 USAGE_EXCEEDED', () => {
	it('key states and the burst429 code', async () => {
		await withSimulator(
			{
				pendingMs: 0,
				processingMs: 0,
				keyStates: { 'sk-use': 'usage_exceeded', 'sk-use-c': 'usage_exceeded_creates' },
				rateLimit: { requests: 100, windowMs: 10000, retryAfter: true },
			},
			async (sim) => {
				const expected = { error: { message: 'Usage limit exceeded', code: 'USAGE_EXCEEDED' } };
				for (const key of ['sk-use', 'sk-use-c']) {
					const r = await create(sim, { prompt: 'u' }, { key });
					expect(r.res.status).toBe(429);
					expect(json(r)).toStrictEqual(expected);
					// No Retry-After: waiting does not clear a usage cap.
					expect(r.res.headers.get('retry-after')).toBe(null);
				}
				const p = await poll(sim, 'run_nope', 'sk-use');
				expect([p.res.status, json(p)]).toStrictEqual([429, expected]);
				// usage_exceeded_creates lets polls through.
				expect((await poll(sim, 'run_nope', 'sk-use-c')).res.status).toBe(404);
				expect(sim.runs.size).toBe(0);
				const { id } = json(await create(sim, { prompt: 'ok' }));
				expect(json(await poll(sim, id)).status).toBe('succeeded');
				expect(sim.stats().byKey['sk-use']).toStrictEqual({ requests: 2, creates: 1, polls: 1, rateLimited: 2, usageExceeded: 2, share429: 1 });
				expect(sim.stats().byKey['sk-test'].rateLimited).toBe(0);
				expect(sim.requests[0].errorCode).toBe('USAGE_EXCEEDED');

				sim.configure({ burst429: { count: 1, on: 'create', retryAfter: false, code: 'USAGE_EXCEEDED' } });
				const burst = await create(sim, { prompt: 'b' });
				expect([burst.res.status, json(burst), burst.res.headers.get('retry-after')]).toStrictEqual([429, expected, null]);
			},
		);
	});
});
