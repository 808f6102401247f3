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
const os = require('node:os');
const path = require('node:path');

const { defaultLog, ensureInstalled } = require('./installCache');
const { N8nInstance } = require('./instance');
const { freePorts } = require('./network');
const { killGroup, pidAlive, releaseFolder, runCommand, sleep, spawnGroup, trackFolder } = require('./processes');
const { ensurePackages, postgresBinDir } = require('./systemPackages');

const DATABASE = 'n8n';
const DB_USER = 'postgres';

/**
 * A child process in its own process group whose output lines are kept.
 * @param {string} label @param {string} command @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string }} options
 */
function startChild(label, command, args, options) {
	/** @type {string[]} */
	const lines = [];
	const child = {
		label,
		lines,
		/** @type {number | null} */
		exitCode: null,
		pid: 0,
		/** @type {Promise<unknown>} */
		done: Promise.resolve(),
		/** @param {string} text */
		saw: (text) => lines.some((line) => line.includes(text)),
		tail: (count = 30) => lines.slice(-count).join('\n'),
	};
	const { pid, done } = spawnGroup(command, args, { ...options, onLine: (line) => lines.push(line) });
	child.pid = pid;
	child.done = done.then(
		(finished) => (child.exitCode = finished.code ?? -1),
		(error) => {
			lines.push(String(error));
			child.exitCode = -1;
		},
	);
	return child;
}

/** @typedef {ReturnType<typeof startChild>} Child */

/**
 * Waits until `ready()` is true; throws with the child's log when it exits first or time runs out.
 * @param {Child} child @param {() => boolean} ready @param {string} what @param {number} timeoutMs
 */
async function waitFor(child, ready, what, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (ready()) return;
		if (child.exitCode !== null)
			throw new Error(`${child.label} exited with code ${child.exitCode} before ${what}:\n${child.tail()}`);
		if (Date.now() > deadline) throw new Error(`${child.label}: no ${what} after ${timeoutMs} ms:\n${child.tail()}`);
		await sleep(200);
	}
}

/** A fresh temporary folder, removed at exit unless released. @param {string} prefix */
async function tempFolder(prefix) {
	const folder = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
	trackFolder(folder);
	return folder;
}

/** @param {string} folder */
async function removeFolder(folder) {
	await fsp.rm(folder, { recursive: true, force: true, maxRetries: 3 });
	releaseFolder(folder);
}

/** Runs `command` as the postgres user when root (initdb and postgres refuse root). @param {string} command @param {string[]} args */
function asPostgres(command, args) {
	return process.getuid?.() === 0 ? { command: 'runuser', args: ['-u', 'postgres', '--', command, ...args] } : { command, args };
}

/**
 * Debian's PostgreSQL server in a temporary folder: initdb, `postgres` as a child in its
 * own process group (port `port`, socket in the folder, 127.0.0.1 only, durability off:
 * the data is thrown away), then the database `n8n`.
 */
class Postgres {
	/** @param {{ log?: (line: string) => void }} [options] */
	static async start({ log = defaultLog } = {}) {
		const binDir = postgresBinDir();
		if (!binDir) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
		const folder = await tempFolder('runbase-pg-');
		const pg = new Postgres(binDir, folder, (await freePorts(1))[0]);
		try {
			if (process.getuid?.() === 0) await runCommand('chown', ['postgres:postgres', folder]);
			const started = Date.now();
			const initdbArgs = ['-D', pg.dataDir, '-A', 'trust', '-U', DB_USER, '-E', 'UTF8', '--locale=C', '--no-sync'];
			const initdb = asPostgres(path.join(binDir, 'initdb'), initdbArgs);
			await runCommand(initdb.command, initdb.args, { cwd: folder, timeoutMs: 120_000 });
			const server = asPostgres(path.join(binDir, 'postgres'), [
				...['-D', pg.dataDir, '-p', String(pg.port), '-k', folder],
				...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off'],
				...['-c', 'full_page_writes=off', '-c', 'max_connections=200'],
			]);
			const child = startChild('postgres', server.command, server.args, { cwd: folder });
			pg.child = child;
			await waitFor(child, () => child.saw('database system is ready to accept connections'), 'readiness', 60_000);
			await runCommand(path.join(binDir, 'createdb'), ['-h', '127.0.0.1', '-p', String(pg.port), '-U', DB_USER, DATABASE], {
				timeoutMs: 60_000,
			});
			log(`postgres ready on 127.0.0.1:${pg.port} in ${Date.now() - started} ms`);
			return pg;
		} catch (error) {
			await pg.stop();
			throw error;
		}
	}

	/** @param {string} binDir @param {string} folder @param {number} port @private */
	constructor(binDir, folder, port) {
		this.binDir = binDir;
		this.folder = folder;
		this.dataDir = path.join(folder, 'data');
		this.port = port;
		/** @type {Child | null} */
		this.child = null;
	}

	/** Runs SQL with psql; returns the rows, columns split on tabs. @param {string} sql */
	async query(sql) {
		const args = ['-h', '127.0.0.1', '-p', String(this.port), '-U', DB_USER, '-d', DATABASE];
		const finished = await runCommand(
			path.join(this.binDir, 'psql'),
			[...args, '-X', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql],
			{
				timeoutMs: 60_000,
			},
		);
		return finished.stdout
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => line.split('\t'));
	}

	/** Fast shutdown (SIGINT: clients cut off), the group killed if it lingers, the folder removed. */
	async stop() {
		const child = this.child;
		if (child && child.exitCode === null) {
			try {
				process.kill(-child.pid, 'SIGINT');
			} catch {
				// already gone
			}
			const deadline = Date.now() + 15_000;
			while (pidAlive(-child.pid) && Date.now() < deadline) await sleep(100);
			await killGroup(child.pid, 2000);
		}
		await removeFolder(this.folder);
	}
}

/** redis-server as a child in its own process group: 127.0.0.1, a free port, nothing saved. */
class Redis {
	/** @param {{ log?: (line: string) => void }} [options] */
	static async start({ log = defaultLog } = {}) {
		const folder = await tempFolder('runbase-redis-');
		const [port] = await freePorts(1);
		const redis = new Redis(folder, port);
		try {
			const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
			redis.child = startChild('redis-server', '/usr/bin/redis-server', [...args, '--daemonize', 'no', '--dir', folder], {
				cwd: folder,
			});
			const child = redis.child;
			await waitFor(child, () => child.saw('Ready to accept connections'), 'readiness', 30_000);
			log(`redis ready on 127.0.0.1:${port}`);
			return redis;
		} catch (error) {
			await redis.stop();
			throw error;
		}
	}

	/** @param {string} folder @param {number} port @private */
	constructor(folder, port) {
		this.folder = folder;
		this.port = port;
		/** @type {Child | null} */
		this.child = null;
	}

	async stop() {
		if (this.child) await killGroup(this.child.pid, 5000);
		await removeFolder(this.folder);
	}
}

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
				const active = await Promise.all(publish.map((id) => this.isActive(id)));
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

	/**
	 * Whether the main has activated a published workflow. n8n logs "Activated workflow" when it
	 * activates at startup itself (n8n 1.x, 2.x up to 2.39, N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false).
	 * 2.41's publication service does it after startup and logs nothing at info level: there
	 * n8n's own records say it, the workflow's webhooks stored in webhook_entity (where the main
	 * looks them up) and its latest publication outbox record completed.
	 * @param {string} workflowId @private
	 */
	async isActive(workflowId) {
		const logged = this.mainLogs().some((line) => line.includes('Activated workflow') && line.includes(workflowId));
		if (logged) return true;
		const id = workflowId.replace(/'/g, "''");
		const [[webhooks]] = await this.query(`select count(*) from webhook_entity where "workflowId" = '${id}'`);
		if (Number(webhooks) === 0) return false;
		const outbox = await this.query(
			`select status, coalesce("errorMessage", '') from workflow_publication_outbox where "workflowId" = '${id}' order by id desc limit 1`,
		).catch(() => /** @type {string[][]} */ ([])); // no such table: no publication service
		if (outbox.length === 0) return true;
		const [status, errorMessage] = outbox[0];
		if (status === 'failed' || status === 'partial_success') {
			throw new Error(`n8n could not activate workflow ${workflowId} (publication ${status}): ${errorMessage}`);
		}
		return status === 'completed';
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
