/** The simulator's own checks: reference images (loopback policy, fetching, data: URIs, refusals, modes). */
import { DEFAULTS, loopbackAddress } from '../simulator';
import type { Simulator, SimulatorOptions } from '../simulator';
import type { ReferenceServer } from './helpers';
import {
	closedPort,
	create,
	dataUri,
	errCode,
	json,
	poll,
	REF_GIF,
	REF_JPEG,
	REF_PNG,
	REF_WEBP,
	sha256,
	shortReference,
	sniffImageType,
	startReferenceServer,
	withSimulator,
} from './helpers';

/** Runs `check` against a simulator and a loopback image server of its own, closing both. */
async function withReferences(options: SimulatorOptions, check: (sim: Simulator, refs: ReferenceServer) => Promise<void>): Promise<void> {
	const refs = await startReferenceServer();
	try {
		await withSimulator(options, async (sim) => await check(sim, refs));
	} finally {
		await refs.close();
	}
}

describe('reference images', () => {
	it('the loopback policy and the helpers are pure functions', () => {
		const host = (url: string) => loopbackAddress(new URL(url).hostname);
		expect(host('http://127.0.0.1:5678/x')).toBe('127.0.0.1');
		expect(host('http://127.10.20.30/x')).toBe('127.10.20.30');
		// The URL parser normalises short forms.
		expect(host('http://127.1/x')).toBe('127.0.0.1');
		// localhost is never looked up.
		expect(host('http://LOCALHOST:1/x')).toBe('127.0.0.1');
		expect(host('http://[::1]:8080/x')).toBe('::1');
		expect(host('http://[0:0:0:0:0:0:0:1]/x')).toBe('::1');
		for (const url of [
			'https://picsum.photos/id/1062/1024/1024',
			'https://cdn.example.com/a.png',
			'http://10.0.0.1/a.png',
			'http://192.168.1.20/a.png',
			'http://169.254.169.254/latest',
			'http://0.0.0.0/a.png',
			'http://[::ffff:127.0.0.1]/a.png',
			'http://[::]/a.png',
			'http://localhost.example.com/a.png',
			'http://127.0.0.1.nip.io/a.png',
		]) {
			expect({ url, address: host(url) }).toStrictEqual({ url, address: null });
		}
		const signed = 'http://127.0.0.1:5678/rest/binary-data/signed?token=SECRET-SIGNATURE&expires=1';
		expect(shortReference(signed)).toBe('http://127.0.0.1:5678/rest/binary-data/signed?…');
		expect(shortReference(`https://a.example/${'x'.repeat(500)}`).length).toBeLessThanOrEqual(80);
		const inline = dataUri('image/png', REF_PNG);
		expect(shortReference(inline)).toBe(`data:image/png;base64,… (${inline.length} characters)`);
		expect([REF_PNG, REF_JPEG, REF_WEBP, REF_GIF, Buffer.from('<html>'), Buffer.alloc(0)].map(sniffImageType)).toStrictEqual([
			'image/png',
			'image/jpeg',
			'image/webp',
			'image/gif',
			null,
			null,
		]);
	});

	it('loopback URLs are fetched, data: URIs decoded, the bytes recorded; public URLs stay unfetched', async () => {
		await withReferences({ pendingMs: 0, processingMs: 0 }, async (sim, refs) => {
			expect([DEFAULTS.fetchReferences, DEFAULTS.acceptDataUris]).toStrictEqual(['loopback', true]);
			const urls = [
				`${refs.base}/ref.png?token=abc`,
				dataUri('image/jpeg', REF_JPEG),
				'https://picsum.photos/id/1062/1024/1024',
				`${refs.base}/hop`,
				`data:image/gif,${encodeURIComponent(REF_GIF.toString('latin1'))}`,
				`http://localhost:${new URL(refs.base).port}/octet`,
				dataUri('image/webp', REF_WEBP),
			];
			const c = await create(sim, { prompt: 'refs', image_urls: urls }, { model: 'google/nano-banana-2' });
			expect({ status: c.res.status, body: c.text }).toMatchObject({ status: 201 });
			const { id } = json(c);
			const got = sim.references.map(({ runId, index, source, url, mimeType, contentType, bytes, sha256: hash }) => ({
				runId, index, source, url, mimeType, contentType, same: hash === sha256(bytes),
			}));
			expect(got).toStrictEqual([
				{ runId: id, index: 0, source: 'url', url: urls[0], mimeType: 'image/png', contentType: 'image/png', same: true },
				{ runId: id, index: 1, source: 'data', url: `data:image/jpeg;base64,… (${urls[1].length} characters)`, mimeType: 'image/jpeg', contentType: 'image/jpeg', same: true },
				{ runId: id, index: 3, source: 'url', url: urls[3], mimeType: 'image/png', contentType: 'image/png', same: true },
				{ runId: id, index: 4, source: 'data', url: `data:image/gif,… (${urls[4].length} characters)`, mimeType: 'image/gif', contentType: 'image/gif', same: true },
				{ runId: id, index: 5, source: 'url', url: urls[5], mimeType: 'image/png', contentType: 'application/octet-stream', same: true },
				{ runId: id, index: 6, source: 'data', url: `data:image/webp;base64,… (${urls[6].length} characters)`, mimeType: 'image/webp', contentType: 'image/webp', same: true },
			]);
			const originals = [REF_PNG, REF_JPEG, REF_PNG, REF_GIF, REF_PNG, REF_WEBP];
			sim.references.forEach((ref, n) => expect({ reference: ref.index, sameBytes: ref.bytes.equals(originals[n]) }).toStrictEqual({ reference: ref.index, sameBytes: true }));
			expect(sim.references[0].sha256).toBe(sha256(REF_PNG));
			expect(sim.runs.get(id)!.references).toStrictEqual(sim.references);
			expect(refs.hits.map((h) => h.path).sort()).toStrictEqual(['/hop', '/octet', '/ref.png', '/ref.png?token=abc']);
			// The simulator sends no Authorization header.
			expect(refs.hits.every((h) => h.headers.authorization === undefined)).toBe(true);
			expect(refs.hits.find((h) => h.path === '/octet')!.headers.host).toBe(`localhost:${new URL(refs.base).port}`);
			// The recorded body keeps the data: URI.
			expect((sim.requests[0].body as { input: { image_urls: string[] } }).input.image_urls[1]).toBe(urls[1]);
			expect(json(await poll(sim, id)).status).toBe('succeeded');
			sim.reset();
			// reset() clears the records.
			expect(sim.references.length).toBe(0);
		});
	});

	it('refused ones answer 400 invalid_input naming the reference, and create no run', async () => {
		await withReferences({ referenceTimeoutMs: 300 }, async (sim, refs) => {
			const port = await closedPort();
			const png = `${refs.base}/ref.png`;
			const secret = Buffer.from('<html>not an image, SECRET-PAYLOAD</html>');
			const cases: Array<[string[], string | RegExp]> = [
				// image_urls, message
				[[png, `${refs.base}/page.html?sig=SECRET-SIGNATURE`], `input.image_urls[1] (${refs.base}/page.html?…) is not an image: its first bytes are not those of a PNG, JPEG, WebP or GIF file`],
				[[`http://127.0.0.1:${port}/ref.png`], `input.image_urls[0] (http://127.0.0.1:${port}/ref.png) could not be fetched: connection refused`],
				[[png, png, `${refs.base}/gone.png`], `input.image_urls[2] (${refs.base}/gone.png) could not be fetched: its server answered HTTP 404`],
				[[`${refs.base}/hold`], `input.image_urls[0] (${refs.base}/hold) could not be fetched: no answer within 300 ms`],
				[[`${refs.base}/away`], `input.image_urls[0] (${refs.base}/away) could not be fetched: it redirects to 192.0.2.10, which the simulator never connects to (it fetches loopback addresses only)`],
				[[dataUri('text/html', secret)], `input.image_urls[0] (data:text/html;base64,… (${dataUri('text/html', secret).length} characters)) is not an image: its first bytes are not those of a PNG, JPEG, WebP or GIF file`],
				[['data:image/png;base64,***'], 'input.image_urls[0] (data:image/png;base64,… (25 characters)) is not a valid data: URI (the base64 data has characters base64 does not use)'],
				[['data:image/png;base64'], 'input.image_urls[0] (data:… (21 characters)) is not a valid data: URI (no comma before the data)'],
				// The first refused reference by index.
				[[`${refs.base}/page.html`, `http://127.0.0.1:${port}/x.png`], /^input\.image_urls\[0\] .* is not an image/],
			];
			for (const [imageUrls, message] of cases) {
				const r = await create(sim, { prompt: 'bad ref', image_urls: imageUrls });
				expect({ answer: [r.res.status, errCode(r)], body: r.text }).toMatchObject({ answer: [400, 'invalid_input'] });
				if (typeof message === 'string') expect(json(r).error.message).toBe(message);
				else expect(json(r).error.message).toMatch(message);
				expect(r.text).not.toMatch(/SECRET/);
			}
			// No run, no charge.
			expect(sim.runs.size).toBe(0);
			expect(sim.createsForPrompt('bad ref')).toBe(0);
			expect(refs.hits.some((h) => h.path.includes('192.0.2.10'))).toBe(false);
			// What arrived before the refusal is recorded, without a run id.
			const html = sim.references.find((ref) => ref.source === 'url' && ref.url.endsWith('page.html?sig=SECRET-SIGNATURE'))!;
			expect([html.runId, html.mimeType, html.bytes.toString().startsWith('<!doctype')]).toStrictEqual([undefined, null, true]);
			// The simulator is still fine.
			expect((await create(sim, { prompt: 'good ref', image_urls: [png] })).res.status).toBe(201);
		});
	});

	it('acceptDataUris false, fetchReferences strict and off, back with reset() and configure(DEFAULTS)', async () => {
		await withReferences({ pendingMs: 0, processingMs: 0, acceptDataUris: false }, async (sim, refs) => {
			const inline = dataUri('image/png', REF_PNG);
			const refused = await create(sim, { prompt: 'inline', image_urls: [`${refs.base}/ref.png`, inline] });
			expect([refused.res.status, errCode(refused), json(refused).error.message]).toStrictEqual([400, 'invalid_input', 'input.image_urls[1]: data: URIs are not accepted; pass a public URL']);
			// Refused before anything is fetched.
			expect([refs.hits.length, sim.runs.size]).toStrictEqual([0, 0]);
			const ftp = await create(sim, { prompt: 'ftp', image_urls: ['ftp://a/b.png'] });
			expect(json(ftp).error.message).toBe('input.image_urls[0] must be a public http(s) URL');
			sim.reset();
			// reset() keeps the value the simulator started with, like every other persistent option.
			expect(sim.options.acceptDataUris).toBe(false);
			sim.configure({ acceptDataUris: true });
			expect((await create(sim, { prompt: 'inline', image_urls: [inline] })).res.status).toBe(201);
			expect(json(await create(sim, { prompt: 'ftp', image_urls: ['ftp://a/b.png'] })).error.message).toMatch(/must be a public http\(s\) URL or a data: URI$/);

			sim.configure({ fetchReferences: 'strict' });
			const far = await create(sim, { prompt: 'far', image_urls: [`${refs.base}/ref.png`, 'https://cdn.example.com/a.png'] });
			expect([far.res.status, json(far).error.message]).toStrictEqual([400, 'input.image_urls[1] (https://cdn.example.com/a.png) could not be fetched: cdn.example.com is not reachable from the simulator (it fetches loopback addresses only)']);
			expect((await create(sim, { prompt: 'near', image_urls: [`${refs.base}/ref.png`] })).res.status).toBe(201);

			sim.configure({ fetchReferences: 'off' });
			const hits = refs.hits.length;
			const before = sim.references.length;
			const unchecked = await create(sim, { prompt: 'off', image_urls: [`${refs.base}/page.html`, 'data:text/plain,hello', 'https://cdn.example.com/a.png'] });
			expect({ status: unchecked.res.status, body: unchecked.text }).toMatchObject({ status: 201 });
			// Off: nothing fetched, decoded or recorded.
			expect([refs.hits.length, sim.references.length]).toStrictEqual([hits, before]);
			expect(() => sim.configure({ fetchReferences: 'everything' as 'off' })).toThrow(/fetchReferences must be one of loopback, strict, off/);

			// configure(DEFAULTS) restores the defaults of the reference options too.
			sim.configure({ ...DEFAULTS, separateImageHost: false });
			expect([sim.options.fetchReferences, sim.options.acceptDataUris, sim.options.referenceTimeoutMs, sim.options.maxBodyBytes]).toStrictEqual(['loopback', true, 5000, 20 * 1024 * 1024]);
		});
	});
});
