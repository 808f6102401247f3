/**
 * `npm run bench`: throughput and memory of the node in n8n's engine against the
 * simulator with Runbase's documented rate limit (20 requests per 10 s) and a
 * fixed generation time. Prints figures; asserts nothing.
 */
import { initBinaryData, runWorkflow } from '../helpers/engine';
import { startSimulator } from '../simulator';
import type { Simulator } from '../simulator';

const GENERATION_MS = Number(process.env.BENCH_GENERATION_MS ?? 6000);
const SIZES = (process.env.BENCH_SIZES ?? '1,10,30,100').split(',').map(Number);
const BASELINE_SIZES = (process.env.BENCH_BASELINE_SIZES ?? '1,10').split(',').map(Number);
const LIMIT = 20;
const WINDOW_MS = 10_000;

interface Row {
	label: string;
	items: number;
	wallS: number;
	floorS: number;
	requestsPerRun: number;
	rateLimited: number;
	failed: number;
	rssGrowthMb: number;
	imageMb: number;
}

/** What the rate limit allows: 2N requests, a 20-request burst, then 2 per second, plus one generation. */
function floorSeconds(items: number): number {
	return Math.max(0, 2 * items - LIMIT) / (LIMIT / (WINDOW_MS / 1000)) + GENERATION_MS / 1000;
}

async function measure<T>(work: () => Promise<T>): Promise<{ result: T; wallS: number; rssGrowthMb: number }> {
	global.gc?.();
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
	const started = Date.now();
	try {
		const result = await work();
		return { result, wallS: (Date.now() - started) / 1000, rssGrowthMb: (peak - baseline) / 1e6 };
	} finally {
		clearInterval(sampler);
	}
}

async function nodeRun(sim: Simulator, items: number, returnAs: 'urls' | 'binary'): Promise<Row> {
	sim.reset();
	const { result, wallS, rssGrowthMb } = await measure(() =>
		runWorkflow({
			items: Array.from({ length: items }, (_, index) => ({ prompt: `Product photo ${index}` })),
			parameters: {
				operation: 'generate',
				prompt: '={{ $json.prompt }}',
				aspectRatio: '16:9',
				returnAs,
				options: { concurrency: 10 },
			},
			credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
			continueOnFail: true,
		}),
	);
	const stats = sim.stats();
	const imageBytes = sim.requests
		.filter((request) => request.kind === 'download')
		.reduce((sum, request) => sum + (request.bytes ?? 0), 0);
	return {
		label: `node, ${returnAs === 'urls' ? 'URLs' : 'binary'}`,
		items,
		wallS,
		floorS: floorSeconds(items),
		requestsPerRun: (stats.creates + stats.polls) / items,
		rateLimited: stats.rateLimited,
		failed: result.items.filter((item) => item.json.error !== undefined).length + (result.error ? items : 0),
		rssGrowthMb,
		imageMb: imageBytes / 1e6,
	};
}

/** The naive client most integrations ship: one item after another, a status check every second. */
async function naiveRun(sim: Simulator, items: number): Promise<Row> {
	sim.reset();
	const headers = { authorization: 'Bearer sk-test', 'content-type': 'application/json' };
	const { wallS, rssGrowthMb } = await measure(async () => {
		for (let index = 0; index < items; index++) {
			const created = await fetch(`${sim.apiBaseUrl}/runs`, {
				method: 'POST',
				headers,
				body: JSON.stringify({ model: 'google/nano-banana', input: { prompt: `Naive ${index}`, aspect_ratio: '16:9' } }),
			});
			const { id } = (await created.json()) as { id: string };
			for (;;) {
				await new Promise((resolve) => setTimeout(resolve, 1000));
				const run = (await (await fetch(`${sim.apiBaseUrl}/runs/${id}`, { headers })).json()) as { status?: string };
				if (run.status === 'succeeded' || run.status === 'failed') break;
			}
		}
	});
	const stats = sim.stats();
	return {
		label: 'naive: sequential, 1 s polls',
		items,
		wallS,
		floorS: floorSeconds(items),
		requestsPerRun: (stats.creates + stats.polls) / items,
		rateLimited: stats.rateLimited,
		failed: 0,
		rssGrowthMb,
		imageMb: 0,
	};
}

function print(rows: Row[]): void {
	const header = ['run', 'items', 'wall s', 'floor s', 'wall/floor', 'req/run', '429s', 'failed', 'peak RSS +MB', 'images MB'];
	const lines = rows.map((row) => [
		row.label,
		String(row.items),
		row.wallS.toFixed(1),
		row.floorS.toFixed(1),
		(row.wallS / row.floorS).toFixed(2),
		row.requestsPerRun.toFixed(2),
		String(row.rateLimited),
		String(row.failed),
		row.rssGrowthMb.toFixed(0),
		row.imageMb.toFixed(0),
	]);
	const table = [header, ...lines];
	const widths = header.map((_, column) => Math.max(...table.map((line) => line[column].length)));
	const format = (line: string[]) => `| ${line.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	console.log(format(header));
	console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
	for (const line of lines) console.log(format(line));
}

async function main() {
	await initBinaryData('filesystem');
	const sim = await startSimulator({
		generationMs: GENERATION_MS,
		rateLimit: { requests: LIMIT, windowMs: WINDOW_MS, retryAfter: true },
		imageMode: 'realistic',
		separateImageHost: true,
	});
	console.log(
		`Simulator: ${GENERATION_MS / 1000} s generation, ${LIMIT} requests per ${WINDOW_MS / 1000} s, ~2 MB PNG images (16:9). Binary data mode: filesystem (n8n's default).\n`,
	);
	const rows: Row[] = [];
	try {
		for (const items of SIZES) {
			for (const returnAs of ['urls', 'binary'] as const) {
				// A fresh rate-limit window for each run, as for a workflow run on its own.
				await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 500));
				const row = await nodeRun(sim, items, returnAs);
				rows.push(row);
				console.error(`  done: ${row.label}, ${items} items in ${row.wallS.toFixed(1)} s`);
			}
		}
		for (const items of BASELINE_SIZES) {
			await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 500));
			rows.push(await naiveRun(sim, items));
			console.error(`  done: naive, ${items} items`);
		}
	} finally {
		await sim.close();
	}
	console.log('');
	print(rows);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
