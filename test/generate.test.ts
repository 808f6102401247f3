import { binaryBuffer, runWorkflow } from './helpers/engine';
import { FAST_POLLING, pngSize } from './helpers/fixtures';
import { useSimulator } from './helpers/useSimulator';

const sim = useSimulator({ pendingMs: 50, processingMs: 250 });
const credentials = () => ({ apiKey: 'sk-test', baseUrl: sim.apiBaseUrl });

test('generates an image as binary data with MIME type, file name and run details', async () => {
	const { items, error } = await runWorkflow({
		parameters: { operation: 'generate', prompt: 'A ceramic lamp', aspectRatio: '16:9', options: FAST_POLLING },
		credentials: credentials(),
	});
	expect(error).toBeUndefined();
	expect(items).toHaveLength(1);
	const [item] = items;
	const runId = item.json.runId as string;
	expect(item.json).toMatchObject({
		status: 'succeeded',
		model: 'google/nano-banana',
		prompt: 'A ceramic lamp',
		aspectRatio: '16:9',
		referenceImages: [],
		costUsd: 0.039,
	});
	expect(item.json.urls).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/generated\//)]);
	expect(item.json.generationSeconds).toBeGreaterThan(0);
	expect(item.json.elapsedSeconds).toBeGreaterThan(0);
	expect(item.pairedItem).toEqual({ item: 0 });
	expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileExtension: 'png', fileName: `${runId}.png` });
	expect(pngSize(await binaryBuffer(item))).toEqual({ width: 1344, height: 768 });

	const body = sim.requests.find((request) => request.kind === 'create')?.body;
	expect(body).toEqual({ model: 'google/nano-banana', input: { prompt: 'A ceramic lamp', aspect_ratio: '16:9' } });
});

test.each([
	['1:1', 1024, 1024],
	['9:16', 768, 1344],
	['21:9', 1536, 672],
])('aspect ratio %s gives a %ix%i image', async (aspectRatio, width, height) => {
	const { items } = await runWorkflow({
		parameters: { operation: 'generate', prompt: 'A lamp', aspectRatio, options: FAST_POLLING },
		credentials: credentials(),
	});
	expect(pngSize(await binaryBuffer(items[0]))).toEqual({ width, height });
});

test('URL mode returns the URLs and downloads nothing', async () => {
	const { items } = await runWorkflow({
		parameters: { operation: 'generate', prompt: 'A lamp', returnAs: 'urls', options: FAST_POLLING },
		credentials: credentials(),
	});
	expect(items[0].binary).toBeUndefined();
	expect(items[0].json.urls).toHaveLength(1);
	expect(sim.requests.filter((request) => request.kind === 'download')).toHaveLength(0);
});

test('several images of one run get data, data_1, ... and predictable file names', async () => {
	sim.configure({ imagesPerRun: 3 });
	const { items } = await runWorkflow({
		parameters: {
			operation: 'generate',
			prompt: 'Three lamps',
			options: { ...FAST_POLLING, binaryPropertyName: 'image' },
		},
		credentials: credentials(),
	});
	const runId = items[0].json.runId as string;
	expect(Object.keys(items[0].binary ?? {})).toEqual(['image', 'image_1', 'image_2']);
	expect(items[0].binary?.image_2.fileName).toBe(`${runId}_2.png`);
});

test('an image sent with another content type is stored as what its bytes are', async () => {
	sim.configure({ imageContentType: 'image/jpeg' });
	const { items } = await runWorkflow({
		parameters: { operation: 'generate', prompt: 'A lamp', options: FAST_POLLING },
		credentials: credentials(),
	});
	// The simulator labels its PNG bytes image/jpeg: the first bytes decide, not the label.
	expect(items[0].binary?.data).toMatchObject({ mimeType: 'image/png', fileExtension: 'png' });
	expect(items[0].binary?.data.fileName).toMatch(/\.png$/);
});

test('reference images from the list, an array expression and a text expression reach the API', async () => {
	const { items, error } = await runWorkflow({
		items: [
			{ prompt: 'Put this lamp in a living room', urls: ['https://cdn.example.com/a.png', 'https://cdn.example.com/b.png'] },
			{ prompt: 'Make it blue', urls: 'https://cdn.example.com/c.png\nhttps://cdn.example.com/d.png, https://cdn.example.com/e.png' },
		],
		parameters: {
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			aspectRatio: 'auto',
			referenceImages: { image: [{ url: 'https://cdn.example.com/first.png' }, { url: '={{ $json.urls }}' }] },
			returnAs: 'urls',
			options: FAST_POLLING,
		},
		credentials: credentials(),
	});
	expect(error).toBeUndefined();
	expect(items.map((item) => item.json.referenceImages)).toEqual([
		['https://cdn.example.com/first.png', 'https://cdn.example.com/a.png', 'https://cdn.example.com/b.png'],
		[
			'https://cdn.example.com/first.png',
			'https://cdn.example.com/c.png',
			'https://cdn.example.com/d.png',
			'https://cdn.example.com/e.png',
		],
	]);
	const creates = sim.requests.filter((request) => request.kind === 'create');
	const inputs = creates.map((request) => (request.body as { input: { prompt: string; image_urls: string[] } }).input);
	expect(inputs.find((input) => input.prompt === 'Make it blue')?.image_urls).toHaveLength(4);
	expect(inputs.every((input) => !('aspect_ratio' in input) || input.aspect_ratio === 'auto')).toBe(true);
});

test('Wait for Completion given as the text "false" by an expression counts as off', async () => {
	const started = await runWorkflow({
		items: [{ wait: 'false' }],
		parameters: { operation: 'generate', prompt: 'Later', options: { ...FAST_POLLING, waitForCompletion: '={{ $json.wait }}' } },
		credentials: credentials(),
	});
	expect(started.items[0].json.status).toBe('pending');
	expect(sim.requests.filter((request) => request.kind === 'poll')).toHaveLength(0);
});

test('Wait for Completion off returns the run ID at once, and Get Run collects it later', async () => {
	const started = await runWorkflow({
		parameters: { operation: 'generate', prompt: 'Later', options: { ...FAST_POLLING, waitForCompletion: false } },
		credentials: credentials(),
	});
	const runId = started.items[0].json.runId as string;
	expect(started.items[0].json).toMatchObject({ status: 'pending', prompt: 'Later', costUsd: 0.039 });
	expect(started.items[0].binary).toBeUndefined();
	expect(sim.requests.filter((request) => request.kind === 'poll')).toHaveLength(0);

	const collected = await runWorkflow({
		items: [{ runId }],
		parameters: { operation: 'getRun', runId: '={{ $json.runId }}', options: FAST_POLLING },
		credentials: credentials(),
	});
	expect(collected.error).toBeUndefined();
	expect(collected.items[0].json).toMatchObject({ runId, status: 'succeeded', costUsd: 0.039 });
	expect(collected.items[0].binary?.data.mimeType).toBe('image/png');
});

test('Get Run without waiting reports the current status', async () => {
	sim.configure({ processingMs: 5000 });
	const started = await runWorkflow({
		parameters: { operation: 'generate', prompt: 'Slow', options: { ...FAST_POLLING, waitForCompletion: false } },
		credentials: credentials(),
	});
	const runId = started.items[0].json.runId as string;
	const { items } = await runWorkflow({
		parameters: { operation: 'getRun', runId, options: { waitForCompletion: false } },
		credentials: credentials(),
	});
	expect(items[0].json).toMatchObject({ runId, status: expect.stringMatching(/pending|processing/) });
	expect(items[0].json.urls).toBeUndefined();
});

test('Get Run of an unknown run says so', async () => {
	const { error } = await runWorkflow({
		parameters: { operation: 'getRun', runId: 'run_does_not_exist' },
		credentials: credentials(),
	});
	expect(error?.message).toBe('Runbase has no run with ID "run_does_not_exist"');
	expect(error?.httpCode).toBe('404');
});

test('the API key goes only to the API, never to the image host', async () => {
	const { items } = await runWorkflow({
		parameters: { operation: 'generate', prompt: 'Secret test', options: FAST_POLLING },
		credentials: credentials(),
	});
	expect(items[0].binary?.data).toBeDefined();
	const api = sim.requests.filter((request) => request.host === 'api');
	const images = sim.requests.filter((request) => request.host === 'images');
	expect(api.length).toBeGreaterThan(0);
	expect(images.length).toBeGreaterThan(0);
	expect(api.every((request) => request.headers.authorization === 'Bearer sk-test')).toBe(true);
	expect(images.every((request) => request.headers.authorization === undefined)).toBe(true);
	expect(JSON.stringify(images)).not.toContain('sk-test');
	expect(JSON.stringify(items)).not.toContain('sk-test');
});
