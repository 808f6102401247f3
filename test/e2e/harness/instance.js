// @ts-check
'use strict';
/**
 * One headless n8n with a fresh, throw-away user folder (SQLite database, binary data,
 * installed community packages), driven through n8n's CLI.
 */
const crypto = require('node:crypto');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');

const { loadExecution } = require('./executionResult');

/** @type {import('./processes').Finished} what readExecution assumes when no command of ours ran the execution */
const NO_COMMAND = { code: 0, signal: null, stdout: '', stderr: '', timedOut: false };
const { defaultLog, ensureInstalled, toolEnv } = require('./installCache');
const { freePorts } = require('./network');
const { killGroup, outputTail, releaseFolder, runCommand, spawnGroup, trackFolder } = require('./processes');
const { N8nServer } = require('./server');
const { unpackPackage } = require('./unpackPackage');

/**
 * @typedef {object} InstanceOptions
 * @property {string} [packageTarball] the package, installed by `installRoute`
 * @property {InstallRoute} [installRoute] how n8n gets the package (default 'nodes')
 * @property {string} [customExtensionsDir] N8N_CUSTOM_EXTENSIONS (node type CUSTOM.<name>)
 * @property {'filesystem' | 'default'} [binaryDataMode] 'filesystem' (default): binary data in files,
 *   items hold ids; 'default': inline base64 in the items (n8n 1.x's default)
 * @property {Record<string, string>} [env] extra environment variables for every n8n command
 * @property {(line: string) => void} [log] progress lines of the install
 * @property {import('./installCache').N8nLine} [line] which pinned n8n: '2.x' (default) or '1.x'
 */

/** @typedef {{ id: string, name: string, type: string, data: Record<string, unknown> }} CredentialInput */
/** @typedef {import('./unpackPackage').InstallRoute} InstallRoute */

/**
 * @param {import('./installCache').Installation} installation
 * @param {string} userFolder @param {number[]} ports @param {InstanceOptions} options
 * @returns {NodeJS.ProcessEnv}
 */
function instanceEnv(installation, userFolder, [port, brokerPort], { binaryDataMode = 'filesystem', customExtensionsDir, env = {} }) {
	const base = toolEnv(installation.nodeBin, installation.nodeDir);
	for (const name of Object.keys(base)) if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|GENERIC_TIMEZONE)/.test(name)) delete base[name];
	return {
		...base,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_LOG_FORMAT: 'json',
		N8N_LOG_LEVEL: 'info',
		N8N_DEFAULT_BINARY_DATA_MODE: binaryDataMode,
		// Same folder on n8n 1.x (default .n8n/binaryData) and 2.x (default .n8n/storage).
		N8N_BINARY_DATA_STORAGE_PATH: path.join(userFolder, '.n8n', 'binary-data'),
		// The harness reads results from the database: make sure every run is saved there.
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		N8N_EXECUTION_DATA_STORAGE_MODE: 'database',
		N8N_SECURE_COOKIE: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// Its startup task fetches https://api.n8n.io (no internet here, noisy stack trace); 1.x has no such module.
		...(Number(installation.version.split('.')[0]) >= 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
		...(customExtensionsDir ? { N8N_CUSTOM_EXTENSIONS: path.resolve(customExtensionsDir) } : {}),
		...env,
	};
}

class N8nInstance {
	/**
	 * Installs n8n if needed, then prepares a fresh user folder (and installs the package).
	 * @param {InstanceOptions} [options]
	 */
	static async create(options = {}) {
		const installation = await ensureInstalled({ log: options.log ?? defaultLog, line: options.line });
		const userFolder = await fsp.mkdtemp(path.join(os.tmpdir(), 'runbase-n8n-e2e-'));
		trackFolder(userFolder);
		const ports = await freePorts(2);
		const route = options.installRoute ?? 'nodes';
		const customExtensionsDir = route === 'extensions' ? path.join(userFolder, 'extensions') : options.customExtensionsDir;
		const env = instanceEnv(installation, userFolder, ports, { ...options, customExtensionsDir });
		const instance = new N8nInstance(installation, userFolder, env, ports[0]);
		try {
			const { packageTarball } = options;
			if (packageTarball && route === 'nodes') await instance.installPackage(packageTarball);
			if (packageTarball && route === 'custom') await unpackPackage(packageTarball, path.join(userFolder, '.n8n', 'custom'));
			if (packageTarball && route === 'extensions' && customExtensionsDir) await unpackPackage(packageTarball, customExtensionsDir);
		} catch (error) {
			await instance.dispose();
			throw error;
		}
		return instance;
	}

	/**
	 * @param {import('./installCache').Installation} installation
	 * @param {string} userFolder @param {NodeJS.ProcessEnv} env @param {number} port
	 * @private
	 */
	constructor(installation, userFolder, env, port) {
		this.installation = installation;
		this.userFolder = userFolder;
		this.env = env;
		this.port = port;
		this.version = installation.version;
		/** Release line of the pinned n8n: '2.x' or '1.x' */
		this.line = installation.line;
		/** @type {string | null} name of the installed community package */
		this.packageName = null;
		/** @type {Set<number>} process groups of this instance still running */
		this.running = new Set();
		/** @type {N8nServer[]} */
		this.servers = [];
		this.disposed = false;
		this.fileCounter = 0;
		/** Highest execution id seen: executions up to it belong to earlier runs */
		this.lastExecutionId = 0;
		/** @type {Promise<unknown>} executions run one after the other */
		this.executions = Promise.resolve();
	}

	/** The node type of a node of the installed package. @param {string} name */
	nodeType(name) {
		return `${this.packageName || 'CUSTOM'}.${name}`;
	}

	/**
	 * Runs an n8n CLI command to its end.
	 * @param {string[]} args @param {{ timeoutMs?: number, check?: boolean }} [options]
	 */
	async run(args, { timeoutMs = 120000, check = true } = {}) {
		if (this.disposed) throw new Error('n8n instance already disposed');
		const { pid, done } = spawnGroup(this.installation.nodeBin, [this.installation.n8nBin, ...args], {
			env: this.env,
			cwd: this.userFolder,
			timeoutMs,
		});
		this.running.add(pid);
		const finished = await done.finally(() => this.running.delete(pid));
		if (check && (finished.code !== 0 || finished.timedOut)) {
			const why = finished.timedOut ? `timed out after ${timeoutMs} ms` : `exit code ${finished.code}`;
			throw new Error(`n8n ${args.join(' ')} failed (${why}):\n${outputTail(finished, 30)}`);
		}
		return finished;
	}

	/** @param {string} kind @param {unknown[]} entries @private */
	async writeInput(kind, entries) {
		const file = path.join(this.userFolder, `${kind}-${++this.fileCounter}.json`);
		await fsp.writeFile(file, JSON.stringify(entries, null, 2));
		return file;
	}

	/** @param {CredentialInput[]} credentials data in plain text; n8n encrypts it */
	async importCredentials(credentials) {
		return await this.run(['import:credentials', `--input=${await this.writeInput('credentials', credentials)}`]);
	}

	/** @param {unknown[]} workflows each with an `id` */
	async importWorkflows(workflows) {
		return await this.run(['import:workflow', `--input=${await this.writeInput('workflows', workflows)}`]);
	}

	/** Publishes (activates) a workflow; do it before startServer: a running n8n ignores it. @param {string} id */
	async publishWorkflow(id) {
		// n8n 1.x has no publish command: it activates with update:workflow.
		const args = this.line === '1.x' ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`];
		return await this.run(args);
	}

	/**
	 * Runs a workflow with `n8n execute` and returns its saved result and images; see
	 * executionResult.js. Never throws for a failed run: look at `ok` and `failure`.
	 * @param {string} workflowId @param {{ timeoutMs?: number }} [options]
	 * @returns {Promise<import('./executionResult').ExecutionRun>}
	 */
	async execute(workflowId, { timeoutMs = 180000 } = {}) {
		const turn = this.executions.then(async () => {
			const end = await this.run(['execute', `--id=${workflowId}`], { timeoutMs, check: false });
			return await this.readExecution(workflowId, { end: { ...end, timeoutMs } });
		});
		this.executions = turn.catch(() => undefined);
		return await turn;
	}

	/**
	 * The newest saved execution of a workflow: by default the `n8n execute` one since the last
	 * one read; with `mode: 'webhook'` or `'retry'`, the newest one a webhook (or a retry) started on the running server.
	 * @param {string} workflowId
	 * @param {{ end?: import('./processes').Finished & { timeoutMs?: number }, mode?: 'cli' | 'webhook' | 'retry' }} [options]
	 */
	async readExecution(workflowId, { end = NO_COMMAND, mode = 'cli' } = {}) {
		const { nodeBin, root: n8nRoot } = this.installation;
		const afterId = mode === 'cli' ? this.lastExecutionId : 0;
		const source = { nodeBin, n8nRoot, userFolder: this.userFolder, binaryStorageRoots: this.binaryStorageRoots(), workflowId, afterId, mode, env: this.env };
		const { run, lastId } = await loadExecution(source, end);
		if (mode === 'cli') this.lastExecutionId = Math.max(this.lastExecutionId, lastId);
		return run;
	}

	/** Folders where n8n 1.x or 2.x may keep filesystem binary data. */
	binaryStorageRoots() {
		const n8nFolder = path.join(this.userFolder, '.n8n');
		const configured = [this.env.N8N_BINARY_DATA_STORAGE_PATH, this.env.N8N_STORAGE_PATH];
		const roots = [...configured, path.join(n8nFolder, 'storage'), path.join(n8nFolder, 'binaryData')];
		return [...new Set(roots.filter(/** @returns {root is string} */ (root) => Boolean(root)))];
	}

	/** Starts `n8n start` and waits until it is ready. @param {{ timeoutMs?: number }} [options] */
	async startServer({ timeoutMs } = {}) {
		if (this.disposed) throw new Error('n8n instance already disposed');
		const { nodeBin, n8nBin } = this.installation;
		const server = await N8nServer.start({ nodeBin, n8nBin, env: this.env, cwd: this.userFolder, port: this.port, timeoutMs });
		this.servers.push(server);
		return server;
	}

	/** Kills every process of this instance and removes its user folder. */
	async dispose() {
		this.disposed = true;
		await Promise.all([...this.servers.map((server) => server.stop()), ...[...this.running].map((pid) => killGroup(pid))]);
		this.running.clear();
		await fsp.rm(this.userFolder, { recursive: true, force: true, maxRetries: 3 });
		releaseFolder(this.userFolder);
	}

	/** Installs a packed package the way n8n's community-node installer does. @param {string} tarball @private */
	async installPackage(tarball) {
		const nodesDir = path.join(this.userFolder, '.n8n', 'nodes');
		await fsp.mkdir(nodesDir, { recursive: true });
		const manifest = path.join(nodesDir, 'package.json');
		await fsp.writeFile(manifest, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
		const args = ['install', '--ignore-scripts', '--omit=peer', '--no-audit', '--no-fund', path.resolve(tarball)];
		const env = toolEnv(this.installation.nodeBin, this.installation.nodeDir);
		await runCommand('npm', args, { cwd: nodesDir, env, timeoutMs: 300000 });
		const dependencies = JSON.parse(await fsp.readFile(manifest, 'utf8')).dependencies || {};
		this.packageName = Object.keys(dependencies)[0] || null;
	}
}

module.exports = { N8nInstance };
