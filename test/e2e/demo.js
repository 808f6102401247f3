// @ts-check
'use strict';
/**
 * `npm run demo`: the main job in real n8n. Installs the pinned n8n (cached
 * outside the repository), loads this package into it the way users install
 * it, runs examples/demo.json headless and saves the images to ./output/.
 *
 * Without RUNBASE_API_KEY it starts the Runbase simulator and points the
 * credential at it; with RUNBASE_API_KEY (and optionally RUNBASE_BASE_URL) it
 * uses the real API, and your account is charged for three images.
 *
 * The result and the images come from n8n's saved execution and its binary data files
 * (instance.execute, see harness/executionResult.js), not from n8n's stdout.
 */
const fs = require('node:fs');
const path = require('node:path');

const { releaseFolder, trackFolder } = require('./harness/processes');
const n8n = require('./n8n');
const { packTarball, REPO_ROOT } = require('./packTarball');
const { imageSize } = require('./pngSize');
const { startSimulator } = require('../simulator');

const OUTPUT_DIR = path.join(REPO_ROOT, 'output');
const workflow = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'demo.json'), 'utf8'));

const say = (/** @type {string} */ line) => process.stdout.write(`${line}\n`);

/** A run that did not succeed. The message says whether the workflow failed or n8n stopped first; the hint what to try. */
class DemoFailure extends Error {
	/** @param {{ message: string, hint: string }} failure */
	constructor(failure) {
		super(failure.message);
		this.hint = failure.hint;
	}
}

async function backend() {
	if (process.env.RUNBASE_API_KEY) {
		say('Using the real Runbase API (RUNBASE_API_KEY is set): three images will be charged to your account.');
		return {
			credentials: { apiKey: process.env.RUNBASE_API_KEY, baseUrl: process.env.RUNBASE_BASE_URL || 'https://runbase.net/api/v1' },
			progress: () => '',
			close: async () => {},
		};
	}
	const sim = await startSimulator({ generationMs: 6000, imageMode: 'realistic', rateLimit: { requests: 20, windowMs: 10_000 } });
	say(`No RUNBASE_API_KEY: using the Runbase simulator at ${sim.apiBaseUrl} (6 s per image, no cost).`);
	return {
		credentials: { apiKey: 'sk-demo', baseUrl: sim.apiBaseUrl },
		simulatorKey: 'sk-demo',
		sim,
		progress: () => {
			const runs = [...sim.runs.values()];
			const done = runs.filter((run) => Date.now() - run.createdAt >= run.pendingMs + run.processingMs).length;
			return `, runs started ${runs.length}, finished ${done}, downloads ${sim.stats().downloads}`;
		},
		close: async () => await sim.close(),
	};
}

/** @param {Array<Array<string | number>>} rows */
function table(rows) {
	const header = ['model', 'prompt', 'run id', 'ratio', 'pixels', 'cost', 'seconds', 'file'];
	const lines = [header, ...rows];
	const widths = header.map((_name, column) => Math.max(...lines.map((line) => String(line[column]).length)));
	const format = (/** @type {Array<string | number>} */ line) => line.map((cell, column) => String(cell).padEnd(widths[column])).join('  ');
	return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(format)].join('\n');
}

async function main() {
	const started = Date.now();
	const source = await backend();
	if (source.sim) source.sim.configure({ apiKeys: [source.simulatorKey] });
	/** @type {import('./n8n').N8nInstance | undefined} */
	let instance;
	/** @type {string | undefined} */
	let tarball;
	try {
		say('Installing n8n (first run only: a few minutes; later runs reuse it) ...');
		await n8n.ensureInstalled({ log: (line) => say(`  ${line}`) });
		tarball = packTarball();
		trackFolder(path.dirname(tarball)); // removed on Ctrl-C too
		instance = await n8n.createInstance({ packageTarball: tarball, log: () => {} });
		await instance.importCredentials([{ id: 'runbaseCred0001', name: 'Runbase account', type: 'runbaseApi', data: source.credentials }]);
		await instance.importWorkflows([workflow]);

		say(`Running "${workflow.name}" in n8n ${instance.version} ...`);
		const executionStarted = Date.now();
		const ticker = setInterval(() => {
			process.stdout.write(`  waiting ${Math.round((Date.now() - executionStarted) / 1000)} s${source.progress()}\r`);
		}, 1000);
		const run = await instance.execute(workflow.id, { timeoutMs: 600_000 }).finally(() => clearInterval(ticker));
		process.stdout.write('\n');
		if (run.failure) throw new DemoFailure(run.failure);

		const items = run.items('Nano Banana');
		fs.mkdirSync(OUTPUT_DIR, { recursive: true });
		const rows = items.map((item, index) => {
			const json = /** @type {Record<string, string | number>} */ (item.json);
			const image = run.image('Nano Banana', index);
			if (!image) throw new Error(`item ${index} of Nano Banana has no image (json: ${JSON.stringify(json)})`);
			const file = path.join(OUTPUT_DIR, image.fileName ?? `${json.runId}.png`);
			fs.writeFileSync(file, image.bytes);
			const size = imageSize(image.bytes);
			const prompt = String(json.prompt);
			return [
				String(json.model).replace('google/', ''),
				prompt.length > 40 ? `${prompt.slice(0, 37)}...` : prompt,
				json.runId,
				json.aspectRatio,
				size ? `${size.width}x${size.height}` : '?',
				`$${Number(json.costUsd).toFixed(3)}`,
				json.elapsedSeconds,
				path.relative(REPO_ROOT, file),
			];
		});
		say('');
		say(table(rows));
		say('');
		say(`${rows.length} images saved to ${path.relative(process.cwd(), OUTPUT_DIR) || '.'}/ in ${Math.round((Date.now() - started) / 1000)} s.`);
	} finally {
		await instance?.dispose();
		await source.close();
		if (tarball) {
			fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
			releaseFolder(path.dirname(tarball));
		}
	}
}

main().catch((error) => {
	console.error(`\nThe demo failed: ${error.message}`);
	if (error instanceof DemoFailure) console.error(`What to try: ${error.hint}`);
	process.exitCode = 1;
});
