import { startSimulator } from './simulator';
import type { Simulator } from './simulator';
import { binaryBuffer, runWorkflow } from './helpers/engine';

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ pendingMs: 100, processingMs: 300 });
});
afterAll(async () => await sim.close());
beforeEach(() => sim.reset());

const fast = { firstCheck: 0.5, pollInterval: 0.2 };

test('generates an image as binary data', async () => {
	const result = await runWorkflow({
		parameters: { operation: 'generate', prompt: 'A ceramic lamp', aspectRatio: '16:9', options: fast },
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
	});
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(1);
	const [item] = result.items;
	expect(item.json).toMatchObject({ status: 'succeeded', prompt: 'A ceramic lamp', aspectRatio: '16:9', costUsd: 0.039 });
	expect(item.binary?.data.mimeType).toBe('image/png');
	const png = await binaryBuffer(item);
	expect(png.readUInt32BE(16)).toBe(1344);
	expect(png.readUInt32BE(20)).toBe(768);
});
