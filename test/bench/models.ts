/**
 * BENCH_SECTIONS=models: 20 binary 4K images from Nano Banana Pro (about 33 MB
 * each), time against the floor and peak RSS growth against the image bytes;
 * the same in URL mode for comparison. The simulator makes Pro at 4K take 5x
 * the base generation time (its processing factors: Pro 2.5, 4K 2).
 *
 * The node runs in a fresh child process per row (this file, forked), apart from
 * the simulator: the RSS measured is n8n's and the node's alone, and memory one
 * row leaves with the allocator does not hide the next row's peak.
 */
import { fork } from 'node:child_process';

import { initBinaryData, runWorkflow } from '../helpers/engine';
import type { Simulator } from '../simulator';
import type { Row } from './measure';
import { ANSWERS_LATE, documentedSimulator, GENERATION_MS, measure, quietWindow } from './measure';

const ITEMS = Number(process.env.BENCH_MODEL_ITEMS ?? 20);
const PRO_4K_MS = GENERATION_MS * 2.5 * 2;
const KEY = 'sk-test';
/** The child's warm-up uses its own key, so it neither shares the measured run's rate limit nor its counts. */
const WARM_UP_KEY = 'sk-warm-up';

interface ModelRun {
	label: string;
	returnAs: 'urls' | 'binary';
	concurrency: number;
}

const RUNS: ModelRun[] = [
	{ label: 'Pro 4K, URLs', returnAs: 'urls', concurrency: 20 },
	{ label: 'Pro 4K, binary', returnAs: 'binary', concurrency: 20 },
	{ label: 'Pro 4K, binary, concurrency 10', returnAs: 'binary', concurrency: 10 },
];

/** What the child measured. */
interface ChildResult {
	wallS: number;
	rssGrowthMb: number;
	failed: number;
}

/**
 * The fastest possible: the runs of each lane one after another. A generation of 30 s
 * outlasts the 10 s window, so a round's creates and its status checks never compete
 * for the rate limit (at most 20 of each per round).
 */
function floorFor(concurrency: number): number {
	return (Math.ceil(ITEMS / Math.min(concurrency, ITEMS)) * PRO_4K_MS) / 1000;
}

/** In the child: one row against the parent's simulator, its result printed as JSON. */
async function childMain(baseUrl: string, run: ModelRun): Promise<void> {
	await initBinaryData('filesystem');
	// Warm-up: n8n loads some of its modules on first use; that is not the images' memory.
	await runWorkflow({
		parameters: { operation: 'generate', prompt: 'warm-up', returnAs: 'urls', options: { firstCheck: 0.1 } },
		credentials: { apiKey: WARM_UP_KEY, baseUrl },
	});
	const { result, wallS, rssGrowthMb } = await measure(async () =>
		await runWorkflow({
			items: Array.from({ length: ITEMS }, (_, index) => ({ prompt: `Poster with the headline "Sale ${index}"` })),
			parameters: {
				operation: 'generate',
				model: 'google/nano-banana-pro',
				resolution: '4K',
				prompt: '={{ $json.prompt }}',
				aspectRatio: '16:9',
				returnAs: run.returnAs,
				options: { concurrency: run.concurrency },
			},
			credentials: { apiKey: KEY, baseUrl },
			continueOnFail: true,
			firstBurstJitter: true,
		}),
	);
	const failed = result.items.filter((item) => item.json.error !== undefined).length + (result.error ? ITEMS : 0);
	process.stdout.write(`${JSON.stringify({ wallS, rssGrowthMb, failed } satisfies ChildResult)}\n`);
}

async function inChild(sim: Simulator, index: number): Promise<ChildResult> {
	const child = fork(__filename, ['--row', String(index), sim.apiBaseUrl], {
		execArgv: ['--expose-gc'],
		stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
	});
	let out = '';
	child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
	if (code !== 0) throw new Error(`The benchmark row "${RUNS[index].label}" failed (exit code ${code})`);
	return JSON.parse(out.trim().split('\n').pop() ?? '{}') as ChildResult;
}

async function proRow(sim: Simulator, index: number): Promise<Row> {
	sim.reset();
	const { wallS, rssGrowthMb, failed } = await inChild(sim, index);
	const stats = sim.stats().byKey[KEY];
	const api = stats.creates + stats.polls;
	const imageBytes = sim.requests
		.filter((request) => request.kind === 'download')
		.reduce((sum, request) => sum + (request.bytes ?? 0), 0);
	return {
		label: `${RUNS[index].label}${ANSWERS_LATE}`,
		items: ITEMS,
		wallS,
		floorS: floorFor(RUNS[index].concurrency),
		requestsPerRun: api / ITEMS,
		rateLimited: stats.rateLimited,
		share429: stats.share429,
		failed,
		rssGrowthMb,
		imageMb: imageBytes / 1e6,
	};
}

export async function modelRows(): Promise<Row[]> {
	const sim = await documentedSimulator({ apiKeys: [KEY, WARM_UP_KEY] });
	const rows: Row[] = [];
	try {
		for (const [index, run] of RUNS.entries()) {
			await quietWindow();
			const row = await proRow(sim, index);
			rows.push(row);
			const share = row.imageMb > 0 ? ` = ${((row.rssGrowthMb / row.imageMb) * 100).toFixed(1)}% of ${row.imageMb.toFixed(0)} MB of images` : '';
			console.log(`models: ${run.label}, ${ITEMS} items: ${row.wallS.toFixed(1)} s (floor ${row.floorS.toFixed(1)} s), peak RSS +${row.rssGrowthMb.toFixed(0)} MB${share}`);
		}
	} finally {
		await sim.close();
	}
	return rows;
}

if (require.main === module && process.argv[2] === '--row') {
	childMain(process.argv[4], RUNS[Number(process.argv[3])]).catch((error) => {
		console.error(error);
		process.exitCode = 1;
	});
}
