'use strict';
/**
 * Makes the README pictures in docs/: runs examples/demo.json in a real n8n
 * editor (headless Chromium, local Runbase simulator) and screenshots it.
 *
 *   node test/e2e/screenshots.js
 *
 * Needs Chromium (/usr/bin/chromium or CHROMIUM=path) and a built package (dist/).
 * Writes docs/workflow.png, docs/node.png and docs/generated.png.
 * Chromium and n8n only ever talk to 127.0.0.1: every other request is aborted.
 */
const fs = require('node:fs');
const path = require('node:path');

const n8n = require('./n8n');
const { packTarball, REPO_ROOT } = require('./packTarball');
const { imageSize } = require('./pngSize');
const { startSimulator } = require('../simulator');
const { chromium } = require(path.join(REPO_ROOT, 'node_modules', 'playwright-core'));

const DOCS = path.join(REPO_ROOT, 'docs');
const DEBUG = process.env.SCREENSHOT_DEBUG; // folder for intermediate screenshots
const workflow = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'demo.json'), 'utf8'));
const OWNER = { email: 'demo@example.com', firstName: 'Demo', lastName: 'User', password: 'Demo-password-1' };

const say = (line) => process.stdout.write(`${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function debugShot(page, name) {
	if (!DEBUG) return;
	fs.mkdirSync(DEBUG, { recursive: true });
	await page.screenshot({ path: path.join(DEBUG, `${name}.png`) });
}

async function rest(url, method, body, cookie) {
	const res = await fetch(url, {
		method,
		headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await res.text();
	if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
	return { res, text };
}

/** Closes whatever onboarding / notification popups n8n shows. */
async function dismissPopups(page) {
	for (let i = 0; i < 3; i++) {
		await page.keyboard.press('Escape').catch(() => {});
		for (const sel of [
			'.el-message-box__headerbtn',
			'.el-dialog__headerbtn',
			'.el-notification__closeBtn',
			'[data-test-id="close-button"]',
			'button:has-text("Got it")',
			'button:has-text("Skip")',
			'button:has-text("Dismiss")',
		]) {
			const loc = page.locator(sel);
			const n = await loc.count().catch(() => 0);
			for (let k = 0; k < n; k++) await loc.nth(k).click({ timeout: 1000 }).catch(() => {});
		}
		await sleep(300);
	}
}

const esc = (text) =>
	String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function galleryHtml(cards, version) {
	const HEIGHT = 300;
	const figures = cards
		.map(({ json, src, size }) => {
			const width = size ? Math.round((size.width / size.height) * HEIGHT) : HEIGHT;
			const pixels = size ? `${size.width}&times;${size.height}` : '?';
			return `<figure style="width:${Math.max(width, 230)}px">
  <div class="frame"><img src="${src}" width="${width}" height="${HEIGHT}"></div>
  <figcaption>
    <div class="prompt">${esc(json.prompt)}</div>
    <div class="meta"><code>${esc(json.runId)}</code></div>
    <div class="meta">${esc(json.aspectRatio)} &middot; ${pixels} px &middot; $${Number(json.costUsd).toFixed(3)}</div>
  </figcaption>
</figure>`;
		})
		.join('\n');
	return `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #fff; font-family: "DejaVu Sans", Arial, sans-serif; }
  #gallery { display: inline-block; padding: 22px 26px 18px; background: #f5f5f7; }
  h1 { font-size: 17px; margin: 0 0 14px; color: #222; font-weight: 600; }
  h1 span { color: #777; font-weight: 400; font-size: 14px; }
  .row { display: flex; gap: 22px; align-items: flex-start; }
  figure { margin: 0; background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 10px; }
  .frame { height: ${HEIGHT}px; display: flex; justify-content: center; }
  img { border-radius: 4px; display: block; }
  figcaption { margin-top: 9px; font-size: 13px; color: #333; line-height: 1.4; }
  .prompt { margin-bottom: 5px; }
  .meta { color: #666; font-size: 12px; }
  code { font-family: "DejaVu Sans Mono", monospace; font-size: 11.5px; }
</style></head><body><div id="gallery">
<h1>Nano Banana output: 3 binary image items <span>(examples/demo.json in n8n ${esc(version)}, images from the local Runbase simulator)</span></h1>
<div class="row">
${figures}
</div></div></body></html>`;
}

async function main() {
	const sim = await startSimulator({ generationMs: 3000, imageMode: 'small' });
	let tarball;
	let instance;
	let server;
	let browser;
	try {
		await n8n.ensureInstalled({ log: say });
		tarball = packTarball();
		instance = await n8n.createInstance({ packageTarball: tarball, log: () => {} });
		await instance.importCredentials([
			{ id: 'runbaseCred0001', name: 'Runbase account', type: 'runbaseApi', data: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl } },
		]);
		await instance.importWorkflows([workflow]);
		server = await instance.startServer();
		say(`n8n ${instance.version} at ${server.url}`);

		await rest(`${server.url}/rest/owner/setup`, 'POST', OWNER);
		const login = await rest(`${server.url}/rest/login`, 'POST', { emailOrLdapLoginId: OWNER.email, password: OWNER.password });
		const cookies = login.res.headers.getSetCookie().map((c) => {
			const [pair] = c.split(';');
			const eq = pair.indexOf('=');
			return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: server.url };
		});

		browser = await chromium.launch({
			executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
			headless: true,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		});
		const context = await browser.newContext({ viewport: { width: 1400, height: 800 }, deviceScaleFactor: 1 });
		await context.route('**/*', (route) => {
			const host = new URL(route.request().url()).hostname;
			if (host === '127.0.0.1' || host === 'localhost') return route.continue();
			return route.abort();
		});
		await context.addCookies(cookies);
		const page = await context.newPage();
		await page.goto(`${server.url}/workflow/${workflow.id}`, { waitUntil: 'networkidle' });
		await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60000 });
		await sleep(1500);
		await dismissPopups(page);
		await debugShot(page, '01-opened');

		if (process.env.SCREENSHOT_STOP === 'opened') return;

		// Run the workflow from the editor, as a user would.
		await page.locator('[data-test-id="execute-workflow-button"]').first().click();
		await page.waitForFunction(
			() => document.querySelectorAll('[data-test-id="canvas-node-status-success"]').length >= 3,
			null,
			{ timeout: 120000 },
		).catch(async (e) => {
			await debugShot(page, '02-timeout');
			throw e;
		});
		await sleep(1500);
		await dismissPopups(page);
		await debugShot(page, '02-executed');
		if (process.env.SCREENSHOT_STOP === 'executed') return;

		// docs/workflow.png: zoom in and crop to the three nodes and their item counts.
		const ids = await page.evaluate(() =>
			[...new Set([...document.querySelectorAll('[data-test-id]')].map((e) => e.getAttribute('data-test-id')))].join(' '),
		);
		if (DEBUG) fs.writeFileSync(path.join(DEBUG, 'test-ids.txt'), ids);
		for (let i = 0; i < 2; i++) {
			await page.locator('[data-test-id="zoom-in-button"]').click();
			await sleep(400);
		}
		await sleep(800);
		await debugShot(page, '03-zoomed');
		const box = await page.evaluate(() => {
			const rects = [...document.querySelectorAll('[data-test-id="canvas-node"], [data-test-id="canvas-handle-plus"], .vue-flow__edge-labels *')]
				.map((e) => e.getBoundingClientRect())
				.filter((r) => r.width > 0 && r.height > 0);
			return {
				left: Math.min(...rects.map((r) => r.left)),
				top: Math.min(...rects.map((r) => r.top)),
				right: Math.max(...rects.map((r) => r.right)),
				bottom: Math.max(...rects.map((r) => r.bottom)),
			};
		});
		say(`nodes box ${JSON.stringify(box)}`);
		// Node labels (two lines for the trigger) and the trigger's bolt sit outside the node boxes.
		const pad = { left: 80, right: 30, top: 36, bottom: 86 };
		const viewport = page.viewportSize();
		const clip = {
			x: Math.max(0, Math.floor(box.left - pad.left)),
			y: Math.max(0, Math.floor(box.top - pad.top)),
		};
		clip.width = Math.min(viewport.width, Math.ceil(box.right + pad.right)) - clip.x;
		clip.height = Math.min(viewport.height, Math.ceil(box.bottom + pad.bottom)) - clip.y;
		fs.mkdirSync(DOCS, { recursive: true });
		await page.screenshot({ path: path.join(DOCS, 'workflow.png'), clip });
		say(`docs/workflow.png ${clip.width}x${clip.height}`);
		if (process.env.SCREENSHOT_STOP === 'workflow') return;

		// docs/node.png: the Nano Banana node opened (parameters, input and output).
		await page.locator('[data-test-id="canvas-node"]', { hasText: 'Nano Banana' }).dblclick();
		await page.waitForSelector('[data-test-id="ndv"]', { timeout: 20000 }).catch(() => {});
		await sleep(1500);
		await debugShot(page, '04-ndv');
		const ndvIds = await page.evaluate(() =>
			[...new Set([...document.querySelectorAll('[data-test-id]')].map((e) => e.getAttribute('data-test-id')))].join(' '),
		);
		if (DEBUG) fs.writeFileSync(path.join(DEBUG, 'test-ids-ndv.txt'), ndvIds);
		const ndvBox = await page.locator('[data-test-id="ndv"]').boundingBox().catch(() => null);
		await page.screenshot({ path: path.join(DOCS, 'node.png'), ...(ndvBox ? { clip: ndvBox } : {}) });
		say('docs/node.png');
		if (process.env.SCREENSHOT_STOP === 'ndv') return;

		// docs/generated.png: the three images of this execution with their JSON fields.
		const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
		const list = JSON.parse(
			(await rest(`${server.url}/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: workflow.id }))}`, 'GET', null, cookie)).text,
		);
		const executionId = list.data.results[0].id;
		const full = JSON.parse((await rest(`${server.url}/rest/executions/${executionId}`, 'GET', null, cookie)).text);
		const { parse } = require(path.join(n8n.runtimeInfo().root, 'node_modules', 'flatted'));
		const runData = parse(full.data.data).resultData.runData;
		const items = runData['Nano Banana'][0].data.main[0];
		const cards = [];
		for (const item of items) {
			const bin = item.binary.data;
			let bytes;
			if (bin.id) {
				const url = `${server.url}/rest/binary-data?id=${encodeURIComponent(bin.id)}&action=download`;
				bytes = Buffer.from(await (await fetch(url, { headers: { cookie } })).arrayBuffer());
			} else {
				bytes = Buffer.from(bin.data, 'base64');
			}
			const size = imageSize(bytes);
			cards.push({ json: item.json, src: `data:${bin.mimeType};base64,${bytes.toString('base64')}`, size });
		}
		await page.setContent(galleryHtml(cards, instance.version));
		await page.waitForFunction(() => [...document.images].every((i) => i.complete));
		await page.locator('#gallery').screenshot({ path: path.join(DOCS, 'generated.png') });
		say('docs/generated.png');
	} finally {
		await browser?.close().catch(() => {});
		await server?.stop().catch(() => {});
		await instance?.dispose().catch(() => {});
		await sim.close().catch(() => {});
		if (tarball) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(`screenshots failed: ${error.stack || error.message}`);
	process.exitCode = 1;
});
