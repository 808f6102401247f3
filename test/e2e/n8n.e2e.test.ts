/**
 * Real n8n 2.41.1 executes workflows that use this package, installed from its
 * packed tarball the way users get it, against the Runbase simulator. The
 * assertions read n8n's own saved execution and the image files it points to
 * (instance.execute: see harness/executionResult.js). The checks every n8n line
 * must pass (demo workflow, bad key, Continue On Fail, the credential test through
 * n8n's REST API) live in lineSuite.ts and run on 2.x and 1.x; these are the rest.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { example, setPrompts, startE2e, useCredential, variant } from './fixtures';
import type { E2eSetup } from './fixtures';
import { imageSize } from './pngSize';

const workflows = {
	urls: variant('e2eUrlsOnly0001', (node) => (node.parameters.returnAs = 'urls')),
	broke: variant('e2eBroke0000001', (node) => useCredential(node, 2)),
	unknownNode: variant('e2eUnknownNode1', (node) => (node.type = 'n8n-nodes-runbase.notANode')),
	slow: variant('e2eSlowRun00001', (_node, workflow) => setPrompts(workflow, [{ prompt: 'A slow lamp', aspectRatio: '1:1' }])),
	scheduled: example('scheduled-content.json'),
	crm: example('crm-product-image.json'),
	agent: example('ai-agent-tool.json'),
};

let setup: E2eSetup;
const outputDir = mkdtempSync(path.join(tmpdir(), 'runbase-e2e-files-'));

beforeAll(async () => {
	setup = await startE2e(
		Object.values(workflows),
		{
			pendingMs: 100,
			processingMs: 1500,
			failPromptsMatching: /forbidden/,
			timing: (run) => (/slow/.test(run.input.prompt) ? { processingMs: 600_000 } : {}),
		},
		{ RUNBASE_OUTPUT_DIR: outputDir, N8N_RESTRICT_FILE_ACCESS_TO: outputDir, N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false' },
	);
}, 1_200_000);

afterAll(async () => {
	await setup?.dispose();
	rmSync(outputDir, { recursive: true, force: true });
});

test('URL mode returns URLs and no binary data', async () => {
	const run = await setup.instance.execute(workflows.urls.id);
	expect(run.result?.status).toBe('success');
	const items = run.items('Nano Banana');
	expect(items).toHaveLength(3);
	for (const item of items) {
		expect(item.binary).toBeUndefined();
		expect(item.json.urls).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/generated\//)]);
	}
	expect(run.imagesOf('Nano Banana')).toEqual([]);
});

test('a 402 shows the balance message', async () => {
	const run = await setup.instance.execute(workflows.broke.id);
	expect(run.result?.status).toBe('error');
	expect(run.result?.data?.resultData.error?.message).toBe('Your Runbase balance is too low to start this run');
	expect(run.result?.data?.resultData.error?.description).toContain('Top up your balance');
});

test('n8n stopping before the run ends is reported as such, with its error, not as a missing result', async () => {
	const run = await setup.instance.execute(workflows.unknownNode.id);
	expect(run.status).toBe('unfinished');
	expect(run.failure?.kind).toBe('n8n-stopped');
	expect(run.failure?.message).toMatch(/^n8n exited with code 1 before execution \d+ finished/);
	expect(run.failure?.message).toContain('Unrecognized node type: n8n-nodes-runbase.notANode');
});

test('a run killed at the time limit is reported as unfinished, and no n8n process is left', async () => {
	const run = await setup.instance.execute(workflows.slow.id, { timeoutMs: 20_000 });
	expect(run.timedOut).toBe(true);
	expect(run.failure?.kind).toBe('n8n-stopped');
	expect(run.failure?.message).toMatch(/stopped by the harness after its time limit \(20 s\) before execution \d+ finished/);
	expect(setup.instance.running.size).toBe(0);
});

test('example: the scheduled content workflow writes its images to disk', async () => {
	const run = await setup.instance.execute(workflows.scheduled.id);
	expect(run.result?.data?.resultData.error).toBeUndefined();
	expect(run.result?.status).toBe('success');
	expect(readdirSync(outputDir).sort()).toEqual(['post-1.png', 'post-2.png', 'post-3.png']);
	const size = imageSize(readFileSync(path.join(outputDir, 'post-1.png')));
	expect(size).toEqual({ width: 896, height: 1152 });
});

test('example: the CRM webhook answers with the generated image', async () => {
	const { instance, sim } = setup;
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
	// The import above proves n8n accepts it; agentTool.e2e.test.ts runs it with a scripted local model.
	const tool = workflows.agent.nodes.find((node) => node.name === 'Nano Banana');
	expect(tool?.type).toBe('n8n-nodes-runbase.nanoBananaTool');
});
