/**
 * Real n8n 2.41.1 executes workflows that use this package, installed from its
 * packed tarball the way users get it, against the Runbase simulator. The
 * assertions read n8n's own execution result.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startSimulator } from '../simulator';
import type { Simulator } from '../simulator';
import * as n8n from './n8n';
import type { ExecuteResult, N8nInstance } from './n8n';
import { packTarball, REPO_ROOT } from './packTarball';
import { imageSize } from './pngSize';

type Workflow = {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown>; credentials?: Record<string, { id: string; name: string }>; onError?: string }>;
	[key: string]: unknown;
};

const example = (file: string): Workflow =>
	JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8')) as Workflow;

const CREDENTIALS = [
	{ id: 'runbaseCred0001', name: 'Runbase account', key: 'sk-e2e' },
	{ id: 'runbaseBadKey01', name: 'Runbase wrong key', key: 'sk-wrong' },
	{ id: 'runbaseBroke001', name: 'Runbase empty balance', key: 'sk-broke' },
];

/** The demo workflow, changed by `edit`, under a new id. */
function variant(id: string, edit: (nanoBanana: Workflow['nodes'][number], workflow: Workflow) => void): Workflow {
	const workflow = example('demo.json');
	workflow.id = id;
	workflow.name = `e2e ${id}`;
	edit(workflow.nodes.find((node) => node.name === 'Nano Banana')!, workflow);
	return workflow;
}

function useCredential(node: Workflow['nodes'][number], index: number) {
	node.credentials = { runbaseApi: { id: CREDENTIALS[index].id, name: CREDENTIALS[index].name } };
}

const workflows = {
	binary: example('demo.json'),
	urls: variant('e2eUrlsOnly0001', (node) => (node.parameters.returnAs = 'urls')),
	badKey: variant('e2eBadKey000001', (node) => useCredential(node, 1)),
	broke: variant('e2eBroke0000001', (node) => useCredential(node, 2)),
	continueOnFail: variant('e2eContinue0001', (node, workflow) => {
		node.onError = 'continueRegularOutput';
		const prompts = workflow.nodes.find((candidate) => candidate.name === 'Prompts')!;
		prompts.parameters.jsCode =
			"return ['A good lamp', 'A forbidden lamp', 'Another good lamp'].map((prompt) => ({ json: { prompt, aspectRatio: '4:3', references: [] } }));";
	}),
	scheduled: example('scheduled-content.json'),
	crm: example('crm-product-image.json'),
	agent: example('ai-agent-tool.json'),
};

let sim: Simulator;
let instance: N8nInstance;
const outputDir = mkdtempSync(path.join(tmpdir(), 'runbase-e2e-files-'));

beforeAll(async () => {
	sim = await startSimulator({
		pendingMs: 100,
		processingMs: 1500,
		apiKeys: ['sk-e2e', 'sk-broke'],
		keyStates: { 'sk-broke': 'insufficient_balance' },
		failPromptsMatching: /forbidden/,
	});
	await n8n.ensureInstalled({ log: (line) => process.stderr.write(`[n8n] ${line}\n`) });
	instance = await n8n.createInstance({
		packageTarball: packTarball(),
		log: () => {},
		env: {
			RUNBASE_OUTPUT_DIR: outputDir,
			N8N_RESTRICT_FILE_ACCESS_TO: outputDir,
			N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false',
		},
	});
	await instance.importCredentials(
		CREDENTIALS.map(({ id, name, key }) => ({ id, name, type: 'runbaseApi', data: { apiKey: key, baseUrl: sim.apiBaseUrl } })),
	);
	await instance.importWorkflows(Object.values(workflows));
}, 1_200_000);

afterAll(async () => {
	await instance?.dispose();
	await sim?.close();
	rmSync(outputDir, { recursive: true, force: true });
});

function nanoBananaItems(run: ExecuteResult) {
	return run.result?.data?.resultData.runData['Nano Banana']?.[0]?.data?.main[0] ?? [];
}

test('the demo workflow produces three images as binary data with the right type and size', async () => {
	const run = await instance.execute(workflows.binary.id);
	expect(run.result?.status).toBe('success');
	const items = nanoBananaItems(run);
	expect(items.map((item) => item.json.aspectRatio)).toEqual(['16:9', '9:16', '1:1']);
	const sizes = items.map((item) => {
		const binary = item.binary!.data;
		expect(binary.mimeType).toBe('image/png');
		expect(binary.fileName).toBe(`${String(item.json.runId)}.png`);
		return imageSize(Buffer.from(binary.data, 'base64'));
	});
	expect(sizes).toEqual([
		{ width: 1344, height: 768 },
		{ width: 768, height: 1344 },
		{ width: 1024, height: 1024 },
	]);
	const withReference = sim.requests.find(
		(request) => request.kind === 'create' && JSON.stringify(request.body).includes('picsum.photos'),
	);
	expect(withReference).toBeDefined();
	const imageRequests = sim.requests.filter((request) => request.kind === 'download');
	expect(imageRequests.length).toBeGreaterThanOrEqual(3);
	expect(imageRequests.every((request) => request.headers.authorization === undefined)).toBe(true);
});

test('URL mode returns URLs and no binary data', async () => {
	const run = await instance.execute(workflows.urls.id);
	expect(run.result?.status).toBe('success');
	const items = nanoBananaItems(run);
	expect(items).toHaveLength(3);
	for (const item of items) {
		expect(item.binary).toBeUndefined();
		expect(item.json.urls).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/generated\//)]);
	}
});

test('an invalid key shows the credential error', async () => {
	const run = await instance.execute(workflows.badKey.id);
	expect(run.result?.status).toBe('error');
	expect(run.result?.data?.resultData.error?.message).toBe('Runbase rejected the API key');
	expect(run.result?.data?.resultData.error?.description).toContain('Open the Runbase API credential');
});

test('a 402 shows the balance message', async () => {
	const run = await instance.execute(workflows.broke.id);
	expect(run.result?.status).toBe('error');
	expect(run.result?.data?.resultData.error?.message).toBe('Your Runbase balance is too low to start this run');
	expect(run.result?.data?.resultData.error?.description).toContain('Top up your balance');
});

test('Continue On Fail keeps the good items', async () => {
	const run = await instance.execute(workflows.continueOnFail.id);
	expect(run.result?.status).toBe('success');
	const items = nanoBananaItems(run);
	expect(items.map((item) => item.json.status)).toEqual(['succeeded', 'failed', 'succeeded']);
	expect(items[1].json.error).toMatch(/^Runbase could not generate the image/);
	expect(items[1].json.runId).toMatch(/^run_/);
	expect(items[0].binary?.data.mimeType).toBe('image/png');
	expect(items[2].binary?.data.mimeType).toBe('image/png');
});

test('example: the scheduled content workflow writes its images to disk', async () => {
	const run = await instance.execute(workflows.scheduled.id);
	expect(run.result?.data?.resultData.error).toBeUndefined();
	expect(run.result?.status).toBe('success');
	expect(readdirSync(outputDir).sort()).toEqual(['post-1.png', 'post-2.png', 'post-3.png']);
	const size = imageSize(readFileSync(path.join(outputDir, 'post-1.png')));
	expect(size).toEqual({ width: 896, height: 1152 });
});

test('example: the CRM webhook answers with the generated image', async () => {
	await instance.publishWorkflow(workflows.crm.id);
	const server = await instance.startServer();
	try {
		await server.waitForWebhook('runbase-product-image', { method: 'POST' });
		const response = await fetch(server.webhookUrl('runbase-product-image'), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				contact: { company: 'Acme Bakery', industry: 'food' },
				product: { name: 'ceramic lamp', imageUrl: 'https://cdn.example.com/lamp.png' },
			}),
		});
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^image\/png/);
		const image = Buffer.from(await response.arrayBuffer());
		expect(imageSize(image)).toEqual({ width: 1184, height: 864 });
		const create = sim.requests.filter((request) => request.kind === 'create').pop();
		expect(create?.body).toMatchObject({
			input: { aspect_ratio: '4:3', image_urls: ['https://cdn.example.com/lamp.png'], prompt: expect.stringContaining('Acme Bakery') },
		});
	} finally {
		await server.stop();
	}
});

test('example: the AI agent workflow imports with Nano Banana as a tool', () => {
	// Running it needs a chat model (an OpenAI key); the import above proves n8n accepts it.
	const tool = workflows.agent.nodes.find((node) => node.name === 'Nano Banana');
	expect(tool?.type).toBe('n8n-nodes-runbase.nanoBananaTool');
});
