// @ts-check
'use strict';
/**
 * Headless Chromium for the editor test: Debian's /usr/bin/chromium (installed with apt-get
 * when missing, see ./systemPackages) driven by playwright-core. No browser is ever
 * downloaded.
 *
 *   const browser = await Browser.launch({ screenshotDir });
 *   await browser.page.goto(url);
 *   await browser.shot('01-signed-in');   // <screenshotDir>/01-signed-in.png
 *   await browser.close();                // closes Chromium, checks no process of it is left, removes its profile
 *
 * Chromium runs with a fresh profile folder and the flags that keep it off Google's hosts;
 * every request to a host other than 127.0.0.1 / localhost is aborted (and listed in
 * `blocked`), so the editor only ever talks to the local n8n.
 */
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');

const { releaseFolder, sleep, trackFolder } = require('./processes');
const { ensurePackages } = require('./systemPackages');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').BrowserContext} BrowserContext */

/**
 * @typedef {object} LaunchOptions
 * @property {string} screenshotDir where shot() writes (created; not emptied)
 * @property {{ width: number, height: number }} [viewport] default 1400x800
 */

/** Pids of processes whose command line mentions `needle`. @param {string} needle @returns {number[]} */
function processesMentioning(needle) {
	/** @type {number[]} */
	const pids = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let commandLine = '';
		try {
			commandLine = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
		} catch {
			continue; // gone meanwhile
		}
		if (commandLine.includes(needle)) pids.push(Number(entry));
	}
	return pids;
}

class Browser {
	/**
	 * Installs Debian's chromium if missing, then starts it.
	 * @param {LaunchOptions} options
	 * @returns {Promise<Browser>}
	 */
	static async launch({ screenshotDir, viewport = { width: 1400, height: 800 } }) {
		if (!process.env.CHROMIUM) await ensurePackages(['chromium']);
		if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
		const { chromium } = require('playwright-core');
		const profileDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'runbase-chromium-'));
		trackFolder(profileDir);
		await fsp.mkdir(screenshotDir, { recursive: true });
		try {
			const context = await chromium.launchPersistentContext(profileDir, {
				executablePath: CHROMIUM,
				headless: true,
				args: CHROMIUM_FLAGS,
				viewport,
				deviceScaleFactor: 1,
				timeout: 60000,
			});
			const browser = new Browser(context, profileDir, screenshotDir);
			await context.route('**/*', (route) => {
				const url = route.request().url();
				if (LOCAL_HOSTS.has(new URL(url).hostname)) return route.continue();
				browser.blocked.push(url);
				return route.abort();
			});
			return browser;
		} catch (error) {
			await Browser.removeProfile(profileDir);
			throw error;
		}
	}

	/**
	 * @param {BrowserContext} context @param {string} profileDir @param {string} screenshotDir
	 * @private
	 */
	constructor(context, profileDir, screenshotDir) {
		this.context = context;
		/** @type {Page} */
		this.page = context.pages()[0];
		this.profileDir = profileDir;
		this.screenshotDir = screenshotDir;
		/** @type {string[]} requests to other hosts, aborted */
		this.blocked = [];
		/** @type {string[]} files written by shot(), in order */
		this.shots = [];
		this.closed = false;
	}

	/**
	 * Screenshot of the page (or of `clip`) into the screenshot folder.
	 * @param {string} name file name without .png
	 * @param {{ clip?: { x: number, y: number, width: number, height: number } }} [options]
	 */
	async shot(name, { clip } = {}) {
		const file = path.join(this.screenshotDir, `${name}.png`);
		await this.page.screenshot({ path: file, ...(clip ? { clip } : {}) });
		this.shots.push(file);
		return file;
	}

	/** Closes Chromium, makes sure none of its processes is left, removes its profile. */
	async close() {
		if (this.closed) return;
		this.closed = true;
		await this.context.close().catch(() => {});
		await Browser.removeProfile(this.profileDir);
	}

	/** Kills what still runs with this profile (by pid), then removes the folder. @param {string} profileDir @private */
	static async removeProfile(profileDir) {
		for (let attempt = 0; processesMentioning(profileDir).length > 0 && attempt < 50; attempt++) await sleep(100);
		for (const pid of processesMentioning(profileDir)) {
			try {
				process.kill(pid, 'SIGKILL');
			} catch {
				// gone meanwhile
			}
		}
		await fsp.rm(profileDir, { recursive: true, force: true, maxRetries: 3 });
		releaseFolder(profileDir);
	}

	/** Pids of Chromium processes still running with this browser's profile (empty once closed). */
	leftoverProcesses() {
		return processesMentioning(this.profileDir);
	}
}

module.exports = { Browser, CHROMIUM_FLAGS };
