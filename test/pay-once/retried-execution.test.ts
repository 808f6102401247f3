/**
 * Retrying a failed execution from n8n's executions list runs the node again, in a new
 * execution (mode `retry`), with the workflow's static data as n8n saved it after the
 * failure. Items whose input is unchanged collect the runs the failed execution started;
 * a changed item, and a new execution with the same prompts, make new images.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from '../helpers/engine';
import { useSimulator } from '../helpers/useSimulator';

const sim = useSimulator({ pendingMs: 20, processingMs: 200 });

const parameters = { prompt: '={{ $json.prompt }}', returnAs: 'urls', options: { firstCheck: 0.2, pollInterval: 0.2, timeout: 3, requestsPerWindow: 1000 } };
const run = async (prompts: string[], mode: 'webhook' | 'retry', staticData?: IDataObject, shareProcessState = false) =>
	await runWorkflow({
		items: prompts.map((prompt) => ({ prompt })),
		parameters,
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		mode,
		staticData,
		shareProcessState,
	});

/**
 * A webhook execution whose third item's run is still processing at the Timeout: the node
 * fails. Returns once that run has finished too, as it has when a user retries later.
 */
async function failedExecution(prompts: string[], shareProcessState = false) {
	sim.configure({ timing: (simRun) => ({ pendingMs: 20, processingMs: simRun.input.prompt === prompts[2] ? 4_000 : 200 }) });
	const failed = await run(prompts, 'webhook', undefined, shareProcessState);
	expect(failed.error?.message).toMatch(/did not finish within 3 seconds/);
	sim.configure({ timing: null });
	const slow = [...sim.runs.values()].find((simRun) => simRun.input.prompt === prompts[2]);
	while (slow?.status !== 'succeeded') await new Promise((resolve) => setTimeout(resolve, 100));
	return failed;
}

test('the retry collects every run the failed execution started, and pays for nothing again', async () => {
	const prompts = ['A red lamp', 'A green lamp', 'A slow lamp'];
	const failed = await failedExecution(prompts);
	const retried = await run(prompts, 'retry', failed.staticData);
	expect(retried.error).toBeUndefined();
	expect(retried.items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
	for (const prompt of prompts) expect([prompt, sim.createsForPrompt(prompt)]).toEqual([prompt, 1]);
	// Delivered: nothing is left for another retry.
	expect(JSON.stringify(retried.staticData)).not.toContain('run_');
});

test('a changed item is new work in a retry; a new execution with the same prompts makes new images', async () => {
	const prompts = ['A blue vase', 'A teal vase', 'A slow vase'];
	const failed = await failedExecution(prompts);
	const retried = await run([prompts[0], 'A changed vase', prompts[2]], 'retry', failed.staticData);
	expect(retried.error).toBeUndefined();
	expect(sim.createsForPrompt(prompts[0])).toBe(1);
	expect(sim.createsForPrompt('A changed vase')).toBe(1);
	const again = await run(prompts.slice(0, 2), 'webhook', failed.staticData);
	expect(again.error).toBeUndefined();
	expect(sim.createsForPrompt(prompts[0])).toBe(2);
	expect(sim.createsForPrompt(prompts[1])).toBe(2);
});

test('"Retry with original workflow" gets the static data of before the failure: the same n8n process still remembers', async () => {
	const prompts = ['A pink cup', 'A grey cup', 'A slow cup'];
	await failedExecution(prompts, true);
	const retried = await run(prompts, 'retry', {}, true);
	expect(retried.error).toBeUndefined();
	for (const prompt of prompts) expect([prompt, sim.createsForPrompt(prompt)]).toEqual([prompt, 1]);
});
