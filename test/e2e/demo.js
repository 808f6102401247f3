'use strict';
/**
 * `npm run demo`: the main job in real n8n. Installs the pinned n8n (cached
 * outside the repository), loads this package into it the way users install
 * it, runs examples/demo.json headless and saves the images to ./output/.
 *
 * Without RUNBASE_API_KEY it starts the Runbase simulator and points the
 * credential at it; with RUNBASE_API_KEY (and optionally RUNBASE_BASE_URL) it
 * uses the real API, and your account is charged for three images.
 */
const fs = require('node:fs');
const path = require('node:path');

const n8n = require('./n8n');
const { packTarball, REPO_ROOT } = require('./packTarball');
const { imageSize } = require('./pngSize');
const { startSimulator } = require('../simulator');

const OUTPUT_DIR = path.join(REPO_ROOT, 'output');
const workflow = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'demo.json'), 'utf8'));

const say = (line) => process.stdout.write(`${line}\n`);

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

function table(rows) {
	const header = ['prompt', 'run id', 'ratio', 'pixels', 'cost', 'seconds', 'file'];
	const lines = [header, ...rows];
	const widths = header.map((_, column) => Math.max(...lines.map((line) => String(line[column]).length)));
	const format = (line) => line.map((cell, column) => String(cell).padEnd(widths[column])).join('  ');
	return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(format)].join('\n');
}

async function main() {
	const started = Date.now();
	const source = await backend();
	if (source.sim) source.sim.configure({ apiKeys: [source.simulatorKey] });
	let instance;
	try {
		say('Installing n8n (first run only: a few minutes; later runs reuse it) ...');
		await n8n.ensureInstalled({ log: (line) => say(`  ${line}`) });
		const tarball = packTarball();
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

		const resultData = run.result?.data?.resultData;
		if (!resultData) throw new Error(`n8n printed no execution result (exit code ${run.exitCode}):\n${run.logs.slice(-20).join('\n')}`);
		if (resultData.error) {
			throw new Error(`The workflow failed: ${resultData.error.message}${resultData.error.description ? `\n${resultData.error.description}` : ''}`);
		}
		const items = resultData.runData['Nano Banana'][0].data.main[0];
		fs.mkdirSync(OUTPUT_DIR, { recursive: true });
		const rows = items.map((item) => {
			const { json, binary } = item;
			const file = path.join(OUTPUT_DIR, binary.data.fileName);
			const bytes = Buffer.from(binary.data.data, 'base64');
			fs.writeFileSync(file, bytes);
			const size = imageSize(bytes);
			return [
				json.prompt.length > 40 ? `${json.prompt.slice(0, 37)}...` : json.prompt,
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
	}
}

main().catch((error) => {
	console.error(`\nThe demo failed: ${error.message}`);
	process.exitCode = 1;
});
