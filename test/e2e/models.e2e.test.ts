/**
 * The Nano Banana family in real n8n: a Nano Banana 2 image at 4K, as binary data. The
 * simulator serves a real 4K PNG (16:9 at 4K: 5376x3072, tens of MB of noise
 * that does not compress); n8n stores it as a file and the item names the model,
 * resolution, pixel size and bytes read from the image itself.
 */
import { setPrompts, startE2e, variant } from './fixtures';
import type { E2eSetup } from './fixtures';
import { imageSize } from './pngSize';

const fourK = variant('e2eNanoBanana24K', (node, workflow) => {
	node.parameters.resolution = '4K';
	setPrompts(workflow, [{ model: 'google/nano-banana-2', prompt: 'A 4K poster of a ceramic lamp', aspectRatio: '16:9' }]);
});

let setup: E2eSetup;

beforeAll(async () => {
	setup = await startE2e([fourK], { pendingMs: 100, processingMs: 500, imageMode: 'realistic' });
}, 1_200_000);

afterAll(async () => {
	await setup?.dispose();
});

test('Nano Banana 2 at 4K: the request asks for 4K, and the binary image is the real 4K PNG', async () => {
	const run = await setup.instance.execute(fourK.id, { timeoutMs: 300_000 });
	expect(run.failure).toBeNull();
	const [item] = run.items('Nano Banana');
	expect(item.json).toMatchObject({ model: 'google/nano-banana-2', resolution: '4K', aspectRatio: '16:9', width: 5376, height: 3072 });
	const create = setup.sim.requests.find((request) => request.kind === 'create');
	expect(create?.body).toMatchObject({ model: 'google/nano-banana-2', input: { resolution: '4K', aspect_ratio: '16:9' } });
	const [image] = run.imagesOf('Nano Banana');
	expect(image.mimeType).toBe('image/png');
	expect(imageSize(image.bytes)).toEqual({ width: 5376, height: 3072 });
	expect(image.bytes.length).toBe(item.json.bytes);
	expect(image.bytes.length).toBeGreaterThan(20_000_000);
	expect(image.bytes.subarray(-8).toString('latin1')).toBe('IEND\xaeB`\x82');
});
