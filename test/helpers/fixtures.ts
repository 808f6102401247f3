/**
 * Fixtures shared by the engine tests: fast timings, PNG facts, a free port.
 */
import net from 'node:net';

import type { INodeParameters } from 'n8n-workflow';

/** Node options for quick tests: first status check after 0.3 s, then every 0.2 s. */
export const FAST_POLLING = { firstCheck: 0.3, pollInterval: 0.2 } as const;

/** Fast timings for fault tests; the node's own request budget is lifted so only the simulator's faults shape the run. */
export const FAST_FAULT_OPTIONS: INodeParameters = {
	...FAST_POLLING,
	requestsPerWindow: 1000,
	requestTimeout: 2,
	downloadTimeout: 2,
	timeout: 15,
};

/** The 8-byte PNG signature, as hex. */
export const PNG_SIGNATURE = '89504e470d0a1a0a';

/** Pixel size from a PNG's IHDR. */
export function pngSize(png: Buffer): { width: number; height: number } {
	return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** A TCP port on 127.0.0.1 that nobody listens on (at the moment of the call). */
export async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}
