/**
 * Downloads go only where images live: never to loopback, private, link-local or
 * metadata addresses (except the API's own host), not even through a redirect,
 * and only raster image types are accepted. Every refusal keeps the paid run.
 *
 * The refused targets here are loopback names other than the API's 127.0.0.1, so
 * even a broken check could only reach this machine.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { isRestrictedHost } from '../nodes/NanoBanana/helpers/addressPolicy';
import { binaryBuffer, runWorkflow } from './helpers/engine';
import { FAST_POLLING, PNG_SIGNATURE } from './helpers/fixtures';
import { startSimulator } from './simulator';
import type { Simulator } from './simulator';

let sim: Simulator;
let apiImageBase: string;
beforeAll(async () => {
	sim = await startSimulator({ pendingMs: 20, processingMs: 100 });
	apiImageBase = sim.imageBaseUrl;
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	sim.imageBaseUrl = apiImageBase;
	sim.configure({ imageContentType: 'image/png' });
});

const generate = async () =>
	await runWorkflow({
		parameters: { operation: 'generate', prompt: 'A lamp', returnAs: 'binary', options: { ...FAST_POLLING, downloadTimeout: 2 } },
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		continueOnFail: true,
	});

/** A server on 127.0.0.1 that redirects every request to `target`. */
async function redirector(target: string): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
	let hits = 0;
	const server = http.createServer((request, response) => {
		hits++;
		response.writeHead(302, { location: `${target}${request.url ?? ''}` }).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return { url: `http://127.0.0.1:${port}`, hits: () => hits, close: async () => await new Promise<void>((resolve) => server.close(() => resolve())) };
}

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
	const redirect = await redirector(apiImageBase.replace('127.0.0.1', 'localhost'));
	try {
		sim.imageBaseUrl = redirect.url;
		// The redirector is on 127.0.0.1 (the API's host, so allowed); its target is not.
		const { items } = await generate();
		expect(redirect.hits()).toBe(1);
		expect(items[0].json.description).toMatch(/^The image address http:\/\/localhost:\d+ is a local, private or metadata address/);
		expect(items[0].json.runId).toBe([...sim.runs.keys()][0]);
		expect(sim.stats().downloads).toBe(0);
	} finally {
		await redirect.close();
	}
});

test('a redirect to an allowed address is followed', async () => {
	const redirect = await redirector(apiImageBase);
	try {
		sim.imageBaseUrl = redirect.url;
		const { items } = await generate();
		expect(redirect.hits()).toBe(1);
		expect(items[0].json.status).toBe('succeeded');
		expect((await binaryBuffer(items[0])).subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
	} finally {
		await redirect.close();
	}
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
