/**
 * The Nano Banana family: each model gets a request its documented
 * schema takes, and anything it does not take fails before any request.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { binaryBuffer, runWorkflow } from './helpers/engine';
import { FAST_POLLING, pngSize } from './helpers/fixtures';
import { useSimulator } from './helpers/useSimulator';
import { imageSize } from './simulator';
import type { RunInput } from './simulator';

const sim = useSimulator({ pendingMs: 50, processingMs: 150 });
const credentials = () => ({ apiKey: 'sk-test', baseUrl: sim.apiBaseUrl });

const generate = (extra: INodeParameters, options: IDataObject = {}): INodeParameters => ({
	operation: 'generate',
	prompt: 'A poster that says "Summer Sale"',
	...extra,
	options: { ...FAST_POLLING, ...options },
});
const createBodies = () => sim.requests.filter((request) => request.kind === 'create').map((request) => request.body as { model: string; input: RunInput });
const urls = (count: number) => Array.from({ length: count }, (_, index) => `https://cdn.example.com/ref-${index}.png`);

describe('a valid request for each model, and the output names model and resolution', () => {
	test.each([
		{ model: 'google/nano-banana', parameters: { aspectRatio: '16:9' }, input: { aspect_ratio: '16:9' }, resolution: '1K' },
		{ model: 'google/nano-banana-2', parameters: { aspectRatio: '1:8', resolution: '2K' }, input: { aspect_ratio: '1:8', resolution: '2K' }, resolution: '2K' },
		{ model: 'google/nano-banana-pro', parameters: { aspectRatio: '4:5', resolution: '4K' }, input: { aspect_ratio: '4:5', resolution: '4K' }, resolution: '4K' },
	])('$model', async ({ model, parameters, input, resolution }) => {
		const { items, error } = await runWorkflow({ parameters: generate({ model, ...parameters }), credentials: credentials() });
		expect(error).toBeUndefined();
		expect(createBodies()).toEqual([{ model, input: { prompt: 'A poster that says "Summer Sale"', ...input } }]);

		const [item] = items;
		const image = await binaryBuffer(item);
		const size = imageSize(model, input as Partial<RunInput>);
		expect(pngSize(image)).toEqual(size);
		expect(item.json).toMatchObject({ status: 'succeeded', model, resolution, aspectRatio: input.aspect_ratio, ...size, bytes: image.length });
		expect(item.binary?.data.bytes).toBe(image.length);
	});

	test('URL mode names model and resolution too, and downloads nothing to measure', async () => {
		const { items } = await runWorkflow({
			parameters: generate({ model: 'google/nano-banana-pro', resolution: '2K', returnAs: 'urls' }),
			credentials: credentials(),
		});
		expect(items[0].json).toMatchObject({ model: 'google/nano-banana-pro', resolution: '2K', aspectRatio: '1:1' });
		expect(items[0].json.width).toBeUndefined();
		expect(sim.stats().downloads).toBe(0);
	});

	test('several images of one run: each one measured in images', async () => {
		sim.configure({ imagesPerRun: 2 });
		const { items } = await runWorkflow({ parameters: generate({ model: 'google/nano-banana-2', aspectRatio: '4:1' }), credentials: credentials() });
		const { width, height } = imageSize('google/nano-banana-2', { aspect_ratio: '4:1', resolution: '1K' });
		const images = items[0].json.images as IDataObject[];
		expect(images.map((image) => image.binaryProperty)).toEqual(['data', 'data_1']);
		expect(images).toEqual([
			expect.objectContaining({ mimeType: 'image/png', width, height, bytes: (await binaryBuffer(items[0])).length }),
			expect.objectContaining({ width, height, bytes: (await binaryBuffer(items[0], 'data_1')).length }),
		]);
	});
});

describe('resolution is sent only to the models that take it', () => {
	test('Nano Banana never gets one, even when a hidden value is left over from another model', async () => {
		const { items, error } = await runWorkflow({ parameters: generate({ model: 'google/nano-banana', resolution: '4K' }), credentials: credentials() });
		expect(error).toBeUndefined();
		expect(createBodies()[0].input).not.toHaveProperty('resolution');
		expect(items[0].json.resolution).toBe('1K');
	});

	test('Nano Banana 2 and Pro always get one: 1K unless set', async () => {
		const { error } = await runWorkflow({
			items: [{ model: 'google/nano-banana-2' }, { model: 'google/nano-banana-pro' }, { model: 'google/nano-banana' }],
			parameters: generate({ model: '={{ $json.model }}', prompt: '={{ $json.model }}', returnAs: 'urls' }),
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		const byModel = Object.fromEntries(createBodies().map((body) => [body.model, body.input.resolution]));
		expect(byModel).toEqual({ 'google/nano-banana-2': '1K', 'google/nano-banana-pro': '1K', 'google/nano-banana': undefined });
	});

	test('a model from an expression that takes no resolution, asked for 4K, fails before any request', async () => {
		const { error } = await runWorkflow({
			items: [{ model: 'google/nano-banana' }],
			parameters: generate({ model: '={{ $json.model }}', resolution: '4K' }),
			credentials: credentials(),
		});
		expect(error?.message).toBe('Nano Banana takes no resolution, but "4K" was asked for [item 0]');
		expect(sim.requests).toHaveLength(0);
	});
});

describe('a ratio the model does not take fails before any request, never replaced', () => {
	test.each([
		['google/nano-banana', '1:4', 'The aspect ratio "1:4" is not supported by Nano Banana [item 0]'],
		['google/nano-banana-pro', '8:1', 'The aspect ratio "8:1" is not supported by Nano Banana Pro [item 0]'],
		['google/nano-banana-2', '7:5', 'The aspect ratio "7:5" is not supported [item 0]'],
	])('%s with %s', async (model, aspectRatio, message) => {
		const { error } = await runWorkflow({ parameters: generate({ model, aspectRatio }), credentials: credentials() });
		expect(error?.message).toBe(message);
		expect(error?.description).toMatch(/\S/);
		expect(sim.requests).toHaveLength(0);
	});

	test('model and ratio from expressions: the item whose pair does not fit stops the execution before anything is paid', async () => {
		const items = [
			{ model: 'google/nano-banana-2', ratio: '1:4' },
			{ model: 'google/nano-banana-pro', ratio: '1:4' },
		];
		const parameters = generate({ model: '={{ $json.model }}', aspectRatio: '={{ $json.ratio }}', returnAs: 'urls' });
		const stopped = await runWorkflow({ items, parameters, credentials: credentials() });
		expect(stopped.error?.message).toBe('The aspect ratio "1:4" is not supported by Nano Banana Pro [item 1]');
		expect(sim.requests).toHaveLength(0);

		const kept = await runWorkflow({ items, parameters, credentials: credentials(), continueOnFail: true });
		expect(kept.items[0].json).toMatchObject({ status: 'succeeded', model: 'google/nano-banana-2', aspectRatio: '1:4' });
		expect(kept.items[1].json.error).toBe('The aspect ratio "1:4" is not supported by Nano Banana Pro [item 1]');
		expect(createBodies()).toHaveLength(1);
	});
});

describe('the model parameter', () => {
	test('an existing workflow without a model runs Nano Banana as before', async () => {
		const { items } = await runWorkflow({ parameters: { operation: 'generate', prompt: 'A lamp', aspectRatio: '3:2', options: FAST_POLLING }, credentials: credentials() });
		expect(createBodies()).toEqual([{ model: 'google/nano-banana', input: { prompt: 'A lamp', aspect_ratio: '3:2' } }]);
		expect(items[0].json).toMatchObject({ model: 'google/nano-banana', resolution: '1K', width: 1248, height: 832 });
	});

	test.each([
		['from an expression', '={{ $json.model }}'],
		['typed into the workflow JSON', 'google/nano-banana-3'],
	])('an unknown model %s is refused with the list of valid ones, before any request', async (_, model) => {
		const { error } = await runWorkflow({ items: [{ model: 'google/nano-banana-3' }], parameters: generate({ model }), credentials: credentials() });
		expect(error?.message).toBe('The model "google/nano-banana-3" is not supported [item 0]');
		expect(error?.description).toBe(
			'Use one of google/nano-banana (Nano Banana), google/nano-banana-2 (Nano Banana 2), google/nano-banana-pro (Nano Banana Pro).',
		);
		expect(sim.requests).toHaveLength(0);
	});
});

describe('reference images: 10 for Nano Banana, 14 for Nano Banana 2 and Pro', () => {
	test.each(['google/nano-banana-2', 'google/nano-banana-pro'])('%s sends 14', async (model) => {
		const { error } = await runWorkflow({
			items: [{ urls: urls(14) }],
			parameters: generate({ model, referenceImages: { image: [{ url: '={{ $json.urls }}' }] }, returnAs: 'urls' }),
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		expect(createBodies()[0].input.image_urls).toEqual(urls(14));
	});

	test.each([
		['google/nano-banana', 11, 'There are 11 reference images, but Nano Banana accepts at most 10 [item 0]'],
		['google/nano-banana-2', 15, 'There are 15 reference images, but Nano Banana 2 accepts at most 14 [item 0]'],
		['google/nano-banana-pro', 15, 'There are 15 reference images, but Nano Banana Pro accepts at most 14 [item 0]'],
	])('%s refuses %i before any request', async (model, count, message) => {
		const { error } = await runWorkflow({ items: [{ urls: urls(count) }], parameters: generate({ model, referenceImages: { image: [{ url: '={{ $json.urls }}' }] } }), credentials: credentials() });
		expect(error?.message).toBe(message);
		expect(sim.requests).toHaveLength(0);
	});

	test("Runbase's own 400 about the count reaches the user, with nothing charged", async () => {
		sim.configure({ forceError: { on: 'create', status: 400, code: 'invalid_input', message: 'input.image_urls accepts at most 12 URLs' } });
		const { error } = await runWorkflow({
			items: [{ urls: urls(13) }],
			parameters: generate({ model: 'google/nano-banana-pro', referenceImages: { image: [{ url: '={{ $json.urls }}' }] } }),
			credentials: credentials(),
		});
		expect(error?.message).toBe('Runbase rejected the request as invalid (invalid_input)');
		expect(error?.description).toContain('Runbase said: "input.image_urls accepts at most 12 URLs"');
		expect(error?.description).toContain('No run was started and nothing was charged.');
		expect(sim.runs.size).toBe(0);
	});
});

describe('Get Run reads runs of any model', () => {
	test('a Pro 4K run started without waiting: model, and the real pixel size of the image', async () => {
		const started = await runWorkflow({
			parameters: generate({ model: 'google/nano-banana-pro', resolution: '4K', aspectRatio: '21:9' }, { waitForCompletion: false }),
			credentials: credentials(),
		});
		const runId = started.items[0].json.runId as string;
		expect(started.items[0].json).toMatchObject({ status: 'pending', model: 'google/nano-banana-pro', resolution: '4K' });
		const { items } = await runWorkflow({ parameters: { operation: 'getRun', runId, options: FAST_POLLING }, credentials: credentials() });
		expect(items[0].json).toMatchObject({ runId, status: 'succeeded', model: 'google/nano-banana-pro', width: 6144, height: 2688 });
	});

	test('a run of a model this node does not know reports that model', async () => {
		const response = await fetch(`${sim.apiBaseUrl}/runs`, {
			method: 'POST',
			headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
			body: JSON.stringify({ model: 'google/nano-banana', input: { prompt: 'made elsewhere' } }),
		});
		const { id } = (await response.json()) as { id: string };
		// As if Runbase had served a model that did not exist when this node was built.
		(sim.runs.get(id) as { model: string }).model = 'google/imagen-5';
		const { items, error } = await runWorkflow({ parameters: { operation: 'getRun', runId: id, options: FAST_POLLING }, credentials: credentials() });
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ runId: id, status: 'succeeded', model: 'google/imagen-5', width: 1024, height: 1024 });
		expect(items[0].binary?.data.mimeType).toBe('image/png');
	});
});

describe('learned timings are kept per model and resolution', () => {
	/** Milliseconds from a run's create to its first status check, for the requests from `from` on. */
	const firstCheckDelays = (from: number) => {
		const requests = sim.requests.slice(from);
		const creates = new Map(requests.filter((request) => request.kind === 'create').map((request) => [request.runId, request.at]));
		const first = new Map<string, number>();
		for (const request of requests) if (request.kind === 'poll' && request.runId && !first.has(request.runId)) first.set(request.runId, request.at);
		return [...first].map(([runId, at]) => at - (creates.get(runId) ?? at));
	};
	// No reset() between runs: it would also undo the test's configure().
	const run = async (model: string, resolution: string, shareProcessState = true) => {
		const from = sim.requests.length;
		const { error } = await runWorkflow({
			parameters: generate({ model, resolution, returnAs: 'urls' }, { firstCheck: 0.3 }),
			credentials: credentials(),
			shareProcessState,
		});
		expect(error).toBeUndefined();
		return firstCheckDelays(from)[0];
	};

	test('slow Nano Banana 2 4K runs teach nothing about Nano Banana, nor about Nano Banana 2 at 2K', async () => {
		sim.configure({ processingMs: 600 });
		// Nano Banana 2 at 4K takes 50 + 600 x 1.5 x 2 = 1850 ms in the simulator; Nano Banana 650 ms.
		// The First Check (0.3 s) counts as five runs, so six slow runs outweigh it.
		await run('google/nano-banana-2', '4K', false);
		for (let index = 0; index < 5; index++) await run('google/nano-banana-2', '4K');
		expect(await run('google/nano-banana', '1K')).toBeLessThan(1000);
		expect(await run('google/nano-banana-2', '2K')).toBeLessThan(1000);
		expect(await run('google/nano-banana-2', '4K')).toBeGreaterThan(1700);
	});
});
