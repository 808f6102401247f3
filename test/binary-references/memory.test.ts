/**
 * Reference images from binary data that n8n keeps in memory (n8n 1.x's default mode):
 * n8n cannot serve a link to it, so Auto sends it inline, and Link says why it cannot.
 */
import { FAST_POLLING } from '../helpers/fixtures';
import { initBinaryData, runWorkflow } from '../helpers/engine';
import { binaryInput, pngFile, sha256 } from '../helpers/referenceFiles';
import { useSimulator } from '../helpers/useSimulator';

const sim = useSimulator({ pendingMs: 20, processingMs: 100 });
beforeAll(async () => await initBinaryData('default'));

const photo = pngFile(10, 10, 3);

const generate = async (binaryRoute: string) =>
	await runWorkflow({
		parameters: { prompt: 'Edit this photo', binaryReferences: 'data', options: { ...FAST_POLLING, binaryRoute } },
		items: [{ $binary: { data: binaryInput(photo) } }] as never,
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
	});

test('Auto sends an image held in memory inline, byte for byte', async () => {
	const { items, error } = await generate('auto');
	expect(error).toBeUndefined();
	expect(items[0].json.status).toBe('succeeded');
	expect(sim.references.map(({ source, sha256: hash }) => ({ source, hash }))).toEqual([{ source: 'data', hash: sha256(photo) }]);
});

test('Link says that n8n keeps binary data in memory and what to set, before any request', async () => {
	const { error } = await generate('link');
	expect(error?.message).toBe('n8n cannot serve a link to binary field "data": it keeps binary data in memory [item 0]');
	expect(error?.description).toMatch(/^Set N8N_DEFAULT_BINARY_DATA_MODE to filesystem .* or set Send Binary Images As to Inline\. No run was started\.$/);
	expect(sim.requests).toEqual([]);
});
