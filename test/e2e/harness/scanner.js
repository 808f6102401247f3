// @ts-check
'use strict';
/**
 * n8n's own verification scanner (`@n8n/scan-community-package`, pinned in ../scanner), installed
 * once into a cache folder named by a hash of its package files, and run on a source folder and an
 * unpacked tarball the way n8n runs it on a published version: the provenance and download steps
 * need the npm registry and GitHub, so they are left out; the lint of both is what remains.
 */
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');

const { buildPinnedFolder, pinnedCacheFolder, removeStaleTmpDirs, toolEnv } = require('./installCache');
const { withLock } = require('./lock');
const { findNode24 } = require('./node24');
const { runCommand } = require('./processes');

const PINNED = path.join(__dirname, '..', 'scanner');
const SCANNER = path.join('node_modules', '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs');

/** @param {(line: string) => void} log @returns {Promise<string>} the scanner module's path */
async function ensureScanner(log) {
	const root = pinnedCacheFolder(PINNED, 'scanner');
	const scanner = path.join(root, SCANNER);
	if (fs.existsSync(scanner)) return scanner;
	const { nodeBin, nodeDir } = findNode24();
	await withLock(`${root}.lock`, log, async () => {
		if (fs.existsSync(scanner)) return;
		await removeStaleTmpDirs(root, log);
		log(`installing n8n's verification scanner into ${root} ...`);
		await buildPinnedFolder(root, PINNED, async (folder) => {
			await runCommand('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: folder, env: toolEnv(nodeBin, nodeDir) });
		});
	});
	return scanner;
}

/**
 * @typedef {object} ScanResult
 * @property {boolean} passed
 * @property {string} [message]
 * @property {string} [details] ESLint's report of every violation
 */

/**
 * Lints `sourceDir` (package.json, nodes/, credentials/) and `packageDir` (an unpacked tarball:
 * its .js files and package.json) with the scanner's rules.
 * @param {{ sourceDir: string, packageDir: string, log?: (line: string) => void }} options
 * @returns {Promise<{ source: ScanResult, tarball: ScanResult }>}
 */
async function scanPackage({ sourceDir, packageDir, log = (line) => process.stderr.write(`[scanner] ${line}\n`) }) {
	const scanner = await ensureScanner(log);
	const { nodeBin, nodeDir } = findNode24();
	// The scanner makes a temporary folder as it loads: keep it out of the machine's /tmp.
	const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'runbase-scan-'));
	try {
		const env = { ...toolEnv(nodeBin, nodeDir), TMPDIR: tmp };
		const run = await runCommand(nodeBin, [path.join(PINNED, 'scan.mjs'), scanner, sourceDir, packageDir], { cwd: tmp, env, timeoutMs: 120_000 });
		return JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
	} finally {
		await fsp.rm(tmp, { recursive: true, force: true });
	}
}

module.exports = { scanPackage };
