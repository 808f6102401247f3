/**
 * A result with tens of megabytes of images comes back whole. `n8n execute` used to print the
 * whole result, images inline as base64, in one log line, and the tail of that line did
 * not always reach the pipe before n8n's process.exit(). Now the images stay in n8n's
 * binary data files and the result comes from n8n's database, so the size of the
 * result does not matter. Eighteen 21:9 "realistic" simulator images, about 2 MiB each (35 MiB).
 */
import { setPrompts, startE2e, variant } from './fixtures';
import type { E2eSetup } from './fixtures';
import { imageSize } from './pngSize';

const IMAGE_COUNT = 18;
const MIN_TOTAL_BYTES = 30 * 1024 * 1024;

const bigResult = variant('e2eBigResult001', (_node, workflow) =>
	setPrompts(
		workflow,
		Array.from({ length: IMAGE_COUNT }, (_slot, index) => ({ prompt: `A wide banner number ${index + 1}`, aspectRatio: '21:9' })),
	),
);

let setup: E2eSetup;

beforeAll(async () => {
	setup = await startE2e([bigResult], { pendingMs: 100, processingMs: 1000, imageMode: 'realistic' });
}, 1_200_000);

afterAll(async () => {
	await setup?.dispose();
});

test(`a result holding at least 30 MB of images (${IMAGE_COUNT} x 21:9) arrives complete`, async () => {
	const run = await setup.instance.execute(bigResult.id, { timeoutMs: 600_000 });
	expect(run.failure).toBeNull();
	expect(run.result?.status).toBe('success');
	const items = run.items('Nano Banana');
	expect(items).toHaveLength(IMAGE_COUNT);
	const images = run.imagesOf('Nano Banana');
	expect(images.map((image) => image.itemIndex)).toEqual(items.map((_item, index) => index));
	const totalBytes = images.reduce((sum, image) => sum + image.bytes.length, 0);
	expect(totalBytes).toBeGreaterThanOrEqual(MIN_TOTAL_BYTES);
	// Every byte arrived: each image is as long as what the simulator served and ends with PNG's end chunk.
	const served = setup.sim.requests.filter((request) => request.kind === 'download' && request.status === 200);
	const servedSizes = new Set(served.map((request) => request.bytes));
	expect(servedSizes.size).toBe(1); // one deterministic image per ratio
	for (const image of images) {
		expect(image.storedAs).toBe('file');
		expect(image.mimeType).toBe('image/png');
		expect(imageSize(image.bytes)).toEqual({ width: 1536, height: 672 });
		expect(servedSizes.has(image.bytes.length)).toBe(true);
		expect(image.bytes.subarray(-8).toString('latin1')).toBe('IEND\xaeB`\x82');
	}
	process.stderr.write(`[e2e] big result: ${images.length} images, ${(totalBytes / 1024 / 1024).toFixed(1)} MiB\n`);
});
