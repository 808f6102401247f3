/**
 * Reference images from binary data that n8n keeps in its store (filesystem mode, as n8n 2.x
 * does by default): sent as a signed link that n8n serves, or inline as a data: URI. The
 * simulator fetches every reference as Runbase does and records the bytes it received.
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { FAST_POLLING } from '../helpers/fixtures';
import { binaryBuffer, initBinaryData, runWorkflow } from '../helpers/engine';
import { binaryInput, HTML_PAGE, pngFile, sha256 } from '../helpers/referenceFiles';
import type { SignedLinkServer } from '../helpers/signedLinks';
import { startSignedLinkServer } from '../helpers/signedLinks';
import { useSimulator } from '../helpers/useSimulator';

const sim = useSimulator({ pendingMs: 20, processingMs: 100 });
let links: SignedLinkServer;

beforeAll(async () => {
	await initBinaryData('filesystem');
	links = await startSignedLinkServer();
});
afterAll(async () => await links.close());
beforeEach(() => (links.fetched.length = 0));

const photo = pngFile(16, 12, 1);
const logo = pngFile(4, 4, 2);

async function generate(parameters: INodeParameters, items: object[], extra: { continueOnFail?: boolean } = {}) {
	return await runWorkflow({
		parameters: { prompt: 'Put this lamp in a sunny room', ...parameters, options: { ...FAST_POLLING, ...(parameters.options as object) } },
		items: items as never,
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		restApiUrl: links.restApiUrl,
		...extra,
	});
}

const creates = () => sim.requests.filter((request) => request.kind === 'create');
const sentUrls = () => creates().map((request) => (request.body as { input: { image_urls?: string[] } }).input.image_urls);

describe('the link route: Runbase fetches the image from n8n', () => {
	test('an uploaded photo reaches Runbase through a signed link, byte for byte, and the output names it by its field', async () => {
		const { items, error } = await generate({ binaryReferences: 'data' }, [{ $binary: { data: binaryInput(photo) } }]);
		expect(error).toBeUndefined();
		const [urls] = sentUrls();
		expect(urls).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/rest\/binary-data\/signed\?token=/)]);
		expect(sim.references.map(({ source, mimeType, sha256: hash }) => ({ source, mimeType, hash }))).toEqual([
			{ source: 'url', mimeType: 'image/png', hash: sha256(photo) },
		]);
		expect(links.fetched).toEqual([{ token: expect.any(String), status: 200 }]);
		expect(items[0].json.referenceImages).toEqual(['binary:data']);
		expect(JSON.stringify(items[0].json)).not.toContain('token');
	});

	test('binaries come first in the order named, then the URLs', async () => {
		const { error } = await generate(
			{ binaryReferences: 'logo, data', referenceImages: { image: [{ url: 'https://cdn.example.com/style.png' }] } },
			[{ $binary: { data: binaryInput(photo), logo: binaryInput(logo, 'image/png', 'logo.png') } }],
		);
		expect(error).toBeUndefined();
		const [urls] = sentUrls();
		expect(urls).toHaveLength(3);
		expect(urls?.[2]).toBe('https://cdn.example.com/style.png');
		expect(sim.references.map((reference) => [reference.index, reference.sha256])).toEqual([
			[0, sha256(logo)],
			[1, sha256(photo)],
		]);
	});

	test('* takes every image of the item and leaves other files alone', async () => {
		const { error } = await generate({ binaryReferences: '*' }, [
			{ $binary: { data: binaryInput(photo), notes: binaryInput(Buffer.from('hello'), 'text/plain', 'notes.txt'), data_1: binaryInput(logo) } },
		]);
		expect(error).toBeUndefined();
		expect(sim.references.map((reference) => reference.sha256)).toEqual([sha256(photo), sha256(logo)]);
	});

	test('a run collected with Get Run is a reference too', async () => {
		const first = await generate({ returnAs: 'urls' }, [{}]);
		const runId = String(first.items[0].json.runId);
		const collected = await runWorkflow({
			parameters: { operation: 'getRun', runId },
			credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
			restApiUrl: links.restApiUrl,
		});
		const edited = await generate({ binaryReferences: 'data' }, [{ $binary: { data: collected.items[0].binary?.data } }]);
		expect(edited.error).toBeUndefined();
		expect(sim.references.map((reference) => reference.sha256)).toEqual([sha256(await binaryBuffer(collected.items[0]))]);
	});

	test('chaining: the image a first run made is the reference of a second, with no node in between', async () => {
		const first = await generate({}, [{}]);
		const made = first.items[0] as INodeExecutionData;
		const second = await generate({ binaryReferences: 'data', prompt: 'Make it blue' }, [{ $binary: { data: made.binary?.data } }]);
		expect(second.error).toBeUndefined();
		expect(sim.references.map((reference) => reference.sha256)).toEqual([sha256(await binaryBuffer(made))]);
	});
});

describe('the inline route: the image travels inside the request', () => {
	test('a data: URI carries the exact bytes, and the output still names only the field', async () => {
		const { items, error } = await generate({ binaryReferences: 'data', options: { binaryRoute: 'inline' } }, [{ $binary: { data: binaryInput(photo) } }]);
		expect(error).toBeUndefined();
		expect(sentUrls()[0]?.[0]).toMatch(/^data:image\/png;base64,/);
		expect(sim.references.map(({ source, sha256: hash }) => ({ source, hash }))).toEqual([{ source: 'data', hash: sha256(photo) }]);
		expect(links.fetched).toEqual([]);
		expect(items[0].json.referenceImages).toEqual(['binary:data']);
		expect(JSON.stringify(items[0].json)).not.toContain('base64');
	});

	test('a JPEG labelled as PNG goes as what its bytes are', async () => {
		const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 1)]);
		const { error } = await generate({ binaryReferences: 'data', options: { binaryRoute: 'inline' } }, [{ $binary: { data: binaryInput(jpeg, 'image/png') } }]);
		expect(error).toBeUndefined();
		expect(sentUrls()[0]?.[0]).toMatch(/^data:image\/jpeg;base64,/);
	});

	test('when Runbase refuses data: URIs, its 400 message is shown and nothing is charged', async () => {
		sim.configure({ acceptDataUris: false });
		const { error } = await generate({ binaryReferences: 'data', options: { binaryRoute: 'inline' } }, [{ $binary: { data: binaryInput(photo) } }]);
		expect(error?.message).toMatch(/^Runbase rejected the request as invalid \(invalid_input\)/);
		expect(error?.description).toContain('data: URIs are not accepted');
		expect(error?.description).toContain('No run was started and nothing was charged.');
		expect(sim.stats().runsCreated).toBe(0);
	});
});

describe('bad binary references fail before any request, naming the item', () => {
	test.each([
		['a field the item lacks', 'photo', { data: binaryInput(photo) }, /^The item has no binary field "photo" \[item 0\]$/],
		['a file that is not an image', 'data', { data: binaryInput(HTML_PAGE, 'text/html', 'page.html') }, /^Binary field "data" is not a PNG, JPEG, WebP or GIF image: it is an HTML page/],
		['an HTML page that claims to be a PNG', 'data', { data: binaryInput(HTML_PAGE) }, /it is an HTML page \(it begins with <!doctype html>.*\), although it says image\/png \[item 0\]$/],
		['an empty file', 'data', { data: binaryInput(Buffer.alloc(0)) }, /^Binary field "data" is empty \[item 0\]$/],
		['* on an item without images', '*', { notes: binaryInput(Buffer.from('hi'), 'text/plain') }, /^The item has no PNG, JPEG, WebP or GIF binary field/],
	])('%s', async (_, binaryReferences, $binary, message) => {
		const { error } = await generate({ binaryReferences }, [{ $binary }]);
		expect(error?.message).toMatch(message);
		expect(sim.requests).toEqual([]);
	});

	test('the model limit counts binary and URL references together', async () => {
		const urls = Array.from({ length: 9 }, (_, index) => ({ url: `https://cdn.example.com/${index}.png` }));
		const { error } = await generate({ binaryReferences: 'data, data_1', referenceImages: { image: urls } }, [
			{ $binary: { data: binaryInput(photo), data_1: binaryInput(logo) } },
		]);
		expect(error?.message).toBe('There are 11 reference images (2 binary, 9 URLs), but Nano Banana accepts at most 10 [item 0]');
		expect(sim.requests).toEqual([]);
	});

	test('inline images over the request cap fail, with the way out', async () => {
		const big = Buffer.concat([photo, Buffer.alloc(16 * 1024 * 1024)]);
		const { error } = await generate({ binaryReferences: 'data', options: { binaryRoute: 'inline' } }, [{ $binary: { data: binaryInput(big) } }]);
		expect(error?.message).toMatch(/^The inline reference images add up to 21\.\d MB, more than the 20\.0 MB the node sends in one request \[item 0\]$/);
		expect(error?.description).toContain('Set Send Binary Images As to Link');
		expect(sim.requests).toEqual([]);
	});

	test('with Continue On Fail, one bad binary fails its item and the others get their images', async () => {
		const { items, error } = await generate(
			{ binaryReferences: 'data' },
			[{ $binary: { data: binaryInput(photo) } }, { $binary: { other: binaryInput(logo) } }, { $binary: { data: binaryInput(logo) } }],
			{ continueOnFail: true },
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.status ?? item.json.error)).toEqual(['succeeded', 'The item has no binary field "data" [item 1]', 'succeeded']);
		expect(items[0].binary?.data.mimeType).toBe('image/png');
		expect(sim.stats().creates).toBe(2);
	});
});
