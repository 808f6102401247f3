/**
 * Nano Banana executed as an AI agent's tool in real n8n. The agent of
 * examples/ai-agent-tool.json (AI Agent + OpenAI Chat Model + the Nano Banana tool) runs
 * with `n8n execute`: a Manual Trigger and a Code node stand in for the Chat Trigger and
 * give it the chat message. The chat model's credential points at a scripted
 * OpenAI-compatible server (harness/fakeOpenAi.js): its first answer calls the tool with a
 * prompt of its choosing, its second answer reads the tool result. Runbase is the simulator.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import { startSimulator } from '../simulator';
import type { Simulator } from '../simulator';
import { example } from './fixtures';
import type { Workflow, WorkflowNode } from './fixtures';
import { FakeOpenAi } from './harness/fakeOpenAi';
import type { ChatRequest } from './harness/fakeOpenAi';
import * as n8n from './n8n';
import type { ExecutionRun, N8nInstance } from './n8n';
import { packTarball } from './packTarball';

/** What the model hands to the tool in each case; the prompt tells the runs apart. */
const CHOICES = {
	urls: { prompt: 'A watercolor banana on a blue ceramic plate, soft studio light', aspectRatio: '4:3' },
	binary: { prompt: 'A paper-cut banana rocket over a night city, deep blue tones', aspectRatio: '16:9' },
};
const TOOL_RESULT_LIMIT = 4096; // bytes: a short text, not an image
const CHAT_MESSAGE = 'Make me a picture of a banana for our blog';

type Mode = keyof typeof CHOICES;
const IDS: Record<Mode, { workflow: string; credential: string }> = {
	urls: { workflow: 'e2eAgentUrls001', credential: 'e2eOpenAiUrls01' },
	binary: { workflow: 'e2eAgentBinary1', credential: 'e2eOpenAiBin001' },
};
type ToolRun = {
	executionStatus: string;
	inputOverride?: { ai_tool: Array<Array<{ json: Record<string, unknown> }>> };
	data: { ai_tool: Array<Array<{ json: { response: Array<Record<string, unknown>> } }>> };
};

const toolExample = example('ai-agent-tool.json');
const exampleTool = toolExample.nodes.find((node) => node.name === 'Nano Banana')!;

/** The scripted model: call the tool, then answer with what the tool returned. */
function modelScript(mode: Mode) {
	return [
		(request: ChatRequest) => {
			const tool = request.tools?.find((entry) => entry.function.name === 'Nano_Banana');
			if (!tool) return { content: 'I have no Nano_Banana tool.' };
			return { toolCalls: [{ name: tool.function.name, arguments: CHOICES[mode] }] };
		},
		(request: ChatRequest) => {
			try {
				const [result] = JSON.parse(FakeOpenAi.toolResults(request)[0]) as Array<{ runId: string; urls: string[] }>;
				return { content: `Here is your image: ${result.urls[0]} (Runbase run ${result.runId})` };
			} catch {
				return { content: 'I could not read the tool result.' };
			}
		},
	];
}

/** examples/ai-agent-tool.json with a Manual Trigger and a Code node instead of the Chat Trigger. */
function agentWorkflow(id: string, mode: Mode, openAiCredential: { id: string; name: string }): Workflow {
	const workflow = example('ai-agent-tool.json');
	workflow.id = id;
	workflow.name = `e2e agent tool, ${mode}`;
	const start = {
		id: `${id}-start`,
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [-440, 0],
		parameters: {},
	} as WorkflowNode;
	const chatInput = {
		id: `${id}-chat`,
		name: 'Chat message',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [-220, 0],
		parameters: { jsCode: `return [{ json: { chatInput: ${JSON.stringify(CHAT_MESSAGE)}, sessionId: 'e2e-session' } }];` },
	} as WorkflowNode;
	workflow.nodes = [start, chatInput, ...workflow.nodes.filter((node) => node.name !== 'When chat message received')];
	workflow.nodes.find((node) => node.name === 'OpenAI Chat Model')!.credentials = { openAiApi: openAiCredential };
	workflow.nodes.find((node) => node.name === 'Nano Banana')!.parameters.returnAs = mode === 'urls' ? 'urls' : 'binary';
	const connections = workflow.connections as Record<string, unknown>;
	delete connections['When chat message received'];
	connections.Start = { main: [[{ node: 'Chat message', type: 'main', index: 0 }]] };
	connections['Chat message'] = { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] };
	return workflow;
}

let sim: Simulator;
let instance: N8nInstance | undefined;
let tarball: string | undefined;
const models: Partial<Record<Mode, FakeOpenAi>> = {};
const workflows: Partial<Record<Mode, Workflow>> = {};

beforeAll(async () => {
	sim = await startSimulator({ apiKeys: ['sk-e2e'], pendingMs: 100, processingMs: 1500, imageMode: 'realistic' });
	await n8n.ensureInstalled({ log: (line) => process.stderr.write(`[n8n] ${line}\n`) });
	tarball = packTarball();
	instance = await n8n.createInstance({ packageTarball: tarball, log: () => {} });
	const credentials: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }> = [
		{ id: 'runbaseCred0001', name: 'Runbase account', type: 'runbaseApi', data: { apiKey: 'sk-e2e', baseUrl: sim.apiBaseUrl } },
	];
	for (const mode of Object.keys(CHOICES) as Mode[]) {
		const model = await FakeOpenAi.start(modelScript(mode));
		models[mode] = model;
		const credential = { id: IDS[mode].credential, name: `Scripted model (${mode})` };
		credentials.push({ ...credential, type: 'openAiApi', data: { apiKey: 'sk-fake-openai', url: model.baseUrl } });
		workflows[mode] = agentWorkflow(IDS[mode].workflow, mode, credential);
	}
	await instance.importCredentials(credentials);
	await instance.importWorkflows(Object.values(workflows));
}, 1_200_000);

afterAll(async () => {
	await instance?.dispose();
	for (const model of Object.values(models)) await model.close();
	await sim?.close();
	if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
});

/** Runs the agent and checks what every agent run must show; returns what the model received. */
async function runAgent(mode: Mode) {
	const model = models[mode]!;
	const run: ExecutionRun = await instance!.execute(workflows[mode]!.id);
	expect(run.failure).toBeNull();
	expect(run.result?.status).toBe('success');
	expect(model.errors).toEqual([]);
	expect(model.requests).toHaveLength(2);

	// The model was offered the tool with the example's description and the two $fromAI parameters.
	const offered = model.requests[0].tools ?? [];
	expect(offered.map((tool) => tool.function.name)).toEqual(['Nano_Banana']);
	expect(offered[0].function.description).toBe(exampleTool.parameters.toolDescription);
	expect(offered[0].function.parameters).toMatchObject({
		type: 'object',
		properties: { prompt: { type: 'string' }, aspectRatio: { type: 'string' } },
		required: ['prompt', 'aspectRatio'],
	});
	expect(model.requests[0].messages.at(-1)).toEqual({ role: 'user', content: CHAT_MESSAGE });

	// The node ran as the tool, with the arguments the model chose, and started one run with them.
	const toolRuns = run.result!.data!.resultData.runData['Nano Banana'] as unknown as ToolRun[];
	expect(toolRuns).toHaveLength(1);
	expect(toolRuns[0].executionStatus).toBe('success');
	expect(toolRuns[0].inputOverride?.ai_tool[0][0].json).toEqual(CHOICES[mode]);
	const creates = sim.requests.filter(
		(request) => request.kind === 'create' && (request.body as { input?: { prompt?: string } }).input?.prompt === CHOICES[mode].prompt,
	);
	expect(creates).toHaveLength(1);
	expect(creates[0].body).toEqual({
		model: 'google/nano-banana',
		input: { prompt: CHOICES[mode].prompt, aspect_ratio: CHOICES[mode].aspectRatio },
	});
	const runId = creates[0].runId!;
	const imageUrl = `${sim.imageBaseUrl}/files/generated/${runId}-0.png`;

	// What the model received: one tool message, a short JSON text with the run ID and the image URL.
	const second = model.requests[1];
	const toolMessages = second.messages.filter((message) => message.role === 'tool');
	expect(toolMessages).toHaveLength(1);
	expect(toolMessages[0].tool_call_id).toBe('call_fake_1_1');
	const [received] = FakeOpenAi.toolResults(second);
	const bytes = Buffer.byteLength(received);
	process.stderr.write(`[e2e] agent tool, Return As ${mode}: the model received ${bytes} bytes: ${received}\n`);
	expect(bytes).toBeLessThan(TOOL_RESULT_LIMIT);
	const parsed = JSON.parse(received) as Array<Record<string, unknown>>;
	expect(parsed).toHaveLength(1);
	expect(parsed[0]).toMatchObject({
		runId,
		status: 'succeeded',
		prompt: CHOICES[mode].prompt,
		aspectRatio: CHOICES[mode].aspectRatio,
		urls: [imageUrl],
	});

	// The agent's answer is built from that result.
	expect(run.items('AI Agent')[0].json.output).toBe(`Here is your image: ${imageUrl} (Runbase run ${runId})`);
	return { run, received, parsed: parsed[0], runId };
}

test('the agent calls Nano Banana (Return As: Image URLs, as in the example) and gets the image URL and run ID', async () => {
	const { parsed, runId } = await runAgent('urls');
	expect(sim.requests.some((request) => request.kind === 'download' && request.runId === runId)).toBe(false);
	expect(parsed).not.toHaveProperty('bytes');
});

test('with Return As: Binary Image the model still gets only the short text: n8n leaves the image out', async () => {
	const { run, received, parsed, runId } = await runAgent('binary');
	// The node downloaded the ~2 MB image, but none of it reaches the model.
	const download = sim.requests.find((request) => request.kind === 'download' && request.runId === runId);
	expect(download?.bytes).toBeGreaterThan(1_000_000);
	expect(parsed).toMatchObject({ width: 1344, height: 768, bytes: download?.bytes });
	expect(received).not.toMatch(/iVBORw0KGgo|"binary"|"data":/); // no PNG base64, no binary field
	expect(run.logs.some((line) => line.includes('included binary data, which is not supported in Agents'))).toBe(true);
});
