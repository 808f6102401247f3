/**
 * Paying once where n8n runs a workflow again, in real n8n 2.41.1:
 * - Retrying a failed execution from n8n's executions list (`POST /rest/executions/:id/retry`,
 *   as the editor's two Retry buttons send it): a webhook execution fails on its third item
 *   (still processing at the node's Timeout); once that run has finished, the retry delivers
 *   all three images with no second create for any item.
 * - A webhook delivered twice for one event, with a Deduplication Key: one create.
 */
import { burstWorkflow, webhookNode } from './burst';
import { startE2e } from './fixtures';
import type { E2eSetup, Workflow } from './fixtures';
import { N8nRest } from './harness/rest';

const PROMPTS = ['A quick red lamp', 'A quick green lamp', 'A slow blue lamp'];

const workflow: Workflow = {
	id: 'e2eRetryExec001',
	name: 'e2e retry a failed execution',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		webhookNode('e2eRetryExec001', 'runbase-retry-execution'),
		{
			id: 'e2eRetryExec001-prompts',
			name: 'Prompts',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [220, 0],
			// The call's tag makes each call's prompts its own.
			parameters: { jsCode: `return ${JSON.stringify(PROMPTS)}.map((prompt) => ({ json: { prompt: prompt + ' ' + $json.body.tag } }));` },
		},
		{
			id: 'e2eRetryExec001-nano',
			name: 'Nano Banana',
			type: 'n8n-nodes-runbase.nanoBanana',
			typeVersion: 1,
			position: [440, 0],
			parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', aspectRatio: '1:1', returnAs: 'urls', options: { timeout: 4 } },
			credentials: { runbaseApi: { id: 'runbaseCred0001', name: 'Runbase account' } },
		},
	] as unknown as Workflow['nodes'],
	connections: {
		Webhook: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
		Prompts: { main: [[{ node: 'Nano Banana', type: 'main', index: 0 }]] },
	},
};

/** Webhook → Nano Banana with the event's id as Deduplication Key; answers with the node's item. */
const deduplicated = burstWorkflow('e2eDedupe000001', 'runbase-dedupe');
deduplicated.nodes[1].parameters.options = { deduplicationKey: '={{ $json.body.eventId }}' };

let setup: E2eSetup;
let rest: N8nRest;

beforeAll(async () => {
	setup = await startE2e([workflow, deduplicated], {
		timing: ({ input }) => ({ pendingMs: 100, processingMs: input.prompt.includes('slow') ? 7_000 : 500 }),
	});
	for (const { id } of [workflow, deduplicated]) await setup.instance.publishWorkflow(id);
	rest = await N8nRest.start(setup.instance);
	for (const path of ['runbase-retry-execution', 'runbase-dedupe']) await rest.server!.waitForWebhook(path, { method: 'POST' });
}, 1_200_000);

afterAll(async () => {
	await rest?.stop();
	await setup?.dispose();
});

const until = async (check: () => Promise<boolean> | boolean, what: string) => {
	for (let tries = 0; tries < 120; tries++) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`gave up waiting for ${what}`);
};

async function failAndRetry(prompt: string, loadWorkflow: boolean) {
	const { sim } = setup;
	sim.reset();
	const answer = await fetch(rest.server!.webhookUrl('runbase-retry-execution'), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ tag: prompt }),
		signal: AbortSignal.timeout(60_000),
	});
	expect(answer.status).toBe(500);
	await until(() => sim.runs.size === 3 && [...sim.runs.values()].every((run) => run.status === 'succeeded'), 'the slow run to finish');
	const failed = await setup.instance.readExecution(workflow.id, { mode: 'webhook' });
	expect(failed.result?.status).toBe('error');
	const createsBefore = sim.stats().creates;

	await rest.call('POST', `/rest/executions/${failed.result?.id}/retry`, { loadWorkflow });
	let retried = await setup.instance.readExecution(workflow.id, { mode: 'retry' });
	await until(async () => {
		retried = await setup.instance.readExecution(workflow.id, { mode: 'retry' });
		return Boolean(retried.result?.stoppedAt) && retried.result?.id !== undefined && Number(retried.result.id) > Number(failed.result?.id);
	}, 'the retry to end');
	expect({ status: retried.result?.status, error: retried.result?.data?.resultData.error?.message }).toEqual({ status: 'success', error: undefined });
	expect(retried.items('Nano Banana').map((item) => item.json.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
	expect(sim.stats().creates).toBe(createsBefore);
	for (const run of sim.runs.values()) expect(sim.createsForPrompt(run.input.prompt)).toBe(1);
}

test('Retry with original workflow collects the runs of the failed execution: one create per item', async () => {
	await failAndRetry('original', false);
}, 180_000);

test('Retry with currently saved workflow does too', async () => {
	await failAndRetry('current', true);
}, 180_000);

test('a webhook delivered twice for one event pays once: the second delivery gets the same run, marked reused', async () => {
	setup.sim.reset();
	const deliver = async () => {
		const response = await fetch(rest.server!.webhookUrl('runbase-dedupe'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ eventId: 'deal-42-won', prompt: 'A trophy for deal 42' }),
			signal: AbortSignal.timeout(60_000),
		});
		return (await response.json()) as Record<string, unknown>;
	};
	const first = await deliver();
	const second = await deliver();
	expect(setup.sim.createsForPrompt('A trophy for deal 42')).toBe(1);
	expect(first).toMatchObject({ status: 'succeeded' });
	expect(first.reused).toBeUndefined();
	expect(second).toMatchObject({ status: 'succeeded', runId: first.runId, urls: first.urls, reused: true });
}, 120_000);
