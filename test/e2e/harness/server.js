// @ts-check
'use strict';
/**
 * `n8n start` for webhook-triggered workflows: started, waited for until its webhooks
 * answer, stopped with its whole process group.
 */
const { httpStatus } = require('./network');
const { killGroup, sleep, spawnGroup } = require('./processes');

/**
 * @typedef {object} ServerLaunch
 * @property {string} nodeBin
 * @property {string} n8nBin
 * @property {NodeJS.ProcessEnv} env
 * @property {string} cwd
 * @property {number} port
 * @property {number} [timeoutMs] how long to wait until ready (default 120 s)
 */

class N8nServer {
	/**
	 * Starts `n8n start` and resolves once it is ready: n8n logs "Editor is now accessible via"
	 * after activating published workflows, and /healthz/readiness answers 200.
	 * @param {ServerLaunch} launch
	 * @returns {Promise<N8nServer>}
	 */
	static async start({ nodeBin, n8nBin, env, cwd, port, timeoutMs = 120000 }) {
		const server = new N8nServer(`http://127.0.0.1:${port}`);
		const { pid, done } = spawnGroup(nodeBin, [n8nBin, 'start'], { env, cwd, onLine: (line) => server.onLine(line) });
		server.pid = pid;
		server.done = done.then((finished) => {
			server.exitCode = finished.code ?? -1;
			return finished;
		});
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			server.throwIfExited();
			if (server.editorReady && (await httpStatus(`${server.url}/healthz/readiness`)) === 200) return server;
			if (Date.now() > deadline) {
				await server.stop();
				throw new Error(`n8n start: not ready after ${timeoutMs} ms:\n${server.logTail()}`);
			}
			await sleep(250);
		}
	}

	/** @param {string} url @private */
	constructor(url) {
		/** Base URL, http://127.0.0.1:<port> */
		this.url = url;
		this.pid = 0;
		/** @type {Promise<import('./processes').Finished>} resolves once the server's process group is gone */
		this.done = Promise.resolve({ code: null, signal: null, timedOut: false, stdout: '', stderr: '' });
		/** @type {number | null} set once the process has exited */
		this.exitCode = null;
		this.editorReady = false;
		/** @type {string[]} */
		this.lines = [];
	}

	/** @param {string} line @private */
	onLine(line) {
		this.lines.push(line);
		if (line.includes('Editor is now accessible via')) this.editorReady = true;
	}

	/** @private */
	throwIfExited() {
		if (this.exitCode !== null) throw new Error(`n8n start exited with code ${this.exitCode}:\n${this.logTail()}`);
	}

	logTail(count = 30) {
		return this.lines.slice(-count).join('\n');
	}

	/** Every output line so far. */
	logs() {
		return this.lines.slice();
	}

	/** @param {string} webhookPath */
	webhookUrl(webhookPath) {
		return `${this.url}/webhook/${webhookPath.replace(/^\//, '')}`;
	}

	/**
	 * n8n 2.x registers the webhooks of published workflows asynchronously after startup:
	 * probe with a CORS preflight, which does not run the workflow and answers 2xx only once
	 * `method path` is registered (404 before).
	 * @param {string} webhookPath
	 * @param {{ method?: string, timeoutMs?: number }} [options]
	 */
	async waitForWebhook(webhookPath, { method = 'POST', timeoutMs = 60000 } = {}) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const status = await httpStatus(this.webhookUrl(webhookPath), {
				method: 'OPTIONS',
				headers: { Origin: this.url, 'Access-Control-Request-Method': method.toUpperCase() },
			});
			if (status >= 200 && status < 300) return;
			this.throwIfExited();
			if (Date.now() > deadline) {
				throw new Error(
					`webhook ${method} ${webhookPath} not registered after ${timeoutMs} ms (last status ${status}):\n${this.logTail()}`,
				);
			}
			await sleep(250);
		}
	}

	/** Kills the server's process group and waits until it is gone. */
	async stop() {
		await killGroup(this.pid, 10000);
		return await this.done;
	}
}

module.exports = { N8nServer };
