// @ts-check
'use strict';
/**
 * Checks that `npm run demo` succeeds many times in a row on a clean clone; not part of CI.
 *
 *   node test/e2e/demo-repeat.js [--runs=10] [--here] [--keep]
 *
 * Clones the repository's HEAD into a temporary folder, runs `npm install` there (the
 * README's first command), then `npm run demo` --runs times, and prints how many succeeded.
 * --here uses this checkout instead of a clone; --keep leaves the clone in place.
 * Each run gets its own TMPDIR, so n8n's user folders of that run live there: after the
 * run the script checks that nothing is left in that folder (but Node's compile cache) and
 * that no process still runs in it.
 * The pinned n8n in ~/.cache/n8n-nodes-runbase is shared with every other run (installed once).
 * Exit code 0 only when every run succeeded.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { REPO_ROOT } = require('./packTarball');

const argument = (/** @type {string} */ name) => process.argv.find((arg) => arg === name || arg.startsWith(`${name}=`));
const runs = Number((argument('--runs') ?? '--runs=10').split('=')[1]);
const here = Boolean(argument('--here'));
const keep = Boolean(argument('--keep'));

const say = (/** @type {string} */ line) => process.stdout.write(`${line}\n`);

/** Processes whose working folder or N8N_USER_FOLDER lies inside `folder`. @param {string} folder */
function processesInside(folder) {
	/** @type {string[]} */
	const found = [];
	for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		try {
			const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
			const environment = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
			const userFolder = /(?:^|\0)N8N_USER_FOLDER=([^\0]*)/.exec(environment)?.[1] ?? '';
			if (cwd.startsWith(folder) || userFolder.startsWith(folder)) {
				found.push(`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 120)}`);
			}
		} catch {
			// gone meanwhile, or not ours to read
		}
	}
	return found;
}

/** One `npm run demo`; returns a failure description or null. @param {string} checkout @param {number} index */
function runDemo(checkout, index) {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `runbase-demo-repeat-${index}-`));
	const started = Date.now();
	const result = spawnSync('npm', ['run', 'demo'], {
		cwd: checkout,
		env: { ...process.env, TMPDIR: tmp },
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	const seconds = Math.round((Date.now() - started) / 1000);
	const output = `${result.stdout}\n${result.stderr}`;
	const leftProcesses = processesInside(tmp);
	// n8n turns on Node's compile cache, which lives in the temporary folder: not a leftover of the run.
	const leftFiles = fs.readdirSync(tmp).filter((name) => name !== 'node-compile-cache');
	fs.rmSync(tmp, { recursive: true, force: true });
	/** @type {string[]} */
	const problems = [];
	if (result.status !== 0) problems.push(`exit code ${result.status}${result.signal ? ` (${result.signal})` : ''}`);
	if (!/3 images saved to/.test(output)) problems.push('no "3 images saved" line');
	if (leftProcesses.length) problems.push(`processes left running:\n    ${leftProcesses.join('\n    ')}`);
	if (leftFiles.length) problems.push(`temporary files left: ${leftFiles.join(', ')}`);
	if (!problems.length) {
		say(`run ${index}/${runs}: ok in ${seconds} s`);
		return null;
	}
	const logFile = path.join(os.tmpdir(), `runbase-demo-repeat-${index}.log`);
	fs.writeFileSync(logFile, output);
	const tail = output.replace(/\r/g, '\n').trim().split('\n').slice(-12).join('\n    ');
	say(`run ${index}/${runs}: FAILED in ${seconds} s: ${problems.join('; ')} (full output: ${logFile})\n    ${tail}`);
	return problems.join('; ');
}

function prepareClone() {
	const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'runbase-clean-clone-'));
	const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
	say(`cloning ${REPO_ROOT} at ${head} into ${clone} ...`);
	execFileSync('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, clone], { stdio: 'inherit' });
	say('npm install (the README\'s first command) ...');
	const install = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: clone, stdio: ['ignore', 'ignore', 'inherit'] });
	if (install.status !== 0) throw new Error(`npm install failed in ${clone} (exit code ${install.status})`);
	return clone;
}

function main() {
	const checkout = here ? REPO_ROOT : prepareClone();
	try {
		let succeeded = 0;
		for (let index = 1; index <= runs; index++) if (runDemo(checkout, index) === null) succeeded++;
		say(`npm run demo succeeded ${succeeded}/${runs}${here ? '' : ' on a clean clone'}`);
		process.exitCode = succeeded === runs ? 0 : 1;
	} finally {
		if (!here && !keep) fs.rmSync(checkout, { recursive: true, force: true });
	}
}

main();
