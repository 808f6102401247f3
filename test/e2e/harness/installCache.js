// @ts-check
'use strict';
/**
 * Installs a pinned n8n into a cache folder outside the repository, once: `npm ci --omit=dev
 * --ignore-scripts`, then sqlite3 built from source for Node 24. Two release lines are pinned,
 * each with package.json + package-lock.json: '2.x' in ../runtime (the default) and '1.x' in
 * ../runtime-1x (its package.json overrides `xlsx` with the registry's 0.18.5: n8n 1.x asks
 * for a tarball from a host outside the registry). The folder name carries a hash of both
 * files, a lock keeps parallel runs from installing twice, and a marker file is written last.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');

const { withLock } = require('./lock');
const { cachedNodeHeaders } = require('./nodeHeaders');
const { findNode24 } = require('./node24');
const { pidAlive, runCommand } = require('./processes');

/** @typedef {'2.x' | '1.x'} N8nLine */

/** Where each line is pinned, and the variable that may point its install elsewhere. */
const LINES = /** @type {const} */ ({
	'2.x': { dir: path.join(__dirname, '..', 'runtime'), cacheEnv: 'RUNBASE_N8N_CACHE' },
	'1.x': { dir: path.join(__dirname, '..', 'runtime-1x'), cacheEnv: 'RUNBASE_N8N_CACHE_1X' },
});
/** @type {N8nLine} */
const DEFAULT_LINE = '2.x';
/** @type {N8nLine[]} */
const N8N_LINES = ['2.x', '1.x'];
const MARKER = '.runbase-install-complete.json';

/** @param {string} line */
const defaultLog = (line) => console.error(`[n8n] ${line}`);

/**
 * @typedef {object} Installation
 * @property {string} root install folder (holds node_modules/n8n)
 * @property {string} n8nBin
 * @property {string} nodeBin Node 24
 * @property {string | undefined} nodeDir Node 24's headers
 * @property {string} version n8n version
 * @property {N8nLine} line release line it was pinned for
 */

/** @param {N8nLine} line */
function lineConfig(line) {
	const config = LINES[line];
	if (!config) throw new Error(`unknown n8n line "${line}" (one of ${N8N_LINES.join(', ')})`);
	return config;
}

const PINNED_FILES = ['package.json', 'package-lock.json'];

/**
 * The cache folder for what `pinnedDir` pins: `~/.cache/n8n-nodes-runbase/<name>-<hash of its package files>`.
 * @param {string} pinnedDir @param {string} name
 */
function pinnedCacheFolder(pinnedDir, name) {
	const hash = crypto.createHash('sha256');
	for (const file of PINNED_FILES) hash.update(fs.readFileSync(path.join(pinnedDir, file)));
	return path.join(os.homedir(), '.cache', 'n8n-nodes-runbase', `${name}-${hash.digest('hex').slice(0, 10)}`);
}

/** The pinned version of a line and the cache folder it installs into. @param {N8nLine} [line] */
function runtimeInfo(line = DEFAULT_LINE) {
	const { dir, cacheEnv } = lineConfig(line);
	/** @type {string} */
	const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).dependencies.n8n;
	const root = process.env[cacheEnv] || pinnedCacheFolder(dir, `n8n-${version}`);
	return { line, version, root, runtimeDir: dir };
}

/**
 * Builds `root` from the package files in `pinnedDir`: `build` works in a temporary folder beside
 * it, which becomes `root` only once `build` succeeded, so `root` is never half there.
 * @param {string} root @param {string} pinnedDir @param {(folder: string) => Promise<void>} build
 */
async function buildPinnedFolder(root, pinnedDir, build) {
	const tmp = `${root}.tmp-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
	try {
		await fsp.rm(root, { recursive: true, force: true });
		await fsp.mkdir(tmp, { recursive: true });
		for (const file of PINNED_FILES) await fsp.copyFile(path.join(pinnedDir, file), path.join(tmp, file));
		await build(tmp);
		await fsp.rename(tmp, root);
	} catch (error) {
		await fsp.rm(tmp, { recursive: true, force: true }).catch(() => {});
		throw error;
	}
}

/** The version of the n8n installed in `root` (the pinned one unless RUNBASE_N8N_CACHE(_1X) points elsewhere). @param {string} root */
function installedVersion(root) {
	const manifest = path.join(root, 'node_modules', 'n8n', 'package.json');
	return /** @type {string} */ (JSON.parse(fs.readFileSync(manifest, 'utf8')).version);
}

/** @param {string} root @returns {string | null} */
function installedAt(root) {
	const n8nBin = path.join(root, 'node_modules', 'n8n', 'bin', 'n8n');
	return fs.existsSync(path.join(root, MARKER)) && fs.existsSync(n8nBin) ? n8nBin : null;
}

const NPM_CONTEXT =
	/^npm_(lifecycle|package|config_(prefix|global|location|omit|include|production|ignore_scripts|dry_run|build_from_source))/i;

/**
 * The environment for npm and n8n: Node 24 first on PATH, no parent npm or jest context.
 * @param {string} nodeBin @param {string | undefined} nodeDir
 * @returns {NodeJS.ProcessEnv}
 */
function toolEnv(nodeBin, nodeDir) {
	const env = { ...process.env };
	env.PATH = `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH || ''}`;
	if (nodeDir) env.npm_config_nodedir = nodeDir;
	for (const name of Object.keys(env)) {
		if (NPM_CONTEXT.test(name) || name.startsWith('JEST_')) delete env[name];
	}
	env.npm_config_update_notifier = 'false';
	// A test runner's NODE_ENV=test makes n8n silence its logger.
	delete env.NODE_ENV;
	return env;
}

/** Removes `<root>.tmp-<pid>-*` folders left by installs whose process is gone. @param {string} root @param {(line: string) => void} log */
async function removeStaleTmpDirs(root, log) {
	const prefix = `${path.basename(root)}.tmp-`;
	const names = await fsp.readdir(path.dirname(root)).catch(() => /** @type {string[]} */ ([]));
	for (const name of names) {
		if (!name.startsWith(prefix)) continue;
		const ownerPid = Number(name.slice(prefix.length).split('-')[0]);
		if (ownerPid !== process.pid && pidAlive(ownerPid)) continue;
		log(`removing interrupted install ${name}`);
		await fsp.rm(path.join(path.dirname(root), name), { recursive: true, force: true });
	}
}

/** @type {Map<N8nLine, Promise<Installation>>} installs under way in this process */
const pendingInstalls = new Map();

/**
 * Installs the pinned n8n of a line into the cache unless it is there already.
 * @param {{ log?: (line: string) => void, line?: N8nLine }} [options]
 * @returns {Promise<Installation>}
 */
function ensureInstalled({ log = defaultLog, line = DEFAULT_LINE } = {}) {
	const { version, root, runtimeDir } = runtimeInfo(line);
	const { nodeBin, nodeDir } = findNode24();
	const n8nBin = installedAt(root);
	if (n8nBin) return Promise.resolve({ root, n8nBin, nodeBin, nodeDir, version: installedVersion(root), line });
	let pending = pendingInstalls.get(line);
	if (!pending) {
		const target = { log, line, version, root, runtimeDir, nodeBin, nodeDir };
		pending = withLock(`${root}.lock`, log, () => installLocked(target)).finally(() => pendingInstalls.delete(line));
		pendingInstalls.set(line, pending);
	}
	return pending;
}

/**
 * @typedef {object} InstallTarget
 * @property {(line: string) => void} log
 * @property {N8nLine} line
 * @property {string} version
 * @property {string} root
 * @property {string} runtimeDir
 * @property {string} nodeBin
 * @property {string | undefined} nodeDir
 */

/**
 * @param {InstallTarget} target
 * @returns {Promise<Installation>}
 */
async function installLocked({ log, line, version, root, runtimeDir, nodeBin, nodeDir }) {
	const already = installedAt(root);
	if (already) return { root, n8nBin: already, nodeBin, nodeDir, version, line };
	nodeDir ??= await cachedNodeHeaders(nodeBin, log);
	await removeStaleTmpDirs(root, log);
	const started = Date.now();
	// A root without marker is a half install: building replaces it.
	await buildPinnedFolder(root, runtimeDir, async (folder) => {
		await installInto(folder, { log, version, root, nodeBin, nodeDir });
		await fsp.writeFile(
			path.join(folder, MARKER),
			JSON.stringify({ version, node: nodeBin, installedAt: new Date().toISOString() }, null, 2),
		);
	});
	log(`n8n ${version} ready in ${root} (install took ${((Date.now() - started) / 1000).toFixed(0)} s)`);
	return { root, n8nBin: path.join(root, 'node_modules', 'n8n', 'bin', 'n8n'), nodeBin, nodeDir, version, line };
}

/**
 * npm ci, sqlite3 from source, then a check that n8n starts and reports the pinned version.
 * @param {string} folder
 * @param {{ log: (line: string) => void, version: string, root: string, nodeBin: string, nodeDir: string }} target
 */
async function installInto(folder, { log, version, root, nodeBin, nodeDir }) {
	const env = toolEnv(nodeBin, nodeDir);
	const npmOptions = {
		cwd: folder,
		env,
		onLine: (/** @type {string} */ line) => {
			if (/^npm (error|ERR)/.test(line)) log(line);
		},
	};
	const seconds = (/** @type {number} */ since) => ((Date.now() - since) / 1000).toFixed(0);
	let started = Date.now();
	log(`installing n8n ${version} into ${root} (npm ci, 3-5 min, ~4 GB RAM) ...`);
	await runCommand('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], npmOptions);
	log(`npm ci done in ${seconds(started)} s; building sqlite3 for Node 24 (~80 s) ...`);
	started = Date.now();
	const rebuild = ['rebuild', 'sqlite3', '--build-from-source', '--ignore-scripts=false', '--no-audit', '--no-fund'];
	await runCommand('npm', rebuild, npmOptions);
	log(`sqlite3 rebuilt in ${seconds(started)} s; checking ...`);
	await runCommand(nodeBin, ['-e', "require('sqlite3')"], { cwd: path.join(folder, 'node_modules', 'n8n'), env });
	const n8nBin = path.join(folder, 'node_modules', 'n8n', 'bin', 'n8n');
	const reported = await runCommand(nodeBin, [n8nBin, '--version'], { cwd: folder, env, timeoutMs: 120000 });
	const reportedVersion = reported.stdout.trim().split('\n').pop();
	if (reportedVersion !== version) {
		throw new Error(`installed n8n reports version "${reportedVersion}", expected ${version}`);
	}
}

module.exports = { ensureInstalled, runtimeInfo, toolEnv, defaultLog, pinnedCacheFolder, buildPinnedFolder, removeStaleTmpDirs, N8N_LINES, DEFAULT_LINE };
