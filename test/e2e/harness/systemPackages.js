// @ts-check
'use strict';
/**
 * Debian packages the end-to-end tests need (redis-server for queue mode,
 * chromium for the editor test). Installed with apt-get when missing, once at a
 * time across processes (CI runs as root on a fresh machine). Debian's
 * PostgreSQL 15 server binaries come with this machine image; `postgresql` is
 * installed too where they are missing.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { withLock } = require('./lock');
const { runCommand } = require('./processes');

/** What proves each package is installed. */
const PROBES = {
	'redis-server': () => fs.existsSync('/usr/bin/redis-server'),
	chromium: () => fs.existsSync('/usr/bin/chromium'),
	postgresql: () => postgresBinDir() !== undefined,
};

/** The folder of Debian's PostgreSQL server binaries (initdb, pg_ctl), newest version first. */
function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const versions = fs.readdirSync(root).sort((a, b) => Number(b) - Number(a));
	return versions.map((version) => path.join(root, version, 'bin')).find((dir) => fs.existsSync(path.join(dir, 'initdb')));
}

/**
 * Installs the missing ones among `packages` with apt-get.
 * @param {Array<keyof typeof PROBES>} packages
 * @param {(line: string) => void} [log]
 */
async function ensurePackages(packages, log = (line) => process.stderr.write(`[apt] ${line}\n`)) {
	const missing = () => packages.filter((name) => !PROBES[name]());
	if (missing().length === 0) return;
	await withLock(path.join(os.tmpdir(), 'runbase-apt.lock'), log, async () => {
		const still = missing();
		if (still.length === 0) return;
		log(`installing ${still.join(', ')} with apt-get (about a minute) ...`);
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		await runCommand('apt-get', ['update', '-q'], { env, timeoutMs: 300_000 });
		await runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...still], { env, timeoutMs: 600_000 });
		const failed = missing();
		if (failed.length > 0) throw new Error(`apt-get did not install ${failed.join(', ')}`);
	});
}

module.exports = { ensurePackages, postgresBinDir };
