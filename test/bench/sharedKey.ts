/**
 * Many executions on one key: 30 one-item executions at once in one process
 * (a CRM webhook burst), and 3 processes with 10 items each (queue-mode
 * workers), under the lenient and the strict rate limiter. Also the latency a
 * single one-item execution adds between "image ready on the server" and
 * "node has it", for runs of 5 to 9 s.
 */
import { fork } from 'node:child_process';
import path from 'node:path';

import { freshProcess, runWorkflow } from '../helpers/engine';
import { startSimulator } from '../simulator';
import type { RecordedRequest, Simulator } from '../simulator';
import { cheapestHalfWithin400Figures, EVEN_SPREAD, latencyFigures, nodeScheduleFigures, PEAKED_SPREAD, shuffledRunTimes } from './loneSchedule';
import type { LoneRunFigures, RunSpread } from './loneSchedule';
import type { Row } from './measure';
import { ANSWERS_LATE, API_LATENCY_MS, floorSeconds, GENERATION_MS, LIMIT, measure, printTable, quietWindow, WINDOW_MS } from './measure';

export function rowFrom(sim: Simulator, label: string, items: number, wallS: number, failed: number, rssGrowthMb: number): Row {
	const stats = sim.stats();
	const api = stats.creates + stats.polls;
	return {
		label,
		items,
		wallS,
		floorS: floorSeconds(items),
		requestsPerRun: api / items,
		rateLimited: stats.rateLimited,
		share429: stats.rateLimited / Math.max(1, api),
		failed: failed + (items - sim.runs.size),
		rssGrowthMb,
		imageMb: 0,
	};
}

async function webhookBurst(sim: Simulator, strict: boolean): Promise<Row> {
	sim.reset();
	freshProcess({ jitter: true });
	const { result, wallS, rssGrowthMb } = await measure(async () =>
		await Promise.all(
			Array.from({ length: 30 }, async (_, index) =>
				await runWorkflow({
					items: [{ prompt: `Lead ${index}` }],
					parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', aspectRatio: '16:9', returnAs: 'urls' },
					credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
					continueOnFail: true,
					shareProcessState: true,
				}),
			),
		),
	);
	const failed = result.filter((one) => one.error || one.items[0]?.json.error !== undefined).length;
	return rowFrom(sim, `30 one-item executions, 1 process, ${strict ? 'strict' : 'lenient'}`, 30, wallS, failed, rssGrowthMb);
}

async function workerProcess(baseUrl: string, count: number, prefix: string): Promise<{ failed: number }> {
	const child = fork(path.join(__dirname, 'benchWorker.js'), [baseUrl, String(count), prefix], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
	let out = '';
	child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
	if (code !== 0) return { failed: count };
	return JSON.parse(out.trim().split('\n').pop() ?? '{}') as { failed: number };
}

/**
 * When each 429 came and what it turned away ("7.1 s W2"), from the first request: one per process per
 * round is what processes that learn of each other only from 429s cost, and any more shows here. By
 * default a 429 names the process by its prompt's first word; `who` names it otherwise.
 */
export function refusals(sim: Simulator, who: (request: RecordedRequest) => string = (request) => promptOf(sim, request)?.split(' ')[0] ?? '?'): string {
	const api = sim.requests.filter((request) => request.host === 'api');
	const firstAt = Math.min(...api.map((request) => request.at));
	return api
		.filter((request) => request.status === 429)
		.map((request) => `${((request.at - firstAt) / 1000).toFixed(1)} s ${who(request)}`)
		.join(', ');
}

/** A refused start made no run: its body names the prompt. A refused check names its run. */
function promptOf(sim: Simulator, request: RecordedRequest): string | undefined {
	if (request.kind === 'create') return (request.body as { input?: { prompt?: string } } | undefined)?.input?.prompt;
	return sim.runs.get(request.runId ?? '')?.input.prompt;
}

async function threeProcesses(sim: Simulator, limiter: string): Promise<Row> {
	sim.reset();
	const started = Date.now();
	const results = await Promise.all(['W1', 'W2', 'W3'].map(async (prefix) => await workerProcess(sim.apiBaseUrl, 10, prefix)));
	// Each worker needs a few seconds to load n8n's engine: time is counted from the first request.
	const firstRequest = Math.min(...sim.requests.map((request) => request.at));
	const wallS = (Date.now() - Math.max(started, firstRequest)) / 1000;
	const failed = results.reduce((sum, one) => sum + one.failed, 0);
	return rowFrom(sim, `3 processes x 10 items, ${limiter}`, 30, wallS, failed, 0);
}

/** One-item executions one after another in one process. */
async function singleItemLatency(sim: Simulator, executions: number) {
	sim.reset();
	freshProcess({ jitter: true });
	const latencies: number[] = [];
	for (let index = 0; index < executions; index++) {
		await runWorkflow({
			items: [{ prompt: `Single ${index}` }],
			parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', aspectRatio: '1:1', returnAs: 'urls' },
			credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
			shareProcessState: true,
		});
	}
	for (const run of sim.runs.values()) latencies.push((run.reportedAt ?? Infinity) - run.readyAt);
	const stats = sim.stats();
	return { executions, rateLimited: stats.rateLimited, ...latencyFigures(latencies, stats.creates + stats.polls) };
}

/**
 * Lenient and strict limiters with Retry-After, then both without it: Runbase
 * documents no Retry-After, so a process must then wait out a whole window.
 */
export const LIMITERS = [
	{ strict: false, retryAfter: true, label: 'lenient' },
	{ strict: true, retryAfter: true, label: 'strict' },
	{ strict: false, retryAfter: false, label: 'lenient, no Retry-After' },
	{ strict: true, retryAfter: false, label: 'strict, no Retry-After' },
];

/** Each process starts at a random moment, so one run of 3 processes says little: the bench repeats it. */
const PROCESS_TRIALS = Number(process.env.BENCH_PROCESS_TRIALS ?? 5);

export async function sharedKeyRows(): Promise<Row[]> {
	const rows: Row[] = [];
	const parts = new Set((process.env.BENCH_SHARED_ROWS ?? 'burst,processes').split(','));
	for (const { strict, retryAfter, label } of LIMITERS) {
		const sim = await startSimulator({
			generationMs: GENERATION_MS,
			rateLimit: { requests: LIMIT, windowMs: WINDOW_MS, retryAfter, countRejected: strict },
			latencyMs: API_LATENCY_MS,
		});
		try {
			// The burst never meets a 429 (one budget for the whole process), so Retry-After does not matter to it.
			if (parts.has('burst') && retryAfter) {
				await quietWindow();
				const burst = await webhookBurst(sim, strict);
				rows.push({ ...burst, label: `${burst.label}${ANSWERS_LATE}` });
				console.error(`  done: ${rows[rows.length - 1].label}`);
			}
			if (parts.has('processes')) {
				for (let trial = 1; trial <= PROCESS_TRIALS; trial++) {
					await quietWindow();
					const row = await threeProcesses(sim, `${label}${ANSWERS_LATE}`);
					rows.push(PROCESS_TRIALS > 1 ? { ...row, label: `${row.label}, trial ${trial}`, trialOf: row.label } : row);
					console.error(`  done: ${row.label}, trial ${trial}: ${(row.share429 * 100).toFixed(1)}% 429s, ${(row.wallS / row.floorS).toFixed(2)}x the floor; 429s at ${refusals(sim) || 'none'}`);
				}
			}
		} finally {
			await sim.close();
		}
	}
	return rows;
}

/**
 * Measured one-item executions for one spread of run times: the spread's even quantiles in a
 * seeded random order, so bench runs compare and a run differs from the spread by its order only.
 */
async function measuredLoneRuns(spread: RunSpread, executions: number) {
	let seed = 7;
	const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
	const times = shuffledRunTimes(spread, executions, random);
	const sim = await startSimulator({
		rateLimit: { requests: LIMIT, windowMs: WINDOW_MS, retryAfter: true },
		timing: () => ({ pendingMs: 50, processingMs: (times.shift() ?? spread.quantileMs(0.5)) - 50 }),
	});
	try {
		return await singleItemLatency(sim, executions);
	} finally {
		await sim.close();
	}
}

export async function printSingleItemLatency(): Promise<void> {
	const executions = Number(process.env.BENCH_LATENCY_EXECUTIONS ?? 30);
	const cells = (label: string, figures: LoneRunFigures, rateLimited: string) => [
		label,
		figures.medianMs.toFixed(0),
		figures.worstMs.toFixed(0),
		figures.requestsPerRun.toFixed(2),
		rateLimited,
		`${(figures.within400 * 100).toFixed(1)}%`,
	];
	const lines: string[][] = [];
	for (const spread of [EVEN_SPREAD, PEAKED_SPREAD]) {
		const measured = await measuredLoneRuns(spread, executions);
		lines.push(cells(`${spread.label}: ${measured.executions} executions, measured`, measured, String(measured.rateLimited)));
		lines.push(cells(`${spread.label}: the node's schedule, computed`, nodeScheduleFigures(spread), '-'));
		if (spread === EVEN_SPREAD) lines.push(cells(`${spread.label}: cheapest with half within 400 ms, computed`, cheapestHalfWithin400Figures(), '-'));
		console.error(`  done: lone executions, ${spread.label}`);
	}
	console.log('');
	printTable(['single one-item executions', 'added latency median ms', 'worst ms', 'req/run', '429s', 'within 400 ms'], lines);
}

/** Mean and worst trial of each "3 processes" row: a mean can hide one bad trial. */
export function printTrialSummary(rows: Row[]): void {
	const groups = new Map<string, Row[]>();
	for (const row of rows) {
		if (row.trialOf) groups.set(row.trialOf, [...(groups.get(row.trialOf) ?? []), row]);
	}
	if (groups.size === 0) return;
	const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
	const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
	console.log('');
	printTable(
		['run', 'trials', 'wall/floor mean', 'worst', '429 share mean', 'worst', 'failed'],
		[...groups].map(([label, trials]) => {
			const ratios = trials.map((row) => row.wallS / row.floorS);
			const shares = trials.map((row) => row.share429);
			return [
				label,
				String(trials.length),
				mean(ratios).toFixed(2),
				Math.max(...ratios).toFixed(2),
				percent(mean(shares)),
				percent(Math.max(...shares)),
				String(trials.reduce((sum, row) => sum + row.failed, 0)),
			];
		}),
	);
}
