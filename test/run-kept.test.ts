/**
 * Every failure after a create answered 2xx names the run: each way an item can
 * fail once its run exists (each throw site after the create) is walked here with
 * Continue On Fail, and the error item must carry that run's id, its status when
 * known, and its URLs once they are known.
 */
import type { SimulatorOptions } from './simulator';
import { runWorkflow } from './helpers/engine';
import { FAST_POLLING } from './helpers/fixtures';
import { useSimulator } from './helpers/useSimulator';

// n8n-core's own DI container, where prepareBinaryData stores images.
const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] })) as typeof import('@n8n/di');
const { BinaryDataService } = require('n8n-core') as typeof import('n8n-core');

const sim = useSimulator({ pendingMs: 20, processingMs: 150 });

const generate = async (options: Record<string, unknown> = {}, returnAs = 'binary') =>
	await runWorkflow({
		parameters: { operation: 'generate', prompt: 'A lamp', returnAs, options: { ...FAST_POLLING, downloadTimeout: 2, ...options } },
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		continueOnFail: true,
	});

type Site = [name: string, setup: Partial<SimulatorOptions>, options: Record<string, unknown>, expected: { status?: string; urls?: boolean }];

const sites: Site[] = [
	['the create answer has an id but no status', { contractBreak: { kind: 'missing_status' } }, {}, {}],
	['a poll answers 401', { forceError: { status: 401, on: 'poll', count: 100 } }, {}, {}],
	['a poll answers 404', { forceError: { status: 404, on: 'poll', code: 'run_not_found', count: 100 } }, {}, {}],
	['a poll is answered 429 with a Retry-After beyond the Timeout', { burst429: { count: 1, on: 'poll', retryAfter: true, retryAfterSeconds: 120 } }, { timeout: 20 }, {}],
	['a poll answers 429 USAGE_EXCEEDED', { forceError: { status: 429, on: 'poll', code: 'USAGE_EXCEEDED', count: 100 } }, {}, {}],
	['polls keep answering 500 until the Timeout', { forceError: { status: 500, on: 'poll', count: 1000 } }, { timeout: 3 }, {}],
	['the run does not finish before the Timeout', { processingMs: 60_000 }, { timeout: 2 }, { status: 'processing' }],
	['the run ends failed', { failPromptsMatching: /lamp/ }, {}, { status: 'failed' }],
	['a succeeded run has no image URLs', { contractBreak: { kind: 'urls_empty', on: 'poll' } }, {}, { status: 'succeeded' }],
	['the image host sends no image', { imageContentType: 'text/html' }, {}, { status: 'succeeded', urls: true }],
];

test.each(sites)('%s', async (_, setup, options, expected) => {
	sim.configure(setup);
	const { items, error } = await generate(options);
	expect(error).toBeUndefined();
	const [run] = [...sim.runs.values()];
	expect(items[0].json.error).toEqual(expect.any(String));
	expect(items[0].json.runId).toBe(run.id);
	if (expected.status) expect(items[0].json.status).toBe(expected.status);
	if (expected.urls) expect(items[0].json.urls).toEqual(run.urls);
	expect(`${String(items[0].json.error)} ${String(items[0].json.description)}`).toContain(run.id);
	expect(sim.stats().runsCreated).toBe(1);
}, 30_000);

test('storing the image fails (disk full): the paid run, its status and URLs are kept', async () => {
	const store = jest.spyOn(Container.get(BinaryDataService), 'store').mockRejectedValueOnce(new Error('ENOSPC: no space left on device'));
	try {
		const { items } = await generate();
		const [run] = [...sim.runs.values()];
		expect(items[0].json).toMatchObject({ runId: run.id, status: 'succeeded', urls: run.urls });
		expect(items[0].json.description).toMatch(/^n8n could not store the image \(ENOSPC: no space left on device\)\./);
		expect(store).toHaveBeenCalled();
	} finally {
		store.mockRestore();
	}
});
