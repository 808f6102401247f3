/**
 * Once the execution will fail, nothing more is paid for: creates still waiting for the
 * key's budget are withdrawn, and the runs already started are named. A cancelled
 * execution logs the runs it started, so the user can collect them.
 */
import { runWorkflow } from '../helpers/engine';
import { useSimulator } from '../helpers/useSimulator';

const sim = useSimulator({ pendingMs: 20, processingMs: 300 });

// The logger n8n hands nodes (`this.logger`), from n8n-core's own container.
const fromCore = (name: string) => require(require.resolve(name, { paths: [require.resolve('n8n-core')] }));
const logger = () => fromCore('@n8n/di').Container.get(fromCore('@n8n/backend-common').Logger) as { warn: (message: string) => void };

const items = (count: number) => Array.from({ length: count }, (_, index) => ({ prompt: `Prompt ${index}` }));
const parameters = (options: Record<string, unknown>) => ({
	prompt: '={{ $json.prompt }}',
	returnAs: 'urls',
	options: { firstCheck: 0.2, pollInterval: 0.2, concurrency: 6, ...options },
});

test('a failed item withdraws the creates still waiting for the budget', async () => {
	sim.configure({ forceError: { count: 1, on: 'create', status: 400, code: 'invalid_input', message: 'bad prompt' } });
	const result = await runWorkflow({
		items: items(6),
		parameters: parameters({ requestsPerWindow: 2 }),
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
	});
	expect(result.error?.message).toBe('Runbase rejected the request as invalid (invalid_input)');
	// At most two requests fit the key's window at once; the others waited, and never went out.
	expect(sim.stats().creates).toBeLessThanOrEqual(2);
	for (const run of sim.runs.values()) expect(result.error?.description).toContain(`${run.id} (item `);
});

test('a failed item ends the download of another item\'s image, and names that run', async () => {
	sim.configure({
		timing: (run) => ({ pendingMs: 20, processingMs: run.input.prompt === 'Prompt 1' ? 1000 : 20 }),
		failPromptsMatching: /Prompt 1/,
		stall: { count: 1, on: 'download', ms: 20_000 },
	});
	const result = await runWorkflow({
		items: items(2),
		parameters: { ...parameters({}), returnAs: 'binary' },
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
	});
	const [delivered] = [...sim.runs.values()].sort((a, b) => a.input.prompt.localeCompare(b.input.prompt));
	expect(result.error?.message).toBe('Runbase could not generate the image: The model could not generate an image for this prompt');
	expect(result.error?.description).toContain(`${delivered.id} (item 0, succeeded)`);
	// The stalled download was given up when the execution failed, not waited out.
	const [download] = sim.requests.filter((request) => request.kind === 'download');
	// The simulator hears the connection close a moment after the node has let go of it.
	for (let tries = 0; download.status === null && tries < 40; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
	expect(download).toMatchObject({ runId: delivered.id, aborted: true });
});

test('a cancelled execution logs every run it started, for the user to collect', async () => {
	sim.configure({ timing: () => ({ pendingMs: 20, processingMs: 60_000 }) });
	const warn = jest.spyOn(logger(), 'warn');
	try {
		const result = await runWorkflow({
			items: items(3),
			parameters: parameters({}),
			credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
			cancelAfterMs: 800,
		});
		expect(result.items).toEqual([]);
		const runIds = [...sim.runs.keys()];
		expect(runIds).toHaveLength(3);
		// The node winds down right after n8n has ended the execution: wait for its log line.
		const cancelledLine = () => warn.mock.calls.map(([message]) => String(message)).find((message) => message.includes('the execution was cancelled'));
		for (let tries = 0; !cancelledLine() && tries < 40; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
		const logged = cancelledLine();
		for (const runId of runIds) expect(logged).toContain(runId);
		expect(logged).toContain('collect them with the Get Run operation');
	} finally {
		warn.mockRestore();
	}
});
