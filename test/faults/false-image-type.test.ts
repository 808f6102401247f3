/**
 * A declared image type is only a claim: a body that is not a PNG, JPEG, WebP or GIF by
 * its first bytes is refused, whatever its Content-Type says, and the paid run is kept.
 */
import { runWorkflow } from '../helpers/engine';
import { FAST_POLLING } from '../helpers/fixtures';
import { useSimulator } from '../helpers/useSimulator';

const sim = useSimulator({ pendingMs: 20, processingMs: 100 }, (current) => current.configure({ downloadBody: null, imageContentType: 'image/png' }));

test.each([
	['an HTML error page', '<!doctype html><html><body>Access denied</body></html>', /the file is an HTML page, not a PNG, JPEG, WebP or GIF image \(it began with <!doctype html>/],
	['an SVG with a script', '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', /the file is SVG text, not a PNG, JPEG, WebP or GIF image/],
])('%s sent as image/png is refused, and the run is kept', async (_, body, message) => {
	sim.configure({ downloadBody: body, imageContentType: 'image/png' });
	const { items } = await runWorkflow({
		parameters: { prompt: 'A lamp', returnAs: 'binary', options: { ...FAST_POLLING, downloadTimeout: 2 } },
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		continueOnFail: true,
	});
	const run = [...sim.runs.values()][0];
	expect(items[0].binary).toBeUndefined();
	expect(items[0].json).toMatchObject({ runId: run.id, status: 'succeeded', urls: [expect.any(String)] });
	expect(items[0].json.description).toMatch(message);
	expect(sim.stats().creates).toBe(1);
});
