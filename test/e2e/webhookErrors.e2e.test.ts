/**
 * What a Webhook caller with "Respond: When Last Node Finishes" learns when one
 * of its items fails, in one real n8n process. Three prompts in one call; the middle one's
 * run is still processing when the node's Timeout ends.
 *
 * - On Error: Stop (n8n's default): n8n itself answers every failed execution with a fixed
 *   500 `{"message": "Error in workflow"}` (webhook-helpers.js); no node can change that text.
 * - On Error: Continue, the workaround the README gives: the caller gets all three items,
 *   the two images and an error item that names the unfinished run, its status and how to
 *   collect it, so no paid run is lost to the caller.
 * - The other workaround, On Error: Continue (using error output) with a Respond to Webhook
 *   node on the error branch: a one-prompt call answered 502 with the node's error and run.
 */
import { webhookNode } from './burst';
import { startE2e } from './fixtures';
import type { E2eSetup, Workflow } from './fixtures';
import type { N8nServer } from './n8n';

const SLOW = 'slow';
const promptsFor = (tag: string) => [`A quick teal ${tag} lamp`, `A ${SLOW} amber ${tag} lamp`, `A quick violet ${tag} lamp`];
const TIMEOUT_S = 12;

/** Webhook (When Last Node Finishes, all entries) → Code (one item per prompt) → Nano Banana. */
function errorWorkflow(id: string, webhookPath: string, onError?: string): Workflow {
	return {
		id,
		name: `e2e webhook errors ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			webhookNode(id, webhookPath, { responseMode: 'lastNode', responseData: 'allEntries' }),
			{
				id: `${id}-split`,
				name: 'Prompts',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [220, 0],
				parameters: { jsCode: 'return $json.body.prompts.map((prompt) => ({ json: { prompt } }));' },
			},
			{
				id: `${id}-nano`,
				name: 'Nano Banana',
				type: 'n8n-nodes-runbase.nanoBanana',
				typeVersion: 1,
				position: [440, 0],
				...(onError ? { onError } : {}),
				parameters: {
					operation: 'generate',
					prompt: '={{ $json.prompt }}',
					aspectRatio: '1:1',
					returnAs: 'urls',
					options: { timeout: TIMEOUT_S },
				},
				credentials: { runbaseApi: { id: 'runbaseCred0001', name: 'Runbase account' } },
			},
		] as unknown as Workflow['nodes'],
		connections: {
			Webhook: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: 'Nano Banana', type: 'main', index: 0 }]] },
		},
	};
}

/** The same, answered by Respond to Webhook nodes: the images from the main output, the error from the error output. */
function errorOutputWorkflow(id: string, webhookPath: string): Workflow {
	const workflow = errorWorkflow(id, webhookPath, 'continueErrorOutput');
	workflow.nodes[0] = webhookNode(id, webhookPath, { responseMode: 'responseNode' });
	const respond = (name: string, y: number, parameters: Record<string, unknown>) => ({
		id: `${id}-${y}`,
		name,
		type: 'n8n-nodes-base.respondToWebhook',
		typeVersion: 1.1,
		position: [660, y],
		parameters,
	});
	workflow.nodes.push(
		respond('Respond with the images', 0, { respondWith: 'allIncomingItems', options: {} }),
		respond('Respond with the error', 200, {
			respondWith: 'json',
			responseBody:
				'={{ JSON.stringify({ error: $json.error, runId: $json.details.runId, status: $json.details.status, description: $json.details.description }) }}',
			options: { responseCode: 502 },
		}) as unknown as Workflow['nodes'][number],
	);
	(workflow.connections as Record<string, unknown>)['Nano Banana'] = {
		main: [[{ node: 'Respond with the images', type: 'main', index: 0 }], [{ node: 'Respond with the error', type: 'main', index: 0 }]],
	};
	return workflow;
}

const workflows = {
	stop: errorWorkflow('e2eWebhookStop1', 'runbase-errors-stop'),
	continue: errorWorkflow('e2eWebhookCont1', 'runbase-errors-continue', 'continueRegularOutput'),
	errorOutput: errorOutputWorkflow('e2eWebhookErrOut', 'runbase-errors-output'),
};

let setup: E2eSetup | undefined;
let server: N8nServer | undefined;

beforeAll(async () => {
	setup = await startE2e(Object.values(workflows), {
		timing: ({ input }) => (input.prompt.includes(SLOW) ? { pendingMs: 200, processingMs: 600_000 } : { pendingMs: 200, processingMs: 2000 }),
	});
	for (const workflow of Object.values(workflows)) await setup.instance.publishWorkflow(workflow.id);
	server = await setup.instance.startServer();
	for (const workflow of Object.values(workflows)) {
		const { path: webhookPath } = workflow.nodes[0].parameters as { path: string };
		await server.waitForWebhook(webhookPath, { method: 'POST' });
	}
}, 1_200_000);

afterAll(async () => {
	await server?.stop();
	await setup?.dispose();
});

async function call(workflow: Workflow, prompts: string[]): Promise<{ status: number; body: unknown }> {
	const { path: webhookPath } = workflow.nodes[0].parameters as { path: string };
	const response = await fetch(server!.webhookUrl(webhookPath), {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ prompts }),
		signal: AbortSignal.timeout(120_000),
	});
	const text = await response.text();
	try {
		return { status: response.status, body: JSON.parse(text) as unknown };
	} catch {
		return { status: response.status, body: text };
	}
}

const runFor = (prompt: string) => [...setup!.sim.runs.values()].find((run) => run.input.prompt === prompt);

test("On Error: Stop: n8n answers the caller with its own fixed 500, whatever the node's error says", async () => {
	const prompts = promptsFor('stop');
	const answer = await call(workflows.stop, prompts);
	expect(answer).toEqual({ status: 500, body: { message: 'Error in workflow' } });
	for (const prompt of prompts) expect(setup!.sim.createsForPrompt(prompt)).toBe(1);
}, 120_000);

test('On Error: Continue: the caller gets both images and an error item naming the unfinished run', async () => {
	const prompts = promptsFor('continue');
	const answer = await call(workflows.continue, prompts);
	expect(answer.status).toBe(200);
	const items = answer.body as Array<Record<string, unknown>>;
	expect(items.map((item) => item.status)).toEqual(['succeeded', 'processing', 'succeeded']);
	for (const index of [0, 2]) {
		expect(items[index]).toMatchObject({ prompt: prompts[index], runId: runFor(prompts[index])?.id, urls: [expect.stringContaining('/files/generated/run_')] });
	}
	const slowRun = runFor(prompts[1])!;
	expect(items[1]).toMatchObject({
		runId: slowRun.id,
		error: `Run ${slowRun.id} did not finish within ${TIMEOUT_S} seconds`,
		description: expect.stringContaining(`collect it later with the Get Run operation and run ID ${slowRun.id}`),
	});
	// One run per prompt: nothing created twice, nothing the caller cannot collect.
	for (const prompt of prompts) expect(setup!.sim.createsForPrompt(prompt)).toBe(1);
}, 120_000);

test('Continue (using error output) with Respond to Webhook: the caller gets the error and the run to collect', async () => {
	const prompt = promptsFor('error-output')[1];
	const answer = await call(workflows.errorOutput, [prompt]);
	const run = runFor(prompt)!;
	expect(answer).toMatchObject({
		status: 502,
		body: {
			error: `Run ${run.id} did not finish within ${TIMEOUT_S} seconds`,
			runId: run.id,
			status: 'processing',
			description: expect.stringContaining(`collect it later with the Get Run operation and run ID ${run.id}`),
		},
	});
	expect(setup!.sim.createsForPrompt(prompt)).toBe(1);
}, 120_000);
