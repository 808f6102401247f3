/**
 * n8n's Retry On Fail runs the node again with the same items. An item whose earlier
 * start may have reached Runbase is never started again: the retry collects its run
 * when Runbase named it, and otherwise fails, saying so. One create per item, always.
 */
import { runWorkflow } from '../helpers/engine';
import { useSimulator } from '../helpers/useSimulator';

const sim = useSimulator({ pendingMs: 20, processingMs: 200 });

const prompts = ['Prompt 0', 'Prompt 1', 'Prompt 2'];
const retry = async () =>
	await runWorkflow({
		items: prompts.map((prompt) => ({ prompt })),
		parameters: {
			prompt: '={{ $json.prompt }}',
			returnAs: 'urls',
			options: { firstCheck: 0.2, pollInterval: 0.2, requestTimeout: 1, timeout: 20 },
		},
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		retryOnFail: { maxTries: 3, waitBetweenTries: 0 },
	});

const UNKNOWN = 'An earlier try of this item may have started a run';

/** Create requests that reached the simulator for this prompt, answered or not. */
const createsFor = (prompt: string) =>
	sim.requests.filter((request) => request.kind === 'create' && (request.body as { input?: { prompt?: string } })?.input?.prompt === prompt).length;

test.each([
	['a create that timed out once sent', () => sim.configure({ stall: { count: 1, on: 'create', ms: 3000 } })],
	['a connection reset after the run was made', () => sim.configure({ dropConnections: { count: 1, on: 'create', when: 'after' } })],
	['a 502 without a run ID after the run was made', () => sim.configure({ forceError: { count: 1, on: 'create', status: 502, afterCreate: true } })],
	['a broken 2xx answer', () => sim.configure({ malformedJson: { count: 1, on: 'create', kind: 'truncated' } })],
])('after %s: one create per item, and the retry says a run may exist', async (_, arrange) => {
	arrange();
	const result = await retry();
	// Never two creates for one item; the item hit by the fault was created once and never again.
	for (const prompt of prompts) expect(createsFor(prompt)).toBeLessThanOrEqual(1);
	const faulted = sim.requests.find((request) => request.kind === 'create' && request.fault);
	expect(createsFor((faulted?.body as { input: { prompt: string } }).input.prompt)).toBe(1);
	// n8n shows the last try's error: the retry refused to start the uncertain item again, and
	// started nothing else, since the execution would fail anyway.
	expect(result.error?.message).toBe(UNKNOWN);
	expect(result.error?.description).toContain('It was not sent again, so you do not pay twice');
});

test('after a 500 that named the run: the retry collects that run, and the item succeeds', async () => {
	sim.configure({ createStatus: 500 });
	const result = await runWorkflow({
		items: [{ prompt: 'Prompt 0' }],
		parameters: { prompt: '={{ $json.prompt }}', returnAs: 'urls', options: { firstCheck: 0.2, pollInterval: 0.2 } },
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		retryOnFail: { maxTries: 2, waitBetweenTries: 0 },
	});
	expect(createsFor('Prompt 0')).toBe(1);
	expect(result.error).toBeUndefined();
	expect(result.items[0].json).toMatchObject({ status: 'succeeded', runId: [...sim.runs.keys()][0] });
});
