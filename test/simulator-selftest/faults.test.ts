/** The simulator's own checks: its fault switches (API answers, connections, stalls, downloads). */
import { startSimulator } from '../simulator';
import type { Simulator } from '../simulator';
import { auth, checkPng, create, errCode, json, poll, sleep, withSimulator } from './helpers';

const INSTANT = { pendingMs: 0, processingMs: 0 };

/** A run that has succeeded already (the simulator must have no timing). */
const succeededRunId = async (sim: Simulator): Promise<string> => json(await create(sim, { prompt: 'b' })).id;

describe('answer-shaping fault switches', () => {
	it('burst429: the next N creates answer 429 without a run; Retry-After as asked', async () => {
		await withSimulator({ ...INSTANT, burst429: { count: 2, on: 'create', retryAfter: false } }, async (sim) => {
			for (let i = 0; i < 2; i++) {
				const r = await create(sim, { prompt: 'b' });
				expect(r.res.status).toBe(429);
				expect(r.res.headers.get('retry-after')).toBe(null);
			}
			const { id } = json(await create(sim, { prompt: 'b' }));
			expect(sim.createsForPrompt('b')).toBe(1);

			sim.configure({ burst429: { count: 1, on: 'poll', retryAfterSeconds: 3 } });
			expect((await poll(sim, id)).res.headers.get('retry-after')).toBe('3');
		});
	});

	it('unknownStatus: the next N polls report that word and no output', async () => {
		await withSimulator(INSTANT, async (sim) => {
			const id = await succeededRunId(sim);
			sim.configure({ unknownStatus: { count: 2, word: 'queued_for_gpu' } });
			expect(json(await poll(sim, id)).status).toBe('queued_for_gpu');
			expect(json(await poll(sim, id)).output).toBe(undefined);
			expect(json(await poll(sim, id)).status).toBe('succeeded');
		});
	});

	it('malformedJson: a 200 with broken JSON, truncated or garbage; on create the run exists', async () => {
		await withSimulator(INSTANT, async (sim) => {
			const id = await succeededRunId(sim);
			sim.configure({ malformedJson: { count: 1, on: 'poll', kind: 'truncated' } });
			const trunc = await poll(sim, id);
			expect(trunc.res.status).toBe(200);
			expect(() => JSON.parse(trunc.text)).toThrow();
			sim.configure({ malformedJson: { count: 1, on: 'create', kind: 'garbage' } });
			const garbage = await create(sim, { prompt: 'g' });
			expect(() => JSON.parse(garbage.text)).toThrow();
			// Run created despite the broken answer.
			expect(sim.createsForPrompt('g')).toBe(1);
		});
	});

	it('contractBreak: each kind reshapes the answer until set to null', async () => {
		await withSimulator(INSTANT, async (sim) => {
			const id = await succeededRunId(sim);
			sim.configure({ contractBreak: { on: 'create', kind: 'missing_id' } });
			expect(json(await create(sim, { prompt: 'm' })).id).toBe(undefined);
			sim.configure({ contractBreak: { on: 'poll', kind: 'urls_empty' } });
			expect(json(await poll(sim, id)).output.urls).toStrictEqual([]);
			sim.configure({ contractBreak: { on: 'poll', kind: 'urls_not_array' } });
			expect(typeof json(await poll(sim, id)).output.urls).toBe('string');
			sim.configure({ contractBreak: { on: 'poll', kind: 'error_body_200' } });
			const eb = await poll(sim, id);
			expect(eb.res.status).toBe(200);
			expect(json(eb).error.message).toBeTruthy();
			sim.configure({ contractBreak: { on: 'poll', kind: 'html_200' } });
			const html = await poll(sim, id);
			expect([html.res.status, html.res.headers.get('content-type')!.split(';')[0]]).toStrictEqual([200, 'text/html']);
			sim.configure({ contractBreak: null });
			expect(json(await poll(sim, id)).status).toBe('succeeded');
		});
	});

	it('pollFaults are seeded and deterministic', async () => {
		await withSimulator({ ...INSTANT, seed: 42, pollFaults: { rate: 0.5, statuses: [500, 502, 503] } }, async (sim) => {
			const run = async () => {
				const { id } = json(await create(sim, { prompt: 'p' }));
				const out: number[] = [];
				for (let i = 0; i < 12; i++) {
					const r = await poll(sim, id);
					out.push(r.res.status);
					if (r.res.status === 502) expect(r.text).toMatch(/<h1>502 Bad Gateway<\/h1>/);
					if (r.res.status === 500) expect(errCode(r)).toBe('internal_error');
				}
				return out;
			};
			const first = await run();
			expect({ statuses: first, some200: first.includes(200), some5xx: first.some((s) => s >= 500) }).toMatchObject({ some200: true, some5xx: true });
			sim.reset();
			expect(await run()).toStrictEqual(first);
		});
	});
});

describe('connection fault switches', () => {
	it('dropped connections, lost create response', async () => {
		await withSimulator({ dropConnections: { count: 1, on: 'create', when: 'after' } }, async (sim) => {
			await expect(create(sim, { prompt: 'lost' })).rejects.toThrow();
			expect(sim.createsForPrompt('lost')).toBe(1);
			const rec = sim.requests.find((r) => r.kind === 'create')!;
			expect([rec.status, rec.dropped, rec.runId]).toStrictEqual([0, true, [...sim.runs.keys()][0]]);
			sim.configure({ dropConnections: { count: 1, on: 'poll', when: 'before' } });
			await expect(poll(sim, rec.runId!)).rejects.toThrow();
			// Keep-alive pool recovers.
			expect((await poll(sim, rec.runId!)).res.status).toBe(200);
		});
	});

	it('stall, latency and close() with a stalled request', async () => {
		const sim = await startSimulator({ stall: { count: 2, on: 'poll', ms: 60000 }, latencyMs: 50 });
		const t0 = Date.now();
		const { id } = json(await create(sim, { prompt: 's' }));
		// Latency applied.
		expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
		const aborted = fetch(`${sim.apiBaseUrl}/runs/${id}`, { headers: auth(), signal: AbortSignal.timeout(150) });
		await expect(aborted).rejects.toThrow();
		await sleep(20);
		expect([sim.requests[1].stalled, sim.requests[1].status]).toStrictEqual([true, 0]);
		const hanging = fetch(`${sim.apiBaseUrl}/runs/${id}`, { headers: auth() }).then(
			() => 'answered',
			() => 'failed',
		);
		await sleep(100);
		const t1 = Date.now();
		await sim.close();
		// close() does not hang.
		expect(Date.now() - t1).toBeLessThan(1000);
		expect(await hanging).toBe('failed');
	});
});

describe('download fault switches', () => {
	it('download faults per URL, content type, oversized and multiple outputs', async () => {
		await withSimulator({ ...INSTANT, imagesPerRun: 3, downloadFaults: { dropFirst: 1, failFirst: 2, status: 503 } }, async (sim) => {
			const { id } = json(await create(sim, { prompt: 'd', aspect_ratio: '9:16' }));
			const urls: string[] = json(await poll(sim, id)).output.urls;
			expect(urls.length).toBe(3);
			await expect(fetch(urls[0])).rejects.toThrow();
			expect((await fetch(urls[0])).status).toBe(503);
			expect((await fetch(urls[0])).status).toBe(503);
			const ok = await fetch(urls[0]);
			expect(ok.status).toBe(200);
			checkPng(Buffer.from(await ok.arrayBuffer()), 768, 1344);
			// Counting is per URL.
			await expect(fetch(urls[1])).rejects.toThrow();

			sim.configure({ downloadFaults: null, downloadContentType: 'text/html' });
			const html = await fetch(urls[2]);
			expect(html.headers.get('content-type')).toBe('text/html');
			await html.arrayBuffer();
			sim.configure({ downloadContentType: null, imageContentType: ({ index }) => (index === 2 ? 'image/jpeg' : 'image/png') });
			const jpeg = await fetch(urls[2]);
			expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
			await jpeg.arrayBuffer();
			sim.configure({ downloadSizeBytes: 5_000_000 });
			const huge = await fetch(urls[1]);
			expect(huge.headers.get('content-length')).toBe('5000000');
			expect((await huge.arrayBuffer()).byteLength).toBe(5_000_000);
		});
	});
});
