// @ts-check
'use strict';
/**
 * The ways users install the package, which n8n loads with different loaders:
 * 'nodes', npm-installed into <userFolder>/.n8n/nodes as n8n's community-node installer
 * does (node type <package>.<name>); 'custom', unpacked into <userFolder>/.n8n/custom;
 * 'extensions', unpacked into a folder named by N8N_CUSTOM_EXTENSIONS, as Docker setups
 * mount it (both node type CUSTOM.<name>).
 * @typedef {'nodes' | 'custom' | 'extensions'} InstallRoute
 */
const fsp = require('node:fs/promises');
const path = require('node:path');

const { runCommand } = require('./processes');

/**
 * Unpacks a packed package into a folder of its own below `folder`, as a user copies a
 * built package into a custom extensions folder.
 * @param {string} tarball @param {string} folder
 */
async function unpackPackage(tarball, folder) {
	const target = path.join(folder, path.basename(tarball).replace(/-\d+\.\d+\.\d+.*\.tgz$/, ''));
	await fsp.mkdir(target, { recursive: true });
	await runCommand('tar', ['-xzf', path.resolve(tarball), '-C', target, '--strip-components=1'], { timeoutMs: 60000 });
}

module.exports = { unpackPackage };
