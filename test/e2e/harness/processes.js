// @ts-check
'use strict';
/**
 * Child processes for the harness. Every child runs in its own process group
 * (n8n starts a task runner of its own) and is killed as a whole group. Groups and
 * temporary folders still alive when this process exits or gets SIGINT/SIGTERM/SIGHUP
 * are killed and removed then.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** @type {Set<number>} */
const liveGroups = new Set();
/** @type {Set<string>} */
const liveFolders = new Set();

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** True while `pid` (or process group `-pid`) exists. @param {number} pid */
function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/** @param {number} groupId @param {NodeJS.Signals} signal */
function signalGroup(groupId, signal) {
	try {
		process.kill(-groupId, signal);
	} catch {
		// already gone
	}
}

function cleanUpNow() {
	for (const groupId of liveGroups) signalGroup(groupId, 'SIGKILL');
	liveGroups.clear();
	for (const folder of liveFolders) fs.rmSync(folder, { recursive: true, force: true });
	liveFolders.clear();
}

let handlersInstalled = false;
// Children live in their own process groups, so a Ctrl-C on the terminal does not reach
// them: kill them on exit and on termination signals, then let the signal do its default
// work when nobody else handles it.
function installExitHandlers() {
	if (handlersInstalled) return;
	handlersInstalled = true;
	process.on('exit', cleanUpNow);
	for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
		const onSignal = () => {
			cleanUpNow();
			if (process.listenerCount(signal) === 1) {
				process.removeListener(signal, onSignal);
				process.kill(process.pid, signal);
			}
		};
		process.on(signal, onSignal);
	}
}

/** Registers a temporary folder: removed at exit unless released first. @param {string} folder */
function trackFolder(folder) {
	installExitHandlers();
	liveFolders.add(folder);
}

/** @param {string} folder */
function releaseFolder(folder) {
	liveFolders.delete(folder);
}

/** SIGTERM the process group, SIGKILL after graceMs, resolve once the group is gone. */
async function killGroup(/** @type {number | undefined} */ groupId, graceMs = 5000) {
	if (!groupId) return;
	signalGroup(groupId, 'SIGTERM');
	const deadline = Date.now() + graceMs;
	while (pidAlive(-groupId) && Date.now() < deadline) await sleep(100);
	if (pidAlive(-groupId)) {
		signalGroup(groupId, 'SIGKILL');
		const hardDeadline = Date.now() + 5000;
		while (pidAlive(-groupId) && Date.now() < hardDeadline) await sleep(50);
	}
	liveGroups.delete(groupId);
}

/**
 * @typedef {object} SpawnOptions
 * @property {NodeJS.ProcessEnv} [env]
 * @property {string} [cwd]
 * @property {number} [timeoutMs] kill the group after this long
 * @property {(line: string) => void} [onLine] called with every line of stdout and stderr
 * @property {boolean} [check] runCommand only: throw unless the exit code is 0 (default true)
 */

/**
 * @typedef {object} Finished
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 * @property {boolean} timedOut
 * @property {string} stdout
 * @property {string} stderr
 */

/** Calls `onLine` for every complete line of a stream. @param {Buffer[]} sink @param {(line: string) => void} [onLine] */
function lineCollector(sink, onLine) {
	let partial = '';
	return (/** @type {Buffer} */ chunk) => {
		sink.push(chunk);
		if (!onLine) return;
		partial += chunk.toString('utf8');
		const lines = partial.split('\n');
		partial = lines.pop() ?? '';
		for (const line of lines) onLine(line);
	};
}

/**
 * Spawns `command args` in its own process group.
 * `done` resolves once the whole group is gone (children of the child included).
 * @param {string} command @param {string[]} args @param {SpawnOptions} [options]
 * @returns {{ pid: number, done: Promise<Finished> }}
 */
function spawnGroup(command, args, { env, cwd, timeoutMs, onLine } = {}) {
	installExitHandlers();
	const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	const pid = child.pid ?? 0;
	if (pid) liveGroups.add(pid);
	/** @type {Buffer[]} */
	const stdout = [];
	/** @type {Buffer[]} */
	const stderr = [];
	child.stdout.on('data', lineCollector(stdout, onLine));
	child.stderr.on('data', lineCollector(stderr, onLine));
	let timedOut = false;
	/** @type {NodeJS.Timeout | undefined} */
	let timer;
	if (timeoutMs) {
		timer = setTimeout(() => {
			timedOut = true;
			void killGroup(pid);
		}, timeoutMs);
	}
	/** @type {Promise<Finished>} */
	const done = new Promise((resolve, reject) => {
		child.on('error', (error) => {
			liveGroups.delete(pid);
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', async (code, signal) => {
			clearTimeout(timer);
			// The main process is gone; make sure its children (task runner) are too.
			if (pidAlive(-pid)) await killGroup(pid, 2000);
			liveGroups.delete(pid);
			const text = (/** @type {Buffer[]} */ chunks) => Buffer.concat(chunks).toString('utf8');
			resolve({ code, signal, timedOut, stdout: text(stdout), stderr: text(stderr) });
		});
	});
	return { pid, done };
}

/** The last lines of a finished command's output. @param {Finished} finished */
function outputTail(finished, lines = 40) {
	return `${finished.stderr}\n${finished.stdout}`.trim().split('\n').slice(-lines).join('\n');
}

/**
 * Runs a command to its end; throws with the output's tail unless it exits with 0.
 * @param {string} command @param {string[]} args @param {SpawnOptions} [options]
 */
async function runCommand(command, args, options = {}) {
	const finished = await spawnGroup(command, args, options).done;
	if (options.check !== false && (finished.code !== 0 || finished.timedOut)) {
		const why = finished.timedOut
			? `timed out after ${options.timeoutMs} ms`
			: `exit code ${finished.code}${finished.signal ? ` ${finished.signal}` : ''}`;
		const error = new Error(`${path.basename(command)} ${args.join(' ')} failed (${why}):\n${outputTail(finished)}`);
		throw Object.assign(error, { finished });
	}
	return finished;
}

module.exports = {
	sleep,
	pidAlive,
	spawnGroup,
	killGroup,
	runCommand,
	outputTail,
	trackFolder,
	releaseFolder,
};
