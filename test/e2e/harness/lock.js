// @ts-check
'use strict';
/** A cross-process lock: a folder created with mkdir, holding the owner's pid; stale once that pid is gone. */
const fsp = require('node:fs/promises');
const path = require('node:path');

const { pidAlive, sleep } = require('./processes');

/**
 * Runs `task` while holding the lock folder `lockDir`.
 * @template T
 * @param {string} lockDir
 * @param {(line: string) => void} log
 * @param {() => Promise<T>} task
 * @returns {Promise<T>}
 */
async function withLock(lockDir, log, task) {
	await fsp.mkdir(path.dirname(lockDir), { recursive: true });
	let announced = false;
	for (;;) {
		try {
			await fsp.mkdir(lockDir);
			await fsp.writeFile(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
			const owner = Number(await fsp.readFile(path.join(lockDir, 'pid'), 'utf8').catch(() => '0'));
			if (owner && !pidAlive(owner)) {
				await fsp.rm(lockDir, { recursive: true, force: true });
				continue;
			}
			if (!announced) log(`waiting for another install (lock ${lockDir})`);
			announced = true;
			await sleep(2000);
		}
	}
	try {
		return await task();
	} finally {
		await fsp.rm(lockDir, { recursive: true, force: true });
	}
}

module.exports = { withLock };
