/**
 * The editor in a real browser. Headless Chromium (Debian's, installed
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
import { rmSync } from 'node:fs';
import path from 'node:path';

import { startSimulator } from '../simulator';
import type { Simulator } from '../simulator';
import { EditorPage } from './editorPage';
import { executionImages, SCREENSHOTS, shootGallery, updateDocsPictures, workflowClip } from './editorPictures';
import { example } from './fixtures';
import { Browser } from './harness/browser';
import { N8nRest } from './harness/rest';
import * as n8n from './n8n';
import type { N8nInstance } from './n8n';
import { NodePanel } from './nodePanel';
import { packTarball } from './packTarball';

const GOOD_KEY = 'sk-e2e';
const WRONG_KEY = 'sk-wrong';
const SUCCESS_MESSAGE = 'Connection successful!';
const GENERATE_LABELS = ['Operation', 'Model', 'Prompt', 'Aspect Ratio', 'Reference Images', 'Binary Reference Images', 'Return As', 'Options'];
const OPTION_NAMES = [
	'Concurrency',
	'Deduplication Key',
	'Deduplication Window (Hours)',
	'Download Timeout (Seconds)',
	'Expected Generation Time (Seconds)',
	'Max Image Size (MB)',
	'Max Spend per Execution (USD)',
	'Poll Interval (Seconds)',
	'Put Output in Field',
	'Request Timeout (Seconds)',
	'Requests per 10 Seconds',
	'Send Binary Images As',
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
let panel: NodePanel;
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
	panel = new NodePanel(browser.page);
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
	expect(failed.message).toMatch(/^Runbase rejected the API key \(401 invalid_api_key\)\. /);
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
	expect(await panel.parameterLabels()).toEqual(GENERATE_LABELS);
	expect(await panel.parameterNames()).toEqual(['operation', 'model', 'prompt', 'aspectRatio', 'url', 'binaryReferences', 'returnAs']);
	await expect(editor.page.locator('[data-test-id="node-credentials-select"] input').inputValue()).resolves.toBe('Runbase account');
	expect(await panel.optionNames('operation')).toEqual(expect.arrayContaining(['Generate', 'Get Run']));
	expect(await panel.valueOf('returnAs')).toBe('Binary Image');
	await browser!.shot('05-node-panel');
	await editor.closeNode();
});

step('running the workflow from the editor shows the images in the output panel\'s binary view', async () => {
	await editor.runWorkflow(3);
	expect(await editor.itemCounts(3)).toEqual(['1 item', '3 items', '3 items']);
	await browser!.shot('06-executed');
	await editor.zoomIn(2);
	const clip = workflowClip(await editor.canvasNodesBox());
	await browser!.shot('docs-workflow', { clip });

	await editor.openNode('Nano Banana');
	const cards = await panel.showBinaryOutput();
	expect(await cards.count()).toBe(3);
	const first = await cards.first().innerText();
	expect(first).toMatch(/File Name:\s*run_[0-9a-f]+\.png/);
	expect(first).toMatch(/Mime Type:\s*image\/png/);
	await browser!.shot('07-binary-output');
	const image = await panel.viewFirstImage();
	expect(image.src).toContain('/rest/binary-data?');
	expect({ width: image.width, height: image.height }).toEqual({ width: 1344, height: 768 }); // item 1: 16:9
	await browser!.shot('08-image-in-binary-view');
	await browser!.shot('docs-node', { clip: (await editor.ndv().boundingBox())! });
});

step('fields that depend on other fields: Resolution, the Options collection, the reference-image list, Get Run', async () => {
	// Model as a fixed choice (the demo maps it from the items): Resolution is there only for Nano Banana 2 and Pro.
	await panel.resetValue('model');
	expect(await panel.valueOf('model')).toBe('Nano Banana');
	expect(await panel.parameterNames()).toEqual(['operation', 'model', 'prompt', 'aspectRatio', 'url', 'binaryReferences', 'returnAs']);
	expect(await panel.optionNames('model')).toEqual(['Nano Banana', 'Nano Banana 2', 'Nano Banana Pro']);
	await panel.choose('model', 'Nano Banana Pro');
	expect(await panel.parameterNames()).toEqual(['operation', 'model', 'prompt', 'aspectRatio', 'resolution', 'url', 'binaryReferences', 'returnAs']);
	expect(await panel.valueOf('resolution')).toBe('1K');
	expect(await panel.optionNames('resolution')).toEqual(['1K', '2K', '4K']);
	await browser!.shot('09-model-pro-shows-resolution');
	await panel.choose('model', 'Nano Banana');
	expect(await panel.parameterNames()).not.toContain('resolution');

	// The Options collection; the download options belong to Return As = Binary Image.
	expect(await panel.openAddOption()).toEqual(OPTION_NAMES);
	await browser!.shot('10-options');
	await panel.addOption('Put Output in Field');
	expect(await panel.valueOf('binaryPropertyName')).toBe('data');
	await panel.choose('returnAs', 'Image URLs');
	expect(await panel.parameterNames()).not.toContain('binaryPropertyName');
	expect(await panel.openAddOption()).toEqual(OPTION_NAMES.filter((name) => !BINARY_ONLY_OPTIONS.includes(name)));
	await panel.page.keyboard.press('Escape');
	await panel.choose('returnAs', 'Binary Image');

	// The reference-image list: one entry mapped from the input; more can be added and removed.
	await expect(panel.parameter('url').innerText()).resolves.toContain('{{ $json.references }}');
	await panel.addCollectionEntry('referenceImages');
	expect(await panel.parameter('url').count()).toBe(2);
	await browser!.shot('11-reference-images');
	await panel.deleteCollectionEntry('url', 1);
	expect(await panel.parameter('url').count()).toBe(1);

	// Get Run asks for a run ID instead of what to generate.
	await panel.choose('operation', 'Get Run');
	expect(await panel.parameterNames()).toEqual(['operation', 'runId', 'returnAs']);
	await browser!.shot('12-get-run');
});

step('the run the editor started holds the three images (README pictures)', async () => {
	const { statuses, mode, downloads, cards } = await executionImages(rest, workflowId, 'Nano Banana');
	expect(statuses).toEqual(['success']);
	expect(mode).toBe('manual');
	expect(downloads).toEqual([200, 200, 200]);
	expect(cards.map((card) => card.size)).toEqual([
		{ width: 1344, height: 768 },
		{ width: 768, height: 1344 },
		{ width: 1024, height: 1024 },
	]);
	await shootGallery(browser!, cards, instance!.version);
	updateDocsPictures(SCREENSHOTS);
});
