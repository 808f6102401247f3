// @ts-check
'use strict';
/** The browser side of screenshots.js: headless Chromium on n8n's editor. */
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT } = require('./packTarball');

/** playwright-core's Page and Browser; the package is not a dependency, so untyped here. @typedef {any} Page */
/** @typedef {any} Browser */

const DEBUG = process.env.SCREENSHOT_DEBUG; // folder for intermediate screenshots

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {Page} page @param {string} name */
async function debugShot(page, name) {
	if (!DEBUG) return;
	fs.mkdirSync(DEBUG, { recursive: true });
	await page.screenshot({ path: path.join(DEBUG, `${name}.png`) });
}

const POPUP_CLOSERS = [
	'.el-message-box__headerbtn',
	'.el-dialog__headerbtn',
	'.el-notification__closeBtn',
	'[data-test-id="close-button"]',
	'button:has-text("Got it")',
	'button:has-text("Skip")',
	'button:has-text("Dismiss")',
];

/** Closes whatever onboarding / notification popups n8n shows. @param {Page} page */
async function dismissPopups(page) {
	for (let round = 0; round < 3; round++) {
		await page.keyboard.press('Escape').catch(() => {});
		for (const selector of POPUP_CLOSERS) {
			const locator = page.locator(selector);
			const count = await locator.count().catch(() => 0);
			for (let index = 0; index < count; index++) await locator.nth(index).click({ timeout: 1000 }).catch(() => {});
		}
		await sleep(300);
	}
}

/** @param {Page} page @param {string} file */
async function saveTestIds(page, file) {
	const ids = await page.evaluate(() =>
		[...new Set(Array.from(document.querySelectorAll('[data-test-id]'), (element) => element.getAttribute('data-test-id')))].join(' '),
	);
	if (DEBUG) fs.writeFileSync(path.join(DEBUG, file), ids);
}

/**
 * Opens the workflow in n8n's editor in headless Chromium; only 127.0.0.1 is reachable.
 * @param {string} baseUrl @param {Array<{ name: string, value: string, url: string }>} cookies @param {string} workflowId
 */
async function openEditor(baseUrl, cookies, workflowId) {
	const { chromium } = require(path.join(REPO_ROOT, 'node_modules', 'playwright-core'));
	/** @type {Browser} */
	const browser = await chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	const context = await browser.newContext({ viewport: { width: 1400, height: 800 }, deviceScaleFactor: 1 });
	await context.route('**/*', (/** @type {any} */ route) => {
		const host = new URL(route.request().url()).hostname;
		return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
	});
	await context.addCookies(cookies);
	/** @type {Page} */
	const page = await context.newPage();
	await page.goto(`${baseUrl}/workflow/${workflowId}`, { waitUntil: 'networkidle' });
	await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60000 });
	await sleep(1500);
	await dismissPopups(page);
	await debugShot(page, '01-opened');
	return { browser, page };
}

module.exports = { debugShot, dismissPopups, openEditor, saveTestIds, sleep };
