/** Shared pieces of the benchmark: the simulator, the rate-limit floor, peak memory sampling and the table. */
import { startSimulator } from '../simulator';
import type { Simulator, SimulatorOptions } from '../simulator';

export const LIMIT = 20;
export const WINDOW_MS = 10_000;
export const GENERATION_MS = Number(process.env.BENCH_GENERATION_MS ?? 6000);
/**
 * The simulator answers at once on loopback; the real Runbase answers tens to hundreds of ms later, and how
 * many requests a process has in flight when the window fills depends on it. Off (0) by default.
 */
export const API_LATENCY_MS = Number(process.env.BENCH_API_LATENCY_MS ?? 0);
/** Appended to the labels of rows measured with late answers, so they cannot pass for loopback rows. */
export const ANSWERS_LATE = API_LATENCY_MS > 0 ? `, answers ${API_LATENCY_MS} ms late` : '';

/** Runbase as documented: 20 requests per 10 s per key with Retry-After, ~2 MB PNGs (files, outside the API's limit). */
export async function documentedSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	return await startSimulator({
		generationMs: GENERATION_MS,
		rateLimit: { requests: LIMIT, windowMs: WINDOW_MS, retryAfter: true },
		imageMode: 'realistic',
		latencyMs: API_LATENCY_MS,
		...options,
	});
}

export interface Row {
	label: string;
	items: number;
	wallS: number;
	floorS: number;
	requestsPerRun: number;
	rateLimited: number;
	share429: number;
	failed: number;
	rssGrowthMb: number;
	imageMb: number;
	/** Set on each of several trials of one scenario: the scenario's label. */
	trialOf?: string;
}

/** What the rate limit allows: 2N requests, a 20-request burst, then 2 per second, plus one generation. */
export function floorSeconds(items: number, generationMs = GENERATION_MS): number {
	return Math.max(0, 2 * items - LIMIT) / (LIMIT / (WINDOW_MS / 1000)) + generationMs / 1000;
}

export async function measure<T>(work: () => Promise<T>): Promise<{ result: T; wallS: number; rssGrowthMb: number }> {
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

/** A fresh rate-limit window, as for a workflow that runs on its own. */
export const quietWindow = async () => await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 500));

export function printTable(header: string[], lines: string[][]): void {
	const table = [header, ...lines];
	const widths = header.map((_, column) => Math.max(...table.map((line) => line[column].length)));
	const format = (line: string[]) => `| ${line.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	console.log(format(header));
	console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
	for (const line of lines) console.log(format(line));
}

export function printRows(rows: Row[]): void {
	printTable(
		['run', 'items', 'wall s', 'floor s', 'wall/floor', 'req/run', '429s', '429 share', 'failed', 'peak RSS +MB', 'images MB'],
		rows.map((row) => [
			row.label,
			String(row.items),
			row.wallS.toFixed(1),
			row.floorS.toFixed(1),
			(row.wallS / row.floorS).toFixed(2),
			row.requestsPerRun.toFixed(2),
			String(row.rateLimited),
			`${(row.share429 * 100).toFixed(1)}%`,
			String(row.failed),
			row.rssGrowthMb.toFixed(0),
			row.imageMb.toFixed(0),
		]),
	);
}
