/** The simulator's own checks: reset() puts it back to how startSimulator() left it. */
import { DEFAULTS } from '../simulator';
import { create, json, poll, withSimulator } from './helpers';

describe('reset()', () => {
	it('undoes configure(): every option back to its start value, the others to their defaults', async () => {
		await withSimulator({ pendingMs: 5, processingMs: 10, apiKeys: ['sk-a'], acceptDataUris: false, processingFactors: { '4K': 3 } }, async (sim) => {
			const started = { ...sim.options };
			sim.configure({
				pendingMs: 99,
				processingMs: 1,
				apiKeys: ['sk-b'],
				acceptDataUris: true,
				processingFactors: null,
				rateLimit: { requests: 1, windowMs: 10_000 },
				contractBreak: { kind: 'html_200' },
				fetchReferences: 'strict',
				downloadFaults: { failFirst: 5 },
				failPromptsMatching: /x/,
				timing: () => ({ processingMs: 1 }),
				generationMs: 80,
			});
			sim.reset();
			expect(sim.options).toStrictEqual(started);
			expect([sim.options.pendingMs, sim.options.apiKeys, sim.options.acceptDataUris, sim.options.rateLimit]).toStrictEqual([5, ['sk-a'], false, null]);
			expect(sim.options.processingFactors).toStrictEqual({ ...DEFAULTS.processingFactors, '4K': 3 });
		});
	});

	it('the restored options are the ones that act: timing, keys, persistent faults', async () => {
		await withSimulator({ pendingMs: 0, processingMs: 0 }, async (sim) => {
			sim.configure({ pendingMs: 60_000, apiKeys: ['sk-other'], contractBreak: { on: 'poll', kind: 'urls_empty' } });
			sim.reset();
			const created = await create(sim, { prompt: 'after reset' });
			expect(created.res.status).toBe(201);
			const done = json(await poll(sim, json(created).id));
			expect(done.status).toBe('succeeded');
			expect(done.output.urls).toHaveLength(1);
		});
	});

	it('clears one-shot faults, also those given at start, and does not re-arm them', async () => {
		await withSimulator({ pendingMs: 0, processingMs: 0, burst429: { count: 5, on: 'create' } }, async (sim) => {
			expect((await create(sim, { prompt: 'limited' })).res.status).toBe(429);
			sim.configure({ forceError: { count: 5, on: 'poll', status: 500 } });
			sim.reset();
			expect([sim.options.burst429, sim.options.forceError]).toStrictEqual([null, null]);
			const created = await create(sim, { prompt: 'free' });
			expect(created.res.status).toBe(201);
			expect((await poll(sim, json(created).id)).res.status).toBe(200);
		});
	});

	it('re-seeds pollFaults with the start seed, also after configure({ seed })', async () => {
		await withSimulator({ pendingMs: 0, processingMs: 0, seed: 42, pollFaults: { rate: 0.5 } }, async (sim) => {
			const statuses = async () => {
				const { id } = json(await create(sim, { prompt: 'p' }));
				const out: number[] = [];
				for (let i = 0; i < 12; i++) out.push((await poll(sim, id)).res.status);
				return out;
			};
			const first = await statuses();
			sim.configure({ seed: 7, pollFaults: null });
			sim.reset();
			expect(sim.options.seed).toBe(42);
			expect(await statuses()).toStrictEqual(first);
		});
	});

	it('keeps separateImageHost as it started: configure() refuses a change, reset() leaves it', async () => {
		await withSimulator({ separateImageHost: true, pendingMs: 0, processingMs: 0 }, async (sim) => {
			expect(() => sim.configure({ separateImageHost: false })).toThrow(/separateImageHost can only be set when the simulator starts/);
			sim.reset();
			expect(sim.options.separateImageHost).toBe(true);
			const { id } = json(await create(sim, { prompt: 'split' }));
			const url: string = json(await poll(sim, id)).output.urls[0];
			expect(url.startsWith(`${sim.imageBaseUrl}/files/`)).toBe(true);
			expect(new URL(url).port).not.toBe(new URL(sim.url).port);
			expect((await fetch(url)).status).toBe(200);
		});
	});

	it('a configure() made after reset() holds until the next reset()', async () => {
		await withSimulator({}, async (sim) => {
			sim.reset();
			sim.configure({ imagesPerRun: 3 });
			expect(sim.options.imagesPerRun).toBe(3);
			sim.reset();
			expect(sim.options.imagesPerRun).toBe(1);
		});
	});
});
