/**
 * Fault suite, rule: transient download faults, a refused connection and a separate image host
 * cost time, never an item: every item still gets its images, from exactly one run.
 *
 * Checks and fixtures: test/helpers/faultChecks.ts (audit, leaks, runMany) and test/helpers/fixtures.ts.
 */
import net from 'node:net';

import { all, audit, requestsWithFault, runMany, SIM_DEFAULTS, useFaultSimulator } from '../helpers/faultChecks';
import { freePort } from '../helpers/fixtures';
import { startSimulator } from '../simulator';

const sim = useFaultSimulator();

describe('transient faults: every item still gets its images, from exactly one run', () => {
	test('downloads whose connection drops once', async () => {
		sim.configure({ downloadFaults: { dropFirst: 1 } });
		const ran = await runMany('download drop', { count: 8 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(sim.stats().downloads).toBe(16);
		expect(sim.stats().creates).toBe(8);
	});

	test('downloads that fail once with 503', async () => {
		sim.configure({ downloadFaults: { failFirst: 1, status: 503 } });
		const ran = await runMany('download 503', { count: 8 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(sim.stats().downloads).toBe(16);
	});

	test('downloads that stall past the download timeout', async () => {
		sim.configure({ stall: { count: 2, on: 'download', ms: 15_000 } });
		const ran = await runMany('download stall', { count: 6, options: { downloadTimeout: 1 } });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(requestsWithFault(sim, 'stall', 'download')).toHaveLength(2);
	});

	test('a download served as application/octet-stream is recognised as PNG', async () => {
		sim.configure({ downloadContentType: 'application/octet-stream' });
		const ran = await runMany('octet stream', { count: 3 });
		const { ok, items } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(items[0].binary?.data.mimeType).toBe('image/png');
	});

	test('connection refused before anything was sent: the create is retried, one run per item', async () => {
		// The Base URL points at a port nobody listens on yet; a relay to the simulator opens there shortly.
		const port = await freePort();
		const relay = net.createServer((socket) => {
			const upstream = net.connect(Number(new URL(sim.url).port), '127.0.0.1');
			socket.pipe(upstream).pipe(socket);
			socket.on('error', () => upstream.destroy());
			upstream.on('error', () => socket.destroy());
		});
		const opened = new Promise<void>((resolve) => setTimeout(() => relay.listen(port, '127.0.0.1', resolve), 300));
		// Images come through the relay too: the API's own host and port, where downloads may go.
		const imageBaseUrl = sim.imageBaseUrl;
		sim.imageBaseUrl = `http://127.0.0.1:${port}`;
		try {
			const ran = await runMany('refused then up', { count: 4, baseUrl: `http://127.0.0.1:${port}/api/v1` });
			const { ok } = await audit(ran);
			expect(ok).toEqual(all(ran));
			expect(sim.stats().creates).toBe(4);
			// The first attempt was refused: the retry came after a back-off.
			expect(ran.elapsedMs).toBeGreaterThanOrEqual(700);
		} finally {
			sim.imageBaseUrl = imageBaseUrl;
			await opened;
			relay.close();
		}
	});

	test("images on another port of the API's machine are refused, and the runs are kept", async () => {
		const split = await startSimulator({ ...SIM_DEFAULTS, separateImageHost: true });
		try {
			const ran = await runMany('separate host', { count: 2, on: split });
			const { errors } = await audit(ran);
			expect(errors.size).toBe(2);
			for (const json of errors.values()) {
				expect(json.description).toMatch(/^The image address http:\/\/127\.0\.0\.1:\d+ is a local, private or metadata address/);
				expect(json.runId).toMatch(/^run_/);
			}
			expect(split.requests.filter((request) => request.host === 'images')).toEqual([]);
		} finally {
			await split.close();
		}
	});
});
