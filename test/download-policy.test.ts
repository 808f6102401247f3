/**
 * Downloads go only where images live: never to loopback, private, link-local or
 * metadata addresses (except the API's own host), not even through a redirect,
 * and only raster image types are accepted. Every refusal keeps the paid run.
 *
 * The refused targets here are loopback names other than the API's 127.0.0.1, so
 * even a broken check could only reach this machine.
 */
import { isRestrictedHost } from '../nodes/NanoBanana/helpers/addressPolicy';
import { binaryBuffer, runWorkflow } from './helpers/engine';
import { FAST_POLLING, PNG_SIGNATURE } from './helpers/fixtures';
import { useSimulator } from './helpers/useSimulator';

const sim = useSimulator({ pendingMs: 20, processingMs: 100 });
// imageBaseUrl is a field, not an option: reset() keeps it, so each test starts from the API's own.
let apiImageBase: string;
beforeAll(() => {
	apiImageBase = sim.imageBaseUrl;
});
beforeEach(() => {
	sim.imageBaseUrl = apiImageBase;
});

const generate = async () =>
	await runWorkflow({
		parameters: { operation: 'generate', prompt: 'A lamp', returnAs: 'binary', options: { ...FAST_POLLING, downloadTimeout: 2 } },
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		continueOnFail: true,
	});

test('images on the API host itself are downloaded, also when it is a loopback address', async () => {
	const { items } = await generate();
	expect((await binaryBuffer(items[0])).subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
});

test('an image URL on another local address is refused before any request, keeping the run', async () => {
	sim.imageBaseUrl = apiImageBase.replace('127.0.0.1', 'localhost');
	const { items } = await generate();
	const run = [...sim.runs.values()][0];
	expect(items[0].json).toMatchObject({ runId: run.id, status: 'succeeded', urls: [expect.stringMatching(/^http:\/\/localhost:/)] });
	expect(items[0].json.description).toMatch(/^The image address http:\/\/localhost:\d+ is a local, private or metadata address, which the node never downloads from\./);
	expect(sim.stats().downloads).toBe(0);
});

test('a redirect to a local address is refused before it is followed', async () => {
	// The image on the API's own host and port (allowed) redirects to another name of this machine.
	sim.configure({ redirectDownloads: apiImageBase.replace('127.0.0.1', 'localhost') });
	const { items } = await generate();
	expect(sim.requests.filter((request) => request.kind === 'download').map((request) => request.status)).toEqual([302]);
	expect(items[0].json.description).toMatch(/^The image address http:\/\/localhost:\d+ is a local, private or metadata address/);
	expect(items[0].json.runId).toBe([...sim.runs.keys()][0]);
});

test('a redirect to an allowed address is followed', async () => {
	sim.configure({ redirectDownloads: apiImageBase });
	const { items } = await generate();
	expect(sim.requests.filter((request) => request.kind === 'download').map((request) => request.status)).toEqual([302, 200]);
	expect((await binaryBuffer(items[0])).subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
});

test("another port of the API's own host is not the API: the exception covers host and port", async () => {
	const otherPort = apiImageBase.replace(/:(\d+)$/, (_, port: string) => `:${Number(port) + 1}`);
	sim.configure({ redirectDownloads: otherPort });
	const { items } = await generate();
	expect(items[0].json.description).toMatch(/^The image address http:\/\/127\.0\.0\.1:\d+ is a local, private or metadata address/);
	expect(sim.requests.filter((request) => request.kind === 'download')).toHaveLength(1);
});

test.each(['image/svg+xml', 'image/avif', 'text/html'])('%s is refused; the run and its URL are kept', async (type) => {
	sim.configure({ imageContentType: type });
	const { items } = await generate();
	expect(items[0].json.description).toMatch(/instead of a PNG, JPEG, WebP or GIF image\./);
	expect(items[0].json).toMatchObject({ status: 'succeeded', runId: expect.stringMatching(/^run_/), urls: [expect.any(String)] });
});

test('address policy: what a download may never reach', () => {
	const restricted = ['127.0.0.1', 'localhost', '[::1]', '10.0.0.5', '172.20.1.1', '192.168.0.1', '169.254.169.254', 'metadata.google.internal', '100.100.100.200', '0.0.0.0', '[::]', '[fe80::1]', '[::ffff:7f00:1]', '[fd00:ec2::254]', '224.0.0.1'];
	const allowed = ['cdn.runbase.net', '8.8.8.8', '172.32.0.1', '[2606:4700::1111]', '100.128.0.1'];
	expect(restricted.filter((host) => !isRestrictedHost(host))).toEqual([]);
	expect(allowed.filter((host) => isRestrictedHost(host))).toEqual([]);
});
