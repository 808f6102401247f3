/**
 * Waiting is bounded by the item's Timeout, never by a count of attempts, and a
 * usage cap is told apart from a rate limit.
 */
import { runWorkflow } from '../helpers/engine';
import { FAST_POLLING } from '../helpers/fixtures';
import { expectNoDoubleCreate, expectNoRunLost } from '../helpers/sharedKey';
import { useSimulator } from '../helpers/useSimulator';

const sim = useSimulator({ pendingMs: 20, processingMs: 300 });

const generate = (options: Record<string, unknown>, count = 1) => ({
	items: Array.from({ length: count }, (_, index) => ({ prompt: `Prompt ${index}` })),
	parameters: {
		operation: 'generate',
		prompt: '={{ $json.prompt }}',
		returnAs: 'urls',
		options: { ...FAST_POLLING, concurrency: count, ...options },
	},
	credentials: { apiKey: 'sk-test', baseUrl: '' },
});
const run = async (workflow: ReturnType<typeof generate>, extra: Record<string, unknown> = {}) =>
	await runWorkflow({ ...workflow, credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl }, ...extra });

test('429 USAGE_EXCEEDED is not retried and does not pause the other items', async () => {
	sim.configure({ burst429: { count: 1, on: 'create', retryAfter: false, code: 'USAGE_EXCEEDED' } });
	// A pause of a whole window (10 s) would make the other items miss their 5 s Timeout.
	const result = await run(generate({ timeout: 5 }, 3), { continueOnFail: true });
	const errors = result.items.filter((item) => item.json.error);
	expect(errors).toHaveLength(1);
	expect(errors[0].json.error).toBe('This Runbase API key has reached its usage cap (USAGE_EXCEEDED)');
	expect(errors[0].json.description).toContain('Waiting does not clear a usage cap');
	expect(errors[0].json.description).toContain('No run was started and nothing was charged.');
	expect(result.items.filter((item) => item.json.status === 'succeeded')).toHaveLength(2);
	expect(sim.stats().creates).toBe(3);
});

test('polls answered 429 more than 8 times in a row still deliver the run within its Timeout', async () => {
	sim.configure({ burst429: { count: 10, on: 'poll', retryAfter: true, retryAfterSeconds: 0 } });
	const result = await run(generate({ timeout: 60, requestsPerWindow: 1000 }));
	expect(result.error).toBeUndefined();
	expect(result.items[0].json.status).toBe('succeeded');
	expect(sim.stats().rateLimited).toBe(10);
	expect(sim.stats().creates).toBe(1);
}, 90_000);

test('a Retry-After beyond the Timeout ends the item at once, naming its run', async () => {
	sim.configure({ burst429: { count: 1, on: 'poll', retryAfter: true, retryAfterSeconds: 120 } });
	const result = await run(generate({ timeout: 20 }));
	const runId = [...sim.runs.keys()][0];
	expect(result.error?.message).toBe("Runbase asked to wait 120 seconds, longer than this item's Timeout allows");
	expect(result.error?.context?.runId).toBe(runId);
	expect(result.error?.description).toContain(`Get Run operation and run ID ${runId}`);
	expect(sim.stats().polls).toBe(1);
});

test('a Retry-After beyond the Timeout on a create says no run was started', async () => {
	sim.configure({ burst429: { count: 1, on: 'create', retryAfter: true, retryAfterSeconds: 120 } });
	const result = await run(generate({ timeout: 20 }));
	expect(result.error?.message).toBe("Runbase asked to wait 120 seconds, longer than this item's Timeout allows");
	expect(result.error?.description).toContain('No run was started and nothing was charged.');
	expect(sim.runs.size).toBe(0);
});

test('a burst of 429s arriving together counts as one signal, not as many', async () => {
	sim.configure({ burst429: { count: 7, on: 'poll', retryAfter: true, retryAfterSeconds: 1 } });
	// Seven escalating back-offs (1, 2, 4 ... 60 s) would stall every item past this Timeout.
	const result = await run(generate({ timeout: 40, firstCheck: 0.5 }, 7));
	expect(result.error).toBeUndefined();
	expect(result.items.map((item) => item.json.status)).toEqual(Array(7).fill('succeeded'));
	expect(sim.stats().rateLimited).toBe(7);
	expectNoDoubleCreate(sim);
}, 60_000);

test("n8n's Retry On Fail does not pay twice for the items that worked", async () => {
	sim.configure({ failPromptsMatching: /Prompt 2/ });
	const result = await run(generate({}, 3), { retryOnFail: { maxTries: 2, waitBetweenTries: 0 } });
	expect(result.error?.message).toMatch(/^Runbase could not generate the image/);
	expect(sim.createsForPrompt('Prompt 0')).toBe(1);
	expect(sim.createsForPrompt('Prompt 1')).toBe(1);
	// The failed run was refunded, so trying it again is what Retry On Fail is for.
	expect(sim.createsForPrompt('Prompt 2')).toBe(2);
	expectNoRunLost(sim, [result]);
});

test('an execution that stops names every run it started, also those still pending', async () => {
	sim.configure({
		failPromptsMatching: /Prompt 0/,
		timing: (simRun) => ({ pendingMs: 20, processingMs: simRun.input.prompt === 'Prompt 1' ? 60_000 : 300 }),
	});
	const result = await run(generate({ timeout: 2 }, 3));
	expect(result.error?.message).toMatch(/^Runbase could not generate the image/);
	const byPrompt = new Map([...sim.runs.values()].map((simRun) => [simRun.input.prompt, simRun.id]));
	expect(result.error?.description).toContain(`${byPrompt.get('Prompt 1')} (item 1, `);
	// Item 2's run may or may not have been seen finished when item 0 stopped the execution: named either way.
	expect(result.error?.description).toContain(`${byPrompt.get('Prompt 2')} (item 2, `);
	expectNoRunLost(sim, [result]);
});
