// @ts-check
'use strict';
// Packs this package exactly as npm would publish it (needs `npm run build` first).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** @returns {string} path of the .tgz, in a new temporary folder */
function packTarball() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbase-pack-'));
	const output = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'ignore'],
	});
	return path.join(dir, JSON.parse(output)[0].filename);
}

module.exports = { packTarball, REPO_ROOT };
