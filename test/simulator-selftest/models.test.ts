/** The simulator's own checks: the Nano Banana model family (validation, image sizes, realistic images, timing). */
import zlib from 'node:zlib';

import { imageSize, MODELS } from '../simulator';
import type { ModelId } from '../simulator';
import { checkPng, create, errCode, json, poll, sleep, withSimulator } from './helpers';

describe('model family', () => {
	it('validation per model', async () => {
		await withSimulator({}, async (sim) => {
			expect(Object.keys(MODELS)).toStrictEqual(['google/nano-banana', 'google/nano-banana-2', 'google/nano-banana-pro']);
			const unknown = await create(sim, { prompt: 'x' }, { model: 'google/nano-banana-3' });
			expect([unknown.res.status, errCode(unknown)]).toStrictEqual([400, 'model_not_found']);
			const urls = (n: number) => Array(n).fill('https://a/b.png');
			const cases: Array<[string, Record<string, unknown>, number, RegExp?]> = [
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
				const what = `${model} ${JSON.stringify(input)}`;
				expect({ what, status: r.res.status, body: r.text }).toMatchObject({ what, status });
				if (status === 400) {
					expect(errCode(r)).toBe('invalid_input');
					expect(json(r).error.message).toMatch(field!);
				} else {
					expect(json(r).model).toBe(model);
				}
			}
			const made = [...sim.runs.values()].map((run) => [run.model, run.resolution]);
			// Resolution defaults to 1K.
			expect(made.slice(0, 2)).toStrictEqual([
				['google/nano-banana', null],
				['google/nano-banana-2', '1K'],
			]);
		});
	});

	it('PNG pixel size per ratio and resolution', async () => {
		await withSimulator({ pendingMs: 0, processingMs: 0, processingFactors: null }, async (sim) => {
			const header = async (url: string) => {
				const res = await fetch(url);
				const buf = Buffer.from(await res.arrayBuffer());
				expect(Number(res.headers.get('content-length'))).toBe(buf.length);
				return { buf, width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
			};
			const sized = async (model: string, input: Record<string, unknown>) => {
				const { id } = json(await create(sim, { prompt: 'size', ...input }, { model }));
				return await header(json(await poll(sim, id)).output.urls[0]);
			};
			const oneK: Record<string, number[]> = {
				'1:1': [1024, 1024], '2:3': [832, 1248], '3:2': [1248, 832], '3:4': [864, 1184], '4:3': [1184, 864],
				'4:5': [896, 1152], '5:4': [1152, 896], '9:16': [768, 1344], '16:9': [1344, 768], '21:9': [1536, 672],
				auto: [1024, 1024], '1:4': [512, 2048], '4:1': [2048, 512], '1:8': [384, 3072], '8:1': [3072, 384],
			};
			for (const [model, spec] of Object.entries(MODELS) as Array<[ModelId, (typeof MODELS)[ModelId]]>) {
				for (const resolution of spec.resolutions ?? [undefined]) {
					const scale = { '1K': 1, '2K': 2, '4K': 4 }[resolution ?? '1K'];
					for (const ratio of spec.aspectRatios) {
						const input = { aspect_ratio: ratio, ...(resolution ? { resolution } : {}) };
						const want = oneK[ratio].map((side) => side * scale);
						const what = `${model} ${ratio} ${resolution}`;
						expect({ what, imageSize: Object.values(imageSize(model, input)) }).toStrictEqual({ what, imageSize: want });
						if (model === 'google/nano-banana-pro') continue; // same sizes as nano-banana-2 for its ratios
						const { width, height } = await sized(model, input);
						expect({ what, served: [width, height] }).toStrictEqual({ what, served: want });
					}
				}
			}
			// Large sizes are valid PNGs throughout (many IDAT chunks, one zlib stream).
			checkPng((await sized('google/nano-banana-pro', { aspect_ratio: '21:9', resolution: '4K' })).buf, 6144, 2688);
			checkPng((await sized('google/nano-banana-2', { aspect_ratio: '1:8', resolution: '2K' })).buf, 768, 6144);
			const run = [...sim.runs.values()].at(-1)!;
			expect([run.width, run.height, run.resolution]).toStrictEqual([768, 6144, '2K']);
		});
	});

	it('realistic 4K: tens of MB of noise, built fast, streamed from little memory', async () => {
		await withSimulator({ pendingMs: 0, processingMs: 0, imageMode: 'realistic' }, async (sim) => {
			const { id } = json(await create(sim, { prompt: '4k', aspect_ratio: '16:9', resolution: '4K' }, { model: 'google/nano-banana-pro' }));
			const url: string = json(await poll(sim, id)).output.urls[0];
			const rss = process.memoryUsage().rss;
			const t0 = Date.now();
			const first = await fetch(url);
			const buf = Buffer.from(await first.arrayBuffer());
			// The first 4K download takes less than 5 s.
			expect(Date.now() - t0).toBeLessThan(5000);
			expect(buf.length).toBeGreaterThan(25e6);
			expect(buf.length).toBeLessThan(45e6);
			expect(Number(first.headers.get('content-length'))).toBe(buf.length);
			checkPng(buf, 5376, 3072);
			// Noise: deflate gains little more on what the simulator already compressed.
			expect(zlib.deflateRawSync(buf.subarray(0, 4e6), { level: 1 }).length).toBeGreaterThan(3.5e6);
			const again = Buffer.from(await (await fetch(url)).arrayBuffer());
			// The same bytes every time (cached per size).
			expect(again.equals(buf)).toBe(true);
			expect(sim.requests.at(-1)!.bytes).toBe(buf.length);
			expect(process.memoryUsage().rss - rss).toBeLessThan(400e6);
			sim.configure({ downloadSizeBytes: 1000 });
			// Truncation still works on streamed parts.
			expect((await (await fetch(url)).arrayBuffer()).byteLength).toBe(1000);
			sim.configure({ downloadSizeBytes: buf.length + 10 });
			const padded = Buffer.from(await (await fetch(url)).arrayBuffer());
			expect(padded.subarray(0, buf.length).equals(buf)).toBe(true);
			expect(padded.subarray(buf.length).equals(Buffer.alloc(10))).toBe(true);
		});
	});

	it('generation time per model and resolution; readyAt, reportedAt, finishedAt', async () => {
		await withSimulator({ pendingMs: 10, processingMs: 100 }, async (sim) => {
			const run = async (model: string, input: Record<string, unknown>) => sim.runs.get(json(await create(sim, { prompt: 't', ...input }, { model })).id)!;
			// nano-banana unchanged.
			expect((await run('google/nano-banana', {})).processingMs).toBe(100);
			expect((await run('google/nano-banana-2', {})).processingMs).toBe(150);
			expect((await run('google/nano-banana-2', { resolution: '2K' })).processingMs).toBe(195);
			expect((await run('google/nano-banana-pro', { resolution: '4K' })).processingMs).toBe(500);
			sim.configure({ processingFactors: { '4K': 4 } });
			// Missing entries keep defaults.
			expect((await run('google/nano-banana-pro', { resolution: '4K' })).processingMs).toBe(1000);
			sim.configure({ processingFactors: null, generationMs: 80 });
			expect((await run('google/nano-banana-pro', { resolution: '4K' })).processingMs).toBe(80);
			sim.configure({ processingFactors: { 'google/nano-banana': 3 }, generationMs: null });
			expect((await run('google/nano-banana', {})).processingMs).toBe(300);
			sim.configure({ timing: () => ({ processingMs: 42 }) });
			// timing() wins.
			expect((await run('google/nano-banana-pro', { resolution: '4K' })).processingMs).toBe(42);
			// A pending spell long enough for a loaded CI machine to poll within it.
			sim.configure({ timing: null, pendingMs: 1000 });

			const r = await run('google/nano-banana-pro', { resolution: '2K' });
			expect(r.readyAt).toBe(r.createdAt + r.pendingMs + r.processingMs);
			expect(r.processingAt).toBe(r.createdAt + r.pendingMs);
			expect(json(await poll(sim, r.id)).status).toBe('pending');
			expect(r.reportedAt).toBe(undefined);
			await sleep(r.readyAt - Date.now() + 20);
			const done = json(await poll(sim, r.id));
			expect(Date.parse(done.completedAt)).toBe(r.readyAt);
			expect(r.reportedAt).toBeGreaterThanOrEqual(r.readyAt);
			const reported = r.reportedAt;
			await poll(sim, r.id);
			// First final answer only.
			expect(r.reportedAt).toBe(reported);
			await (await fetch(done.output.urls[0])).arrayBuffer();
			const download = sim.requests.find((q) => q.kind === 'download' && q.runId === r.id)!;
			expect(download.finishedAt).toBeGreaterThanOrEqual(download.at);
			expect(download.finishedAt).toBeGreaterThanOrEqual(r.reportedAt!);
		});
	});
});
