// @ts-check
'use strict';
/**
 * n8n's queue mode for the end-to-end tests: Debian's PostgreSQL and Redis on free ports
 * of 127.0.0.1 with their data in temporary folders, one `n8n start` (main) and N
 * `n8n worker`s. Like separate containers, every n8n process has a user folder of its own
 * (n8n writes its event log, crash journal and settings there) with the package installed
 * from its packed tarball, and they share the database, Redis and the encryption key.
 *
 *   const cluster = await QueueModeCluster.create({ packageTarball, workers: 2, concurrency: 10 });
 *   await cluster.importCredentials([...]); await cluster.importWorkflows([...]);
 *   await cluster.start({ publish: [workflowId] }); // main and workers; resolves once the main
 *                                                   // has activated each (its webhooks answer)
 *   await fetch(cluster.webhookUrl('some-path'), ...);
 *   cluster.workerExecutions();  // execution ids each worker logged "Worker started execution" for
 *   await cluster.query('select status from execution_entity');
 *   await cluster.stop();        // every process gone, every folder removed (also after a failure)
 *
 * Binary data: n8n does not support filesystem mode in queue mode; the cluster sets the
 * database mode (n8n 2.x's own default there).
 */
const crypto = require('node:crypto');
const fsp = require('node:fs/promises');
const path = require('node:path');

const { defaultLog, ensureInstalled } = require('./installCache');
const { N8nInstance } = require('./instance');
const { freePorts } = require('./network');
const { killGroup, sleep } = require('./processes');
const { DATABASE, DB_USER, Postgres, Redis, startChild, waitFor } = require('./services');

/** @typedef {import('./services').Child} Child */
const { ensurePackages } = require('./systemPackages');
const { workflowIsActive } = require('./activation');

/**
 * @typedef {object} QueueModeOptions
 * @property {string} packageTarball installed into every n8n process's user folder
 * @property {number} [workers] how many `n8n worker` processes (default 2)
 * @property {number} [concurrency] each worker's --concurrency (default 10)
 * @property {Record<string, string>} [env] extra environment variables for every n8n process
 * @property {(line: string) => void} [log]
 */

class QueueModeCluster {
	/**
	 * Installs what is missing (redis-server, postgresql with apt-get; the pinned n8n), starts
	 * Postgres and Redis and prepares the user folders. n8n itself starts with `start()`.
	 * @param {QueueModeOptions} options
	 */
	static async create({ packageTarball, workers = 2, concurrency = 10, env = {}, log = defaultLog }) {
		await ensurePackages(['redis-server', 'postgresql'], log);
		await ensureInstalled({ log });
		const cluster = new QueueModeCluster(concurrency, log);
		try {
			const [startedPostgres, startedRedis] = await Promise.allSettled([Postgres.start({ log }), Redis.start({ log })]);
			// Keep whichever started, so that stop() ends it when the other failed.
			if (startedPostgres.status === 'fulfilled') cluster.postgres = startedPostgres.value;
			if (startedRedis.status === 'fulfilled') cluster.redis = startedRedis.value;
			if (startedPostgres.status === 'rejected') throw startedPostgres.reason;
			if (startedRedis.status === 'rejected') throw startedRedis.reason;
			const postgres = startedPostgres.value;
			const redis = startedRedis.value;
			const shared = {
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: '127.0.0.1',
				DB_POSTGRESDB_PORT: String(postgres.port),
				DB_POSTGRESDB_USER: DB_USER,
				DB_POSTGRESDB_PASSWORD: '',
				DB_POSTGRESDB_DATABASE: DATABASE,
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(redis.port),
				N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
				N8N_DEFAULT_BINARY_DATA_MODE: 'database',
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				...env,
			};
			const healthPorts = await freePorts(workers + 1);
			/** @param {number} index @param {string} [tarball] */
			const create = (index, tarball) =>
				N8nInstance.create({
					packageTarball: tarball,
					env: { ...shared, QUEUE_HEALTH_CHECK_PORT: String(healthPorts[index]) },
					log: () => {},
				});
			cluster.main = await create(0, packageTarball);
			// Workers get a copy of the main's installed package (same result as installing it again, faster).
			const nodesDir = path.join(cluster.main.userFolder, '.n8n', 'nodes');
			for (let index = 1; index <= workers; index++) {
				const worker = await create(index);
				cluster.workerInstances.push(worker);
				await fsp.cp(nodesDir, path.join(worker.userFolder, '.n8n', 'nodes'), { recursive: true });
			}
			return cluster;
		} catch (error) {
			await cluster.stop();
			throw error;
		}
	}

	/** @param {number} concurrency @param {(line: string) => void} log @private */
	constructor(concurrency, log) {
		this.concurrency = concurrency;
		this.log = log;
		/** @type {Postgres | null} */
		this.postgres = null;
		/** @type {Redis | null} */
		this.redis = null;
		/** @type {N8nInstance | null} imports, publishing and `n8n start` run here */
		this.main = null;
		/** @type {N8nInstance[]} */
		this.workerInstances = [];
		/** @type {import('./server').N8nServer | null} */
		this.server = null;
		/** @type {Child[]} */
		this.workers = [];
	}

	/** @returns {N8nInstance} @private */
	mainInstance() {
		if (!this.main) throw new Error('queue mode cluster not created');
		return this.main;
	}

	/** The node type of a node of the installed package. @param {string} name */
	nodeType(name) {
		return this.mainInstance().nodeType(name);
	}

	/** @param {import('./instance').CredentialInput[]} credentials */
	importCredentials(credentials) {
		return this.mainInstance().importCredentials(credentials);
	}

	/** @param {unknown[]} workflows */
	importWorkflows(workflows) {
		return this.mainInstance().importWorkflows(workflows);
	}

	/**
	 * Publishes `publish`, starts the workers and the main, and resolves once every worker is
	 * ready and the main has activated each published workflow (see `isActive`). An OPTIONS
	 * probe of the webhook is no readiness signal: in queue mode it can answer 2xx earlier.
	 * @param {{ publish?: string[], timeoutMs?: number }} [options]
	 */
	async start({ publish = [], timeoutMs = 180_000 } = {}) {
		const main = this.mainInstance();
		for (const id of publish) await main.publishWorkflow(id);
		const started = Date.now();
		this.workers = this.workerInstances.map((worker, index) => {
			const { nodeBin, n8nBin } = worker.installation;
			const args = [n8nBin, 'worker', `--concurrency=${this.concurrency}`];
			return startChild(`n8n worker ${index + 1}`, nodeBin, args, { env: worker.env, cwd: worker.userFolder });
		});
		const workersReady = Promise.all(
			this.workers.map((worker) => waitFor(worker, () => worker.saw('n8n worker is now ready'), 'readiness', timeoutMs)),
		);
		const mainReady = (async () => {
			this.server = await main.startServer({ timeoutMs });
			const server = this.server;
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const active = await Promise.all(publish.map((id) => workflowIsActive(this.mainLogs(), (sql) => this.query(sql), id)));
				if (active.every(Boolean)) return;
				if (server.exitCode !== null) throw new Error(`n8n main exited with code ${server.exitCode}:\n${server.logTail()}`);
				if (Date.now() > deadline) {
					throw new Error(`n8n main: workflows ${publish.join(', ')} not activated after ${timeoutMs} ms:\n${server.logTail()}`);
				}
				await sleep(250);
			}
		})();
		const results = await Promise.allSettled([workersReady, mainReady]);
		const failure = results.find((result) => result.status === 'rejected');
		if (failure) throw /** @type {PromiseRejectedResult} */ (failure).reason;
		this.log(`queue mode: main and ${this.workers.length} workers ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	}

	/** @param {string} webhookPath */
	webhookUrl(webhookPath) {
		if (!this.server) throw new Error('queue mode cluster not started');
		return this.server.webhookUrl(webhookPath);
	}

	/** Every output line of the main so far. */
	mainLogs() {
		return this.server ? this.server.logs() : [];
	}

	/** Execution ids each worker started ("Worker started execution <id> (job <n>)"), by worker. */
	workerExecutions() {
		return this.workers.map((worker) =>
			worker.lines.flatMap((line) => {
				const match = /Worker started execution (\d+)/.exec(line);
				return match ? [match[1]] : [];
			}),
		);
	}

	/** @param {string} sql */
	query(sql) {
		if (!this.postgres) throw new Error('queue mode cluster not created');
		return this.postgres.query(sql);
	}

	/** Output of every process, for a failed test's report. */
	logTails(count = 20) {
		const parts = [`--- main ---\n${this.server?.logTail(count) ?? ''}`];
		for (const worker of this.workers) parts.push(`--- ${worker.label} ---\n${worker.tail(count)}`);
		return parts.join('\n');
	}

	/** Stops the n8n processes, then Redis and Postgres, and removes every folder; each step runs even if one fails. */
	async stop() {
		const steps = [
			async () => {
				await Promise.all([
					...this.workers.map((worker) => killGroup(worker.pid, 10_000)),
					this.main?.dispose(),
					...this.workerInstances.map((worker) => worker.dispose()),
				]);
			},
			async () => await this.redis?.stop(),
			async () => await this.postgres?.stop(),
		];
		/** @type {unknown[]} */
		const errors = [];
		for (const step of steps) await step().catch((error) => errors.push(error));
		if (errors.length > 0) throw errors[0];
	}
}

module.exports = { QueueModeCluster, Postgres, Redis };
