/**
 * Fault suite, rule: downloads are bounded: size, content type, http(s) only;
 * the run is kept when its image is refused.
 *
 * Checks and fixtures: test/helpers/faultChecks.ts (audit, leaks, runMany) and test/helpers/fixtures.ts.
 */
import type { SimRun } from '../simulator';
import type { Ran } from '../helpers/faultChecks';
import { all, audit, errorProblems, FAST, KEY, leaks, runMany, runsFor, useFaultSimulator } from '../helpers/faultChecks';
import { runWorkflow } from '../helpers/engine';

const sim = useFaultSimulator();

describe('downloads are bounded: size, content type, http(s) only', () => {
	test.each([
		{ name: 'with Content-Length', chunked: false },
		{ name: 'chunked, without Content-Length', chunked: true },
	])('an image larger than Max Image Size is refused ($name), the run is kept', async ({ chunked }) => {
		sim.configure({ downloadSizeBytes: 1_500_000, downloadChunked: chunked });
		const ran = await runMany(`too large ${chunked}`, { count: 3, options: { maxImageSize: 1 } });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		for (const [index, json] of errors) {
			const run = runsFor(sim, ran.prompts[index])[0];
			expect(json.error).toBe(`Run ${run.id} succeeded, but downloading its image failed`);
			expect(json.description).toMatch(/^The image is larger than the 1 MB limit set in Max Image Size\./);
			expect(json).toMatchObject({ runId: run.id, status: 'succeeded', urls: run.urls });
		}
		// Not a transient problem: one try per image.
		expect(sim.stats().downloads).toBe(3);
	});

	test('a download that is not an image (text/html) is refused, the run is kept', async () => {
		sim.configure({ downloadContentType: 'text/html; charset=utf-8' });
		const ran = await runMany('html download', { count: 3 });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		for (const json of errors.values()) {
			expect(json.description).toMatch(/^The image host sent "text\/html" instead of a PNG, JPEG, WebP or GIF image\./);
			expect(json.status).toBe('succeeded');
		}
	});

	/** A run made outside the node, so its output URLs can be replaced before Get Run reads it. */
	async function runWithUrls(urls: (run: SimRun) => string[]): Promise<SimRun> {
		const response = await fetch(`${sim.apiBaseUrl}/runs`, {
			method: 'POST',
			headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({ model: 'google/nano-banana', input: { prompt: 'outside the node' } }),
		});
		const { id } = (await response.json()) as { id: string };
		const run = sim.runs.get(id) as SimRun;
		const replaced = urls(run);
		(run.urls as string[]).splice(0, run.urls.length, ...replaced);
		await new Promise((resolve) => setTimeout(resolve, 300));
		return run;
	}

	async function getRun(runId: string): Promise<Ran> {
		const started = Date.now();
		const result = await runWorkflow({
			parameters: { operation: 'getRun', runId, returnAs: 'binary', options: FAST },
			credentials: { apiKey: KEY, baseUrl: sim.apiBaseUrl },
			continueOnFail: true,
		});
		return { result, prompts: ['outside the node'], elapsedMs: Date.now() - started, sim, key: KEY };
	}

	test.each(['file:///etc/passwd', 'ftp://127.0.0.1/files/x.png', 'javascript:alert(1)', '/files/generated/relative.png'])(
		'an output URL %s is never followed',
		async (bad) => {
			const run = await runWithUrls(() => [bad]);
			const ran = await getRun(run.id);
			expect(leaks(ran)).toEqual([]);
			const [item] = ran.result.items;
			expect(errorProblems(item.json)).toEqual([]);
			expect(item.json.error).toBe(
				`Runbase reported run ${run.id} as succeeded but sent no usable image URLs (output.urls was a list with entries that are not http(s) URLs)`,
			);
			expect(item.json.runId).toBe(run.id);
			expect(sim.requests.filter((request) => request.kind !== 'create' && request.kind !== 'poll')).toEqual([]);
		},
	);

	test('an output URL on the API host itself is downloaded without the key', async () => {
		const run = await runWithUrls((inner) => [`${sim.apiBaseUrl}/files/${inner.id}.png`]);
		const ran = await getRun(run.id);
		expect(leaks(ran)).toEqual([]);
		const fetched = sim.requests.filter((request) => request.path.startsWith('/api/v1/files/'));
		expect(fetched.length).toBeGreaterThanOrEqual(1);
		for (const request of fetched) expect(request.headers.authorization).toBeUndefined();
		const [item] = ran.result.items;
		expect(errorProblems(item.json)).toEqual([]);
		expect(item.json).toMatchObject({ runId: run.id, status: 'succeeded' });
	});
});
