import { runWorkflow } from './helpers/engine';
import { FAST_POLLING } from './helpers/fixtures';
import { useSimulator } from './helpers/useSimulator';

const generate = (extra: Record<string, unknown> = {}) => ({
	operation: 'generate',
	prompt: 'A lamp',
	returnAs: 'urls',
	options: FAST_POLLING,
	...extra,
});

const sim = useSimulator({
	pendingMs: 50,
	processingMs: 250,
	apiKeys: ['sk-test', 'sk-broke', 'sk-blocked', 'sk-spent'],
	keyStates: {
		'sk-broke': 'insufficient_balance',
		'sk-blocked': 'ip_not_allowed',
		'sk-spent': 'api_key_spend_limit_exceeded',
	},
});

describe('every documented API error becomes a clear NodeApiError', () => {
	test.each([
		['sk-wrong', '401', 'Runbase rejected the API key', /paste a valid key/],
		['sk-broke', '402', 'Your Runbase balance is too low to start this run', /Top up your balance at https:\/\/runbase\.net/],
		['sk-blocked', '403', "Runbase refused this API key from this server's IP address", /allow list/],
		['sk-spent', '403', 'This Runbase API key has reached its spend limit', /Raise the key's spend limit/],
	])('key %s gives HTTP %s', async (apiKey, httpCode, message, description) => {
		const { error, items } = await runWorkflow({
			parameters: generate(),
			credentials: { apiKey, baseUrl: sim.apiBaseUrl },
		});
		expect(items).toHaveLength(0);
		expect(error).toMatchObject({ message, httpCode });
		expect(error?.description).toMatch(description);
		expect(sim.stats().runsCreated).toBe(0);
	});

	test('400 from the API names the server reason', async () => {
		sim.configure({ forceError: { status: 400, code: 'invalid_input', message: 'image_urls[0] could not be downloaded' } });
		const { error } = await runWorkflow({
			parameters: generate(),
			credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		});
		expect(error).toMatchObject({ message: 'Runbase rejected the request as invalid (invalid_input)', httpCode: '400' });
		expect(error?.description).toContain('Runbase said: "image_urls[0] could not be downloaded"');
	});

	test('429 that never ends is retried until the Timeout, then says no run was started', async () => {
		sim.configure({ burst429: { count: 100, on: 'create', retryAfter: true, retryAfterSeconds: 0 } });
		const { error } = await runWorkflow({
			parameters: generate({ options: { ...FAST_POLLING, timeout: 3 } }),
			credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		});
		expect(error?.message).toBe('The run could not be started before the Timeout');
		expect(error?.description).toContain('No run was started and nothing was charged.');
		expect(sim.stats().creates).toBeGreaterThan(1);
		expect(sim.stats().runsCreated).toBe(0);
	});

	test('403 without ip_not_allowed is not called an IP restriction', async () => {
		sim.configure({ forceError: { status: 403, on: 'create', code: 'forbidden_by_proxy', message: 'Blocked' } });
		const { error } = await runWorkflow({
			parameters: generate(),
			credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		});
		expect(error).toMatchObject({ message: 'Access to Runbase was refused (403 forbidden_by_proxy)', httpCode: '403' });
		expect(error?.description).toContain('No run was started and nothing was charged.');
	});

	test('500 on create is not re-sent and says a run may have started', async () => {
		sim.configure({ forceError: { status: 500, afterCreate: true } });
		const { error } = await runWorkflow({
			parameters: generate(),
			credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		});
		expect(error).toMatchObject({ message: 'Runbase had a server error (HTTP 500)', httpCode: '500' });
		expect(error?.description).toContain('A run may have started and been charged. It was not sent again');
		expect(sim.stats().creates).toBe(1);
	});

	test('500 on a poll is retried until the Timeout; a poll that keeps failing names the run', async () => {
		sim.configure({ forceError: { status: 503, on: 'poll', count: 2 } });
		const recovered = await runWorkflow({
			parameters: generate(),
			credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		});
		expect(recovered.error).toBeUndefined();
		expect(recovered.items[0].json.status).toBe('succeeded');

		sim.reset();
		sim.configure({ forceError: { status: 500, on: 'poll', count: 100 } });
		const failed = await runWorkflow({
			parameters: generate({ options: { ...FAST_POLLING, timeout: 3 } }),
			credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		});
		const runId = [...sim.runs.keys()][0];
		expect(failed.error?.message).toBe(`Run ${runId} did not finish within 3 seconds`);
		expect(failed.error?.description).toContain('The last status check failed: Runbase answered HTTP 500.');
		expect(failed.error?.description).toContain(`collect it later with the Get Run operation and run ID ${runId}`);
		expect(failed.error?.context?.runId).toBe(runId);
		expect(sim.stats().creates).toBe(1);
	});
});

test('a run that ends failed reports the reason (object and string shapes) and the run id', async () => {
	for (const shape of ['object', 'string'] as const) {
		sim.configure({ failPromptsMatching: /forbidden/, failErrorShape: shape });
		const { error } = await runWorkflow({
			parameters: generate({ prompt: 'Something forbidden' }),
			credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		});
		const runId = [...sim.runs.keys()].pop() as string;
		expect(error?.message).toMatch(/^Runbase could not generate the image: .+/);
		expect(error?.description).toContain(`Run ${runId} ended as failed`);
		expect(error?.context?.runId).toBe(runId);
		sim.reset();
	}
});

test('a timeout reports the run id and how to collect it with Get Run', async () => {
	sim.configure({ processingMs: 10_000 });
	const { error } = await runWorkflow({
		parameters: generate({ options: { ...FAST_POLLING, timeout: 1 } }),
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
	});
	const runId = [...sim.runs.keys()][0];
	expect(error?.message).toBe(`Run ${runId} did not finish within 1 second`);
	expect(error?.description).toContain(`Get Run operation and run ID ${runId}`);
	expect(error?.context?.runId).toBe(runId);
	expect(sim.stats().creates).toBe(1);
});

test('cancelling the execution stops polling at once', async () => {
	sim.configure({ processingMs: 30_000 });
	const started = Date.now();
	const result = await runWorkflow({
		items: [{ prompt: 'one' }, { prompt: 'two' }, { prompt: 'three' }],
		parameters: generate({ prompt: '={{ $json.prompt }}', options: { firstCheck: 0.2, pollInterval: 0.2 } }),
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		cancelAfterMs: 800,
	});
	expect(Date.now() - started).toBeLessThan(5000);
	expect(result.items).toHaveLength(0);
	const pollsAtCancel = sim.stats().polls;
	await new Promise((resolve) => setTimeout(resolve, 1000));
	expect(sim.stats().polls).toBe(pollsAtCancel);
});

test('Continue On Fail: failing items give error items, the others their images', async () => {
	sim.configure({ failPromptsMatching: /fails/ });
	const { items, error } = await runWorkflow({
		items: [{ prompt: 'good one' }, { prompt: '' }, { prompt: 'this fails' }, { prompt: 'good two' }],
		parameters: generate({ prompt: '={{ $json.prompt }}', returnAs: 'binary' }),
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		continueOnFail: true,
	});
	expect(error).toBeUndefined();
	expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	expect(items[0].binary?.data).toBeDefined();
	expect(items[3].binary?.data).toBeDefined();
	expect(items[1].json).toMatchObject({ error: 'The prompt is empty [item 1]' });
	expect(items[2].json).toMatchObject({
		error: expect.stringMatching(/^Runbase could not generate the image/),
		runId: expect.stringMatching(/^run_/),
		status: 'failed',
	});
	expect(sim.createsForPrompt('')).toBe(0);
});

test('Continue (using error output): failing items go to the error output with their run, the others to the main output', async () => {
	sim.configure({ failPromptsMatching: /fails/ });
	const { items, errorItems, error } = await runWorkflow({
		items: [{ prompt: 'good one' }, { prompt: '' }, { prompt: 'this fails' }, { prompt: 'good two' }],
		parameters: generate({ prompt: '={{ $json.prompt }}', returnAs: 'urls' }),
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		continueOnFail: 'errorOutput',
	});
	expect(error).toBeUndefined();
	expect(items.map((item) => [item.json.prompt, item.pairedItem])).toEqual([
		['good one', { item: 0 }],
		['good two', { item: 3 }],
	]);
	// n8n merges the input item's JSON into an error-output item; the node's part is error and details.
	expect(errorItems.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
	expect(errorItems[0].json).toMatchObject({ error: 'The prompt is empty [item 1]' });
	const failedRun = [...sim.runs.values()].find((run) => run.input.prompt === 'this fails')!;
	expect(errorItems[1].json).toMatchObject({
		prompt: 'this fails',
		error: expect.stringMatching(/^Runbase could not generate the image/),
		details: { runId: failedRun.id, status: 'failed', description: expect.stringContaining('refunds failed runs') },
	});
});

test('without Continue On Fail, a failing item stops the execution and names runs that finished', async () => {
	sim.configure({ failPromptsMatching: /fails/ });
	const { error } = await runWorkflow({
		items: [{ prompt: 'good one' }, { prompt: 'this fails' }],
		parameters: generate({ prompt: '={{ $json.prompt }}' }),
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
	});
	expect(error?.message).toMatch(/^Runbase could not generate the image/);
	const goodRun = [...sim.runs.values()].find((run) => run.input.prompt === 'good one');
	expect(error?.description).toContain(goodRun?.id);
});
