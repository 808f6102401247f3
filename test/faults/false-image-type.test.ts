/**
 * Fault suite, rule: a download is an image by its first bytes, not by its declared
 * content type. An HTML page or an SVG labelled image/png is refused (once: trying again will not
 * help) and the run is kept; a real image under the wrong image type is stored as what it is.
 *
 * Checks and fixtures: test/helpers/faultChecks.ts (audit, leaks, runMany) and test/helpers/fixtures.ts.
 */
import { all, audit, runMany, runsFor, useFaultSimulator } from '../helpers/faultChecks';

const sim = useFaultSimulator();

const HTML = '<!doctype html><html><head><title>Sign in</title></head><body>Please sign in</body></html>';
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>';

describe('a download is an image by its first bytes, not by its declared type', () => {
	test.each([
		{
			name: 'an HTML page labelled image/png',
			body: HTML,
			type: 'image/png',
			description: /^The image host sent "image\/png", but the file is an HTML page, not a PNG, JPEG, WebP or GIF image \(it began with <!doctype html><html><head><titl…\)\./,
		},
		{
			name: 'SVG labelled image/png',
			body: SVG,
			type: 'image/png',
			description: /^The image host sent "image\/png", but the file is SVG text, not a PNG, JPEG, WebP or GIF image \(it began with <svg xmlns="http:\/\/www\.w3\.org\/20…\)\./,
		},
		{
			name: 'an HTML page labelled image/jpeg',
			body: HTML,
			type: 'image/jpeg',
			description: /^The image host sent "image\/jpeg", but the file is an HTML page, not a PNG, JPEG, WebP or GIF image/,
		},
		{
			name: 'SVG sent as application/octet-stream',
			body: SVG,
			type: 'application/octet-stream',
			description: /^The image host sent "application\/octet-stream", but the file is SVG text, not a PNG, JPEG, WebP or GIF image/,
		},
	])('$name is refused once, naming what it began with; the run is kept', async ({ body, type, description }) => {
		sim.configure({ downloadBody: body, downloadContentType: type });
		const ran = await runMany(`false type ${type} ${body.slice(0, 4)}`, { count: 3 });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		for (const [index, json] of errors) {
			const run = runsFor(sim, ran.prompts[index])[0];
			expect(json.error).toBe(`Run ${run.id} succeeded, but downloading its image failed`);
			expect(json.description).toMatch(description);
			expect(json.description).toContain(`collect them with the Get Run operation and run ID ${run.id}`);
			expect(json).toMatchObject({ runId: run.id, status: 'succeeded', urls: run.urls });
		}
		// Not a transient problem: one try per image.
		expect(sim.stats().downloads).toBe(3);
	});

	test('a PNG declared as image/jpeg is stored as a PNG, named .png', async () => {
		sim.configure({ downloadContentType: 'image/jpeg' });
		const ran = await runMany('png declared jpeg', { count: 2 });
		const { ok, items } = await audit(ran);
		expect(ok).toEqual(all(ran));
		for (const item of items) {
			expect(item.binary?.data).toMatchObject({ mimeType: 'image/png', fileExtension: 'png', fileName: `${String(item.json.runId)}.png` });
		}
	});
});
