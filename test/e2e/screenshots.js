// @ts-check
'use strict';
/**
 * Makes the README pictures in docs/: runs examples/demo.json in a real n8n
 * editor (headless Chromium, local Runbase simulator) and screenshots it.
 *
 *   node test/e2e/screenshots.js
 *
 * Needs Chromium (/usr/bin/chromium or CHROMIUM=path), playwright-core in node_modules
 * (not a devDependency: `npm install --no-save playwright-core`) and a built package (dist/).
 * Writes docs/workflow.png, docs/node.png and docs/generated.png.
 * Chromium and n8n only ever talk to 127.0.0.1: every other request is aborted.
 * Not part of CI.
 */
const fs = require('node:fs');
const path = require('node:path');

const n8n = require('./n8n');
const { packTarball, REPO_ROOT } = require('./packTarball');
const { imageSize } = require('./pngSize');
const { debugShot, dismissPopups, openEditor, saveTestIds, sleep } = require('./screenshotEditor');
const { galleryHtml } = require('./screenshotGallery');
const { startSimulator } = require('../simulator');

/** @typedef {import('./screenshotEditor').Page} Page */
/** @typedef {import('./screenshotEditor').Browser} Browser */

const DOCS = path.join(REPO_ROOT, 'docs');
const STOP_AFTER = process.env.SCREENSHOT_STOP; // opened, executed, workflow or ndv
const workflow = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'demo.json'), 'utf8'));
const OWNER = { email: 'demo@example.com', firstName: 'Demo', lastName: 'User', password: 'Demo-password-1' };

const say = (/** @type {string} */ line) => process.stdout.write(`${line}\n`);

/** @param {string} url @param {string} method @param {unknown} [body] @param {string} [cookie] */
async function rest(url, method, body, cookie) {
	const response = await fetch(url, {
		method,
		headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text.slice(0, 300)}`);
	return { response, text };
}

/** Sets up the owner account and returns the login cookies. @param {string} baseUrl */
async function logIn(baseUrl) {
	await rest(`${baseUrl}/rest/owner/setup`, 'POST', OWNER);
	const login = await rest(`${baseUrl}/rest/login`, 'POST', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
	return login.response.headers.getSetCookie().map((setCookie) => {
		const [pair] = setCookie.split(';');
		const equals = pair.indexOf('=');
		return { name: pair.slice(0, equals), value: pair.slice(equals + 1), url: baseUrl };
	});
}

/** Runs the workflow from the editor, as a user would. @param {Page} page */
async function runInEditor(page) {
	await page.locator('[data-test-id="execute-workflow-button"]').first().click();
	await page
		.waitForFunction(() => document.querySelectorAll('[data-test-id="canvas-node-status-success"]').length >= 3, null, { timeout: 120000 })
		.catch(async (/** @type {Error} */ error) => {
			await debugShot(page, '02-timeout');
			throw error;
		});
	await sleep(1500);
	await dismissPopups(page);
	await debugShot(page, '02-executed');
}

/** docs/workflow.png: zoom in and crop to the three nodes and their item counts. @param {Page} page */
async function shootWorkflow(page) {
	await saveTestIds(page, 'test-ids.txt');
	for (let click = 0; click < 2; click++) {
		await page.locator('[data-test-id="zoom-in-button"]').click();
		await sleep(400);
	}
	await sleep(800);
	await debugShot(page, '03-zoomed');
	const box = await page.evaluate(() => {
		const selector = '[data-test-id="canvas-node"], [data-test-id="canvas-handle-plus"], .vue-flow__edge-labels *';
		const rects = Array.from(document.querySelectorAll(selector), (element) => element.getBoundingClientRect()).filter((rect) => rect.width > 0 && rect.height > 0);
		return {
			left: Math.min(...rects.map((rect) => rect.left)),
			top: Math.min(...rects.map((rect) => rect.top)),
			right: Math.max(...rects.map((rect) => rect.right)),
			bottom: Math.max(...rects.map((rect) => rect.bottom)),
		};
	});
	say(`nodes box ${JSON.stringify(box)}`);
	// Node labels (two lines for the trigger) and the trigger's bolt sit outside the node boxes.
	const pad = { left: 80, right: 30, top: 36, bottom: 86 };
	const viewport = page.viewportSize();
	const left = Math.max(0, Math.floor(box.left - pad.left));
	const top = Math.max(0, Math.floor(box.top - pad.top));
	const clip = {
		x: left,
		y: top,
		width: Math.min(viewport.width, Math.ceil(box.right + pad.right)) - left,
		height: Math.min(viewport.height, Math.ceil(box.bottom + pad.bottom)) - top,
	};
	fs.mkdirSync(DOCS, { recursive: true });
	await page.screenshot({ path: path.join(DOCS, 'workflow.png'), clip });
	say(`docs/workflow.png ${clip.width}x${clip.height}`);
}

/** docs/node.png: the Nano Banana node opened (parameters, input and output). @param {Page} page */
async function shootNode(page) {
	await page.locator('[data-test-id="canvas-node"]', { hasText: 'Nano Banana' }).dblclick();
	await page.waitForSelector('[data-test-id="ndv"]', { timeout: 20000 }).catch(() => {});
	await sleep(1500);
	await debugShot(page, '04-ndv');
	await saveTestIds(page, 'test-ids-ndv.txt');
	const ndvBox = await page.locator('[data-test-id="ndv"]').boundingBox().catch(() => null);
	await page.screenshot({ path: path.join(DOCS, 'node.png'), ...(ndvBox ? { clip: ndvBox } : {}) });
	say('docs/node.png');
}

/**
 * docs/generated.png: the three images of the editor's execution with their JSON fields,
 * read through n8n's REST API (the editor's run is not an `n8n execute`).
 * @param {Page} page @param {string} baseUrl @param {string} cookie @param {string} version
 */
async function shootGallery(page, baseUrl, cookie, version) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: workflow.id }));
	const list = JSON.parse((await rest(`${baseUrl}/rest/executions?filter=${filter}`, 'GET', null, cookie)).text);
	const executionId = list.data.results[0].id;
	const full = JSON.parse((await rest(`${baseUrl}/rest/executions/${executionId}`, 'GET', null, cookie)).text);
	const { parse } = require(path.join(n8n.runtimeInfo().root, 'node_modules', 'flatted'));
	/** @type {import('./n8n').Item[]} */
	const items = parse(full.data.data).resultData.runData['Nano Banana'][0].data.main[0];
	const cards = [];
	for (const item of items) {
		const binary = /** @type {NonNullable<import('./n8n').Item['binary']>} */ (item.binary).data;
		let bytes;
		if (binary.id) {
			const url = `${baseUrl}/rest/binary-data?id=${encodeURIComponent(binary.id)}&action=download`;
			bytes = Buffer.from(await (await fetch(url, { headers: { cookie } })).arrayBuffer());
		} else {
			bytes = Buffer.from(binary.data ?? '', 'base64');
		}
		cards.push({ json: item.json, src: `data:${binary.mimeType};base64,${bytes.toString('base64')}`, size: imageSize(bytes) });
	}
	await page.setContent(galleryHtml(cards, version));
	await page.waitForFunction(() => Array.from(document.images).every((image) => image.complete));
	await page.locator('#gallery').screenshot({ path: path.join(DOCS, 'generated.png') });
	say('docs/generated.png');
}

async function main() {
	const sim = await startSimulator({ generationMs: 3000, imageMode: 'small' });
	let tarball;
	/** @type {import('./n8n').N8nInstance | undefined} */
	let instance;
	/** @type {Browser} */
	let browser;
	try {
		await n8n.ensureInstalled({ log: say });
		tarball = packTarball();
		instance = await n8n.createInstance({ packageTarball: tarball, log: () => {} });
		await instance.importCredentials([
			{ id: 'runbaseCred0001', name: 'Runbase account', type: 'runbaseApi', data: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl } },
		]);
		await instance.importWorkflows([workflow]);
		const server = await instance.startServer();
		say(`n8n ${instance.version} at ${server.url}`);
		const cookies = await logIn(server.url);
		const editor = await openEditor(server.url, cookies, workflow.id);
		browser = editor.browser;
		const cookie = cookies.map((entry) => `${entry.name}=${entry.value}`).join('; ');
		const version = instance.version;
		/** @type {Array<[string, () => Promise<void>]>} each step, and the SCREENSHOT_STOP value that stops after it */
		const steps = [
			['executed', () => runInEditor(editor.page)],
			['workflow', () => shootWorkflow(editor.page)],
			['ndv', () => shootNode(editor.page)],
			['gallery', () => shootGallery(editor.page, server.url, cookie, version)],
		];
		for (const [name, step] of STOP_AFTER === 'opened' ? [] : steps) {
			await step();
			if (STOP_AFTER === name) return;
		}
	} finally {
		await browser?.close().catch(() => {});
		await instance?.dispose().catch(() => {}); // stops the server too
		await sim.close().catch(() => {});
		if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(`screenshots failed: ${error.stack || error.message}`);
	process.exitCode = 1;
});
