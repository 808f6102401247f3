/**
 * Shared pieces of the simulator's own tests (`test/simulator-selftest/*.test.ts`): plain HTTP
 * calls to a simulator, a full PNG parser, and a loopback image server for reference images.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

import { startSimulator } from '../simulator';
import type { Simulator, SimulatorOptions } from '../simulator';

// The simulator's internals (plain JavaScript).
export const { crc32, encodePng } = require('../simulator/png') as {
	crc32: (bytes: Buffer) => number;
	encodePng: (width: number, height: number, scanlines: Buffer, level?: number) => Buffer;
};
export const { shortReference, sniffImageType } = require('../simulator/references') as {
	shortReference: (url: string) => string;
	sniffImageType: (bytes: Buffer) => string | null;
};

export const MODEL = 'google/nano-banana';
export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
export const auth = (key = 'sk-test') => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

export interface Answer {
	res: Response;
	text: string;
}

export async function create(
	sim: Simulator,
	input: Record<string, unknown> | null,
	{ key, body, model = MODEL }: { key?: string; body?: string; model?: string } = {},
): Promise<Answer> {
	const res = await fetch(`${sim.apiBaseUrl}/runs`, {
		method: 'POST',
		headers: auth(key),
		body: body ?? JSON.stringify({ model, input }),
	});
	return { res, text: await res.text() };
}

export async function poll(sim: Simulator, id: string, key?: string): Promise<Answer> {
	const res = await fetch(`${sim.apiBaseUrl}/runs/${id}`, { headers: auth(key) });
	return { res, text: await res.text() };
}

/** The answer's JSON body (its shape is what the test checks). */
export const json = ({ text }: Answer): any => JSON.parse(text);
export const errCode = (answer: Answer): string => json(answer).error.code;

/** Parses a PNG fully: chunk CRCs, IHDR, inflated IDAT length (IDAT may be split into many chunks). */
export function checkPng(buf: Buffer, width: number, height: number): void {
	expect([...buf.subarray(0, 8)]).toStrictEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	let off = 8;
	const idat: Buffer[] = [];
	let ihdr: Buffer | undefined;
	const types: string[] = [];
	while (off < buf.length) {
		const len = buf.readUInt32BE(off);
		const typeAndData = buf.subarray(off + 4, off + 8 + len);
		expect({ chunkCrc: buf.readUInt32BE(off + 8 + len) }).toStrictEqual({ chunkCrc: crc32(typeAndData) });
		const type = typeAndData.subarray(0, 4).toString('ascii');
		types.push(type);
		if (type === 'IHDR') ihdr = typeAndData.subarray(4);
		if (type === 'IDAT') idat.push(typeAndData.subarray(4));
		off += 12 + len;
	}
	expect([...new Set(types)]).toStrictEqual(['IHDR', 'IDAT', 'IEND']);
	expect(types.at(-1)).toBe('IEND');
	// IDAT chunks are consecutive.
	expect(types.lastIndexOf('IDAT') - types.indexOf('IDAT') + 1).toBe(idat.length);
	expect(ihdr!.readUInt32BE(0)).toBe(width);
	expect(ihdr!.readUInt32BE(4)).toBe(height);
	expect(ihdr![8]).toBe(8);
	expect(ihdr![9]).toBe(2);
	expect(zlib.inflateSync(Buffer.concat(idat)).length).toBe(height * (1 + width * 3));
}

// ---- reference images --------------------------------------------------

export const REF_PNG = encodePng(3, 2, Buffer.alloc(2 * (1 + 3 * 3), 0x7f), 9);
export const REF_JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0 not a whole jpeg')]);
export const REF_WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x20, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
export const REF_GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
export const dataUri = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;
export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export interface ReferenceServer {
	base: string;
	hits: Array<{ path: string; headers: http.IncomingHttpHeaders }>;
	close: () => Promise<void>;
}

/** An image server on 127.0.0.1 like n8n's binary-data endpoint; `hits` records what it received. */
export async function startReferenceServer(): Promise<ReferenceServer> {
	const hits: ReferenceServer['hits'] = [];
	const held = new Set<http.ServerResponse>();
	const server = http.createServer((req, res) => {
		hits.push({ path: req.url ?? '', headers: { ...req.headers } });
		const path = (req.url ?? '').split('?')[0];
		if (path === '/ref.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(REF_PNG);
		if (path === '/ref.jpg') return void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(REF_JPEG);
		if (path === '/octet') return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(REF_PNG);
		if (path === '/page.html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>Sign in</p>');
		if (path === '/hop') return void res.writeHead(302, { location: '/ref.png' }).end();
		if (path === '/away') return void res.writeHead(302, { location: 'http://192.0.2.10/ref.png' }).end();
		if (path === '/hold') return void held.add(res);
		res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		base,
		hits,
		close: async () =>
			await new Promise<void>((resolve) => {
				for (const res of held) res.destroy();
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** A loopback port nobody listens on: bound, then closed. */
export async function closedPort(): Promise<number> {
	const server = http.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

/** Runs `check` against a simulator of its own, started with `options`, and closes it whatever happens. */
export async function withSimulator(options: SimulatorOptions, check: (sim: Simulator) => Promise<void>): Promise<void> {
	const sim = await startSimulator(options);
	try {
		await check(sim);
	} finally {
		await sim.close();
	}
}
