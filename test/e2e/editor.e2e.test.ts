/**
 * Issue #12, part 3: the editor in a real browser. Headless Chromium (Debian's, installed
 * with apt-get when missing) drives real `n8n start` with this package installed from its
 * tarball, against the Runbase simulator: sign in, create a Runbase credential in the
 * dialog and see its test pass, then fail with a wrong key; open the demo workflow and
 * the Nano Banana panel and check its fields; run the workflow from the editor and see
 * the image in the output panel's binary view.
 *
 * Screenshots of every step go to .test-results/editor-screenshots/ (printed). With
 * RUNBASE_UPDATE_DOCS=1 the README's pictures in docs/ are refreshed from them.
 * The steps share one browser page and run in order: a failed step fails the ones after it.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { startSimulator } from '../simulator';
import type { Simulator } from '../simulator';
import { EditorPage } from './editorPage';
import { example } from './fixtures';
import { Browser } from './harness/browser';
import { N8nRest } from './harness/rest';
import * as n8n from './n8n';
import type { Item, N8nInstance } from './n8n';
import { packTarball, REPO_ROOT } from './packTarball';
import { imageSize } from './pngSize';
import { galleryHtml } from './screenshotGallery';

const SCREENSHOTS = path.join(REPO_ROOT, '.test-results', 'editor-screenshots');
const DOCS = path.join(REPO_ROOT, 'docs');
/** docs/<name> ← the screenshot of the step that makes it */
const DOCS_PICTURES: Record<string, string> = {
	'workflow.png': 'docs-workflow.png',
	'node.png': 'docs-node.png',
	'credential.png': 'docs-credential.png',
	'generated.png': 'docs-generated.png',
};
const GOOD_KEY = 'sk-e2e';
const WRONG_KEY = 'sk-wrong';
const SUCCESS_MESSAGE = 'Connection successful: Runbase accepted the API key.';
const GENERATE_LABELS = ['Operation', 'Model', 'Prompt', 'Aspect Ratio', 'Reference Images', 'Return As', 'Options'];
const OPTION_NAMES = [
	'Concurrency',
	'Download Timeout (Seconds)',
	'Expected Generation Time (Seconds)',
	'Max Image Size (MB)',
	'Poll Interval (Seconds)',
	'Put Output in Field',
	'Request Timeout (Seconds)',
	'Requests per 10 Seconds',
	'Timeout (Seconds)',
	'Wait for Completion',
];

/** Options the list offers only while Return As is Binary Image. */
const BINARY_ONLY_OPTIONS = ['Download Timeout (Seconds)', 'Max Image Size (MB)', 'Put Output in Field'];

let sim: Simulator;
let instance: N8nInstance | undefined;
let tarball: string | undefined;
let rest: N8nRest;
let browser: Browser | undefined;
let editor: EditorPage;
let workflowId = '';

beforeAll(async () => {
	rmSync(SCREENSHOTS, { recursive: true, force: true });
	sim = await startSimulator({ apiKeys: [GOOD_KEY], pendingMs: 100, processingMs: 1500 });
	await n8n.ensureInstalled({ log: (line) => process.stderr.write(`[n8n] ${line}\n`) });
	tarball = packTarball();
	instance = await n8n.createInstance({ packageTarball: tarball, log: () => {} });
	rest = await N8nRest.start(instance);
	browser = await Browser.launch({ screenshotDir: SCREENSHOTS });
	editor = new EditorPage(browser.page, rest.url);
	process.stderr.write(`[e2e] editor screenshots: ${SCREENSHOTS}\n`);
}, 1_200_000);

afterAll(async () => {
	const leftovers = browser ? (await browser.close(), browser.leftoverProcesses()) : [];
	await instance?.dispose();
	await sim?.close();
	if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
	if (browser) process.stderr.write(`[e2e] editor screenshots (${browser.shots.length}): ${SCREENSHOTS}\n`);
	if (browser?.blocked.length) process.stderr.write(`[e2e] requests to other hosts, aborted: ${browser.blocked.join(' ')}\n`);
	expect(leftovers).toEqual([]);
});

/** A test step: on failure, a screenshot of the page as it was goes next to the others. */
function step(name: string, body: () => Promise<void>) {
	test(name, async () => {
		try {
			await body();
		} catch (error) {
			const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
			await browser?.shot(`FAILED-${slug}`).catch(() => undefined);
			throw error;
		}
	});
}

const credentialProbes = (key: string) =>
	sim.requests.filter((request) => request.path.endsWith('/runs/run_n8n_credential_check') && request.key === key);

step('signs in through the sign-in form', async () => {
	await editor.signIn(rest.owner.email, rest.owner.password);
	await browser!.shot('01-signed-in');
});

step('a new Runbase credential passes the test in the credential dialog', async () => {
	const saved = await editor.createRunbaseCredential({ apiKey: GOOD_KEY, baseUrl: sim.apiBaseUrl });
	expect(saved).toEqual({ status: 'OK', message: SUCCESS_MESSAGE });
	await expect(editor.credentialVerdict().innerText()).resolves.toMatch(/^Connection tested successfully/);
	await browser!.shot('02-credential-tested');
	// The dialog's test button runs the same test again.
	await expect(editor.retestCredential()).resolves.toEqual({ status: 'OK', message: SUCCESS_MESSAGE });
	// Runbase (the simulator) answered both tests with its own 404 for the made-up run.
	expect(credentialProbes(GOOD_KEY).map((request) => request.status)).toEqual([404, 404]);
	await editor.closeCredentialDialog();
});

step('a wrong key fails the test with the node\'s message', async () => {
	const failed = await editor.createRunbaseCredential({ apiKey: WRONG_KEY, baseUrl: sim.apiBaseUrl });
	expect(failed.status).toBe('Error');
	expect(failed.message).toMatch(/^Runbase rejected this API key \(401\)\. /);
	await expect(editor.credentialVerdict().innerText()).resolves.toMatch(/^Couldn.t connect with these settings/);
	await editor.showCredentialDetails();
	await expect(editor.credentialDialog().innerText()).resolves.toContain(failed.message);
	await editor.dismissToasts();
	await browser!.shot('03-credential-wrong-key');
	await browser!.shot('docs-credential', { clip: (await editor.credentialDialog().boundingBox())! });
	expect(credentialProbes(WRONG_KEY).map((request) => request.status)).toEqual([401]);
	await editor.closeCredentialDialog();
});

step('the demo workflow opens, and the Nano Banana panel shows its fields', async () => {
	// The demo, with its node pointed at the credential made in the dialog.
	const credentials = (await rest.call('GET', '/rest/credentials')) as Array<{ id: string; name: string }>;
	const credential = credentials.find((entry) => entry.name === 'Runbase account')!;
	expect(credential).toBeDefined();
	const demo = example('demo.json');
	const node = demo.nodes.find((entry) => entry.name === 'Nano Banana')!;
	node.credentials = { runbaseApi: { id: credential.id, name: credential.name } };
	const workflow = { ...demo, id: undefined }; // n8n gives it a new id
	workflowId = ((await rest.call('POST', '/rest/workflows', workflow)) as { id: string }).id;

	await editor.openWorkflow(workflowId);
	expect(await editor.page.locator('[data-test-id="canvas-node"]').count()).toBe(3);
	await browser!.shot('04-workflow');

	await editor.openNode('Nano Banana');
	// The demo maps Model, Prompt, Aspect Ratio and the reference image from each item.
	expect(await editor.parameterLabels()).toEqual(GENERATE_LABELS);
	expect(await editor.parameterNames()).toEqual(['operation', 'model', 'prompt', 'aspectRatio', 'url', 'returnAs']);
	await expect(editor.page.locator('[data-test-id="node-credentials-select"] input').inputValue()).resolves.toBe('Runbase account');
	expect(await editor.optionNames('operation')).toEqual(expect.arrayContaining(['Generate', 'Get Run']));
	expect(await editor.valueOf('returnAs')).toBe('Binary Image');
	await browser!.shot('05-node-panel');
	await editor.closeNode();
});

step('running the workflow from the editor shows the images in the output panel\'s binary view', async () => {
	await editor.runWorkflow(3);
	expect(await editor.itemCounts(3)).toEqual(['1 item', '3 items', '3 items']);
	await browser!.shot('06-executed');
	await editor.zoomIn(2);
	const box = await editor.canvasNodesBox();
	// Node labels (two lines for the trigger) and the trigger's bolt sit outside the node boxes.
	const left = Math.max(0, Math.floor(box.x - 80));
	const top = Math.max(0, Math.floor(box.y - 36));
	const clip = { x: left, y: top, width: Math.ceil(box.x + box.width + 30) - left, height: Math.ceil(box.y + box.height + 86) - top };
	await browser!.shot('docs-workflow', { clip });

	await editor.openNode('Nano Banana');
	const cards = await editor.showBinaryOutput();
	expect(await cards.count()).toBe(3);
	const first = await cards.first().innerText();
	expect(first).toMatch(/File Name:\s*run_[0-9a-f]+\.png/);
	expect(first).toMatch(/Mime Type:\s*image\/png/);
	await browser!.shot('07-binary-output');
	const image = await editor.viewFirstImage();
	expect(image.src).toContain('/rest/binary-data?');
	expect({ width: image.width, height: image.height }).toEqual({ width: 1344, height: 768 }); // item 1: 16:9
	await browser!.shot('08-image-in-binary-view');
	await browser!.shot('docs-node', { clip: (await editor.ndv().boundingBox())! });
});

step('fields that depend on other fields: Resolution, the Options collection, the reference-image list, Get Run', async () => {
	// Model as a fixed choice (the demo maps it from the items): Resolution is there only for Nano Banana 2 and Pro.
	await editor.resetValue('model');
	expect(await editor.valueOf('model')).toBe('Nano Banana');
	expect(await editor.parameterNames()).toEqual(['operation', 'model', 'prompt', 'aspectRatio', 'url', 'returnAs']);
	expect(await editor.optionNames('model')).toEqual(['Nano Banana', 'Nano Banana 2', 'Nano Banana Pro']);
	await editor.choose('model', 'Nano Banana Pro');
	expect(await editor.parameterNames()).toEqual(['operation', 'model', 'prompt', 'aspectRatio', 'resolution', 'url', 'returnAs']);
	expect(await editor.valueOf('resolution')).toBe('1K');
	expect(await editor.optionNames('resolution')).toEqual(['1K', '2K', '4K']);
	await browser!.shot('09-model-pro-shows-resolution');
	await editor.choose('model', 'Nano Banana');
	expect(await editor.parameterNames()).not.toContain('resolution');

	// The Options collection; the download options belong to Return As = Binary Image.
	expect(await editor.openAddOption()).toEqual(OPTION_NAMES);
	await browser!.shot('10-options');
	await editor.addOption('Put Output in Field');
	expect(await editor.valueOf('binaryPropertyName')).toBe('data');
	await editor.choose('returnAs', 'Image URLs');
	expect(await editor.parameterNames()).not.toContain('binaryPropertyName');
	expect(await editor.openAddOption()).toEqual(OPTION_NAMES.filter((name) => !BINARY_ONLY_OPTIONS.includes(name)));
	await editor.page.keyboard.press('Escape');
	await editor.choose('returnAs', 'Binary Image');

	// The reference-image list: one entry mapped from the input; more can be added and removed.
	await expect(editor.parameter('url').innerText()).resolves.toContain('{{ $json.references }}');
	await editor.addCollectionEntry('referenceImages');
	expect(await editor.parameter('url').count()).toBe(2);
	await browser!.shot('11-reference-images');
	await editor.deleteCollectionEntry('url', 1);
	expect(await editor.parameter('url').count()).toBe(1);

	// Get Run asks for a run ID instead of what to generate.
	await editor.choose('operation', 'Get Run');
	expect(await editor.parameterNames()).toEqual(['operation', 'runId', 'returnAs']);
	await browser!.shot('12-get-run');
});

step('the run the editor started holds the three images (README picture)', async () => {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = (await rest.call('GET', `/rest/executions?filter=${filter}`)) as { results: Array<{ id: string; status: string }> };
	expect(list.results.map((execution) => execution.status)).toEqual(['success']);
	const execution = (await rest.call('GET', `/rest/executions/${list.results[0].id}`)) as { data: string; mode: string };
	expect(execution.mode).toBe('manual');
	const flatted = createRequire(path.join(n8n.runtimeInfo().root, 'node_modules', 'n8n', 'package.json'))('flatted') as {
		parse: (text: string) => { resultData: { runData: Record<string, Array<{ data: { main: Item[][] } }>> } };
	};
	const items = flatted.parse(execution.data).resultData.runData['Nano Banana'][0].data.main[0];
	const cards = [];
	for (const item of items) {
		const binary = item.binary!.data;
		const response = await fetch(`${rest.url}/rest/binary-data?id=${encodeURIComponent(binary.id!)}&action=download`, {
			headers: { cookie: rest.cookieHeader(), 'browser-id': rest.browserId },
		});
		expect(response.status).toBe(200);
		const bytes = Buffer.from(await response.arrayBuffer());
		cards.push({ json: item.json, src: `data:${binary.mimeType};base64,${bytes.toString('base64')}`, size: imageSize(bytes) });
	}
	expect(cards.map((card) => card.size)).toEqual([
		{ width: 1344, height: 768 },
		{ width: 768, height: 1344 },
		{ width: 1024, height: 1024 },
	]);
	const page = browser!.page;
	await page.setContent(galleryHtml(cards, instance!.version));
	await page.waitForFunction(() => Array.from(document.images).every((image) => image.complete && image.naturalWidth > 0));
	const gallery = path.join(SCREENSHOTS, 'docs-generated.png');
	await page.locator('#gallery').screenshot({ path: gallery });
	browser!.shots.push(gallery);

	if (process.env.RUNBASE_UPDATE_DOCS === '1') {
		mkdirSync(DOCS, { recursive: true });
		for (const [target, source] of Object.entries(DOCS_PICTURES)) copyFileSync(path.join(SCREENSHOTS, source), path.join(DOCS, target));
		process.stderr.write(`[e2e] README pictures updated: ${Object.keys(DOCS_PICTURES).map((name) => `docs/${name}`).join(', ')}\n`);
	}
});
