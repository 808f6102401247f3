// @ts-check
'use strict';
/**
 * The services queue mode needs besides n8n: Debian's PostgreSQL and Redis on free ports of
 * 127.0.0.1 with their data in temporary folders, each a child in its own process group.
 */
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');

const { defaultLog } = require('./installCache');
const { freePorts } = require('./network');
const { killGroup, pidAlive, releaseFolder, runCommand, sleep, spawnGroup, trackFolder } = require('./processes');
const { postgresBinDir } = require('./systemPackages');

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

module.exports = { Postgres, Redis, startChild, waitFor, tempFolder, removeFolder, DATABASE, DB_USER };
