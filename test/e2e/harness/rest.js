// @ts-check
'use strict';
/**
 * n8n's own REST API (the one its editor uses), for tests that must let n8n's code decide:
 * owner setup, login, credentials, the credential test. Works the same on n8n 1.123.x and 2.x.
 *
 *   const rest = await N8nRest.start(instance);      // `n8n start` + owner setup + login
 *   const saved = await rest.createCredential({ name, type: 'runbaseApi', data: { apiKey, baseUrl } });
 *   const verdict = await rest.testCredential(saved);  // n8n's answer: { status: 'OK' | 'Error', message }
 *   const { status, body } = await rest.request('GET', '/rest/credentials'); // anything else
 *   rest.cookieHeader();  // "n8n-auth=..." for a browser context or another client
 *   await rest.stop();    // stops the server it started (instance.dispose() does too)
 *
 * Or, with a server started elsewhere: `await N8nRest.connect(server.url)`.
 *
 * Each request sends the same `browser-id` header: n8n binds the session cookie to it.
 */
const crypto = require('node:crypto');

/** @typedef {{ email: string, firstName: string, lastName: string, password: string }} Owner */
/** @typedef {{ status: 'OK' | 'Error', message: string }} CredentialTestResult */
/** @typedef {{ id: string, name: string, type: string, data: Record<string, unknown> }} CredentialRef */

/** The owner every test instance gets (n8n wants 8+ characters, a digit and an uppercase letter). */
const DEFAULT_OWNER = Object.freeze({
	email: 'owner@runbase-e2e.test',
	firstName: 'E2e',
	lastName: 'Owner',
	password: 'Runbase-e2e-Passw0rd',
});

/** A failed REST call: HTTP status and n8n's answer. */
class RestError extends Error {
	/** @param {string} what @param {number} status @param {unknown} body */
	constructor(what, status, body) {
		super(`${what}: HTTP ${status} ${typeof body === 'string' ? body.slice(0, 500) : JSON.stringify(body).slice(0, 500)}`);
		this.name = 'RestError';
		this.status = status;
		this.body = body;
	}
}

class N8nRest {
	/**
	 * Starts `n8n start` for the instance, sets up its owner and logs in.
	 * @param {import('./instance').N8nInstance} instance
	 * @param {{ owner?: Owner, timeoutMs?: number }} [options]
	 */
	static async start(instance, { owner = DEFAULT_OWNER, timeoutMs } = {}) {
		const server = await instance.startServer({ timeoutMs });
		try {
			const rest = await N8nRest.connect(server.url, { owner });
			rest.server = server;
			return rest;
		} catch (error) {
			await server.stop();
			throw error;
		}
	}

	/**
	 * Sets up the owner on a fresh n8n at `url` (skipped when `setupOwner` is false) and logs in.
	 * @param {string} url e.g. http://127.0.0.1:5678
	 * @param {{ owner?: Owner, setupOwner?: boolean }} [options]
	 */
	static async connect(url, { owner = DEFAULT_OWNER, setupOwner = true } = {}) {
		const rest = new N8nRest(url, owner);
		if (setupOwner) await rest.setupOwner();
		await rest.login();
		return rest;
	}

	/** @param {string} url @param {Owner} owner @private */
	constructor(url, owner) {
		/** Base URL of the n8n server */
		this.url = url.replace(/\/+$/, '');
		this.owner = owner;
		this.browserId = crypto.randomUUID();
		/** @type {string | null} value of the `n8n-auth` cookie once logged in */
		this.authToken = null;
		/** @type {import('./server').N8nServer | null} set when N8nRest.start started it */
		this.server = null;
	}

	/** The Cookie header of the logged-in session. */
	cookieHeader() {
		return this.authToken ? `n8n-auth=${this.authToken}` : '';
	}

	/**
	 * One REST call with the session cookie. n8n wraps answers in `{ data }`; `body` is unwrapped.
	 * @param {string} method @param {string} path e.g. '/rest/credentials'
	 * @param {unknown} [payload] sent as JSON
	 * @returns {Promise<{ status: number, body: any, raw: unknown, headers: Headers }>}
	 */
	async request(method, path, payload) {
		/** @type {Record<string, string>} */
		const headers = { accept: 'application/json', 'browser-id': this.browserId };
		if (this.authToken) headers.cookie = this.cookieHeader();
		if (payload !== undefined) headers['content-type'] = 'application/json';
		const response = await fetch(`${this.url}${path}`, {
			method,
			headers,
			body: payload === undefined ? undefined : JSON.stringify(payload),
			redirect: 'manual',
			signal: AbortSignal.timeout(60000),
		});
		for (const cookie of response.headers.getSetCookie()) {
			const match = /^n8n-auth=([^;]*)/.exec(cookie);
			if (match) this.authToken = match[1] || null;
		}
		const text = await response.text();
		/** @type {unknown} */
		let raw = text;
		try {
			raw = JSON.parse(text);
		} catch {
			// not JSON: keep the text
		}
		const body = raw && typeof raw === 'object' && 'data' in raw ? /** @type {{ data: unknown }} */ (raw).data : raw;
		return { status: response.status, body, raw, headers: response.headers };
	}

	/** Like request, but throws a RestError unless the status is 2xx. @param {string} method @param {string} path @param {unknown} [payload] */
	async call(method, path, payload) {
		const answer = await this.request(method, path, payload);
		if (answer.status < 200 || answer.status >= 300) throw new RestError(`${method} ${path}`, answer.status, answer.raw);
		return answer.body;
	}

	/** `POST /rest/owner/setup` on a fresh instance. */
	async setupOwner() {
		const { email, firstName, lastName, password } = this.owner;
		return await this.call('POST', '/rest/owner/setup', { email, firstName, lastName, password });
	}

	/** `POST /rest/login`: sets the session cookie. */
	async login() {
		const { email, password } = this.owner;
		const user = await this.call('POST', '/rest/login', { emailOrLdapLoginId: email, password });
		if (!this.authToken) throw new Error('POST /rest/login: n8n set no n8n-auth cookie');
		return user;
	}

	/**
	 * `POST /rest/credentials`: saves a credential in the owner's personal project, like the
	 * editor's Save button. Returns what n8n saved (with its `id`; `data` is not returned).
	 * @param {{ name: string, type: string, data: Record<string, unknown> }} credential
	 * @returns {Promise<CredentialRef & Record<string, unknown>>}
	 */
	async createCredential({ name, type, data }) {
		const saved = await this.call('POST', '/rest/credentials', { name, type, data });
		return { ...saved, data };
	}

	/**
	 * `POST /rest/credentials/test`, as the editor sends it: n8n runs the credential type's
	 * test (here the node's `testedBy` method) and answers `{ status, message }`. n8n 1.x and
	 * 2.x test only saved credentials: pass one from createCredential (its `id`); `data` is
	 * what the editor's form holds, and is what gets tested.
	 * @param {CredentialRef} credential
	 * @returns {Promise<CredentialTestResult>}
	 */
	async testCredential({ id, name, type, data }) {
		const result = await this.call('POST', '/rest/credentials/test', { credentials: { id, name, type, data } });
		if (!result || typeof result !== 'object' || typeof result.status !== 'string') {
			throw new Error(`POST /rest/credentials/test: unexpected answer ${JSON.stringify(result)}`);
		}
		return { status: result.status, message: result.message };
	}

	/** Stops the server if N8nRest.start started it. */
	async stop() {
		await this.server?.stop();
	}
}

module.exports = { N8nRest, RestError, DEFAULT_OWNER };
