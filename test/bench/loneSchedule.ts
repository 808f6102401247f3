/**
 * What the node's check schedule gives a lone run on average, computed instead of
 * sampled: the estimator learns run times of a given spread, and run times on a
 * fine grid of that spread's quantiles are followed through the same checks the
 * node makes while the key has room to spare. A bench of a few runs scatters
 * around these figures.
 */
import { DEFAULT_FIRST_CHECK_SECONDS } from '../../nodes/NanoBanana/helpers/constants';
import { NUMERIC_OPTIONS } from '../../nodes/NanoBanana/helpers/numericOptions';
import { CompletionEstimator } from '../../nodes/NanoBanana/lifecycle/completionEstimator';
import { nextCheckDelayMs } from '../../nodes/NanoBanana/lifecycle/waitForRun';

const SHORTEST_MS = 5000;
const LONGEST_MS = 9000;
const GRID = 4000;
const { pollInterval } = NUMERIC_OPTIONS;
const DEFAULT_POLL_INTERVAL_MS = pollInterval.default * pollInterval.scale;

/**
 * How run times spread over 5 to 9 s. Runbase says "about 5 to 9 s, median near
 * 7 s" and nothing of the shape, so the bench takes both ends of what that allows.
 */
export interface RunSpread {
	label: string;
	/** The run time (ms) below which a share `p` (0 to 1) of runs finish. */
	quantileMs(p: number): number;
}

/** Every run time from 5 to 9 s equally likely: the hardest case for checks at the right moment. */
export const EVEN_SPREAD: RunSpread = {
	label: 'even over 5-9 s',
	quantileMs: (p) => SHORTEST_MS + (LONGEST_MS - SHORTEST_MS) * p,
};

/** Most runs near 7 s, none outside 5 to 9 s (triangular: the sum of two even spreads of 2 s). */
export const PEAKED_SPREAD: RunSpread = {
	label: 'peaked at 7 s, 5-9 s',
	quantileMs: (p) => (p < 0.5 ? SHORTEST_MS + 2000 * Math.sqrt(2 * p) : LONGEST_MS - 2000 * Math.sqrt(2 * (1 - p))),
};

/** `count` run times at the spread's even quantiles, in an order shuffled by `random`. */
export function shuffledRunTimes(spread: RunSpread, count: number, random: () => number = Math.random): number[] {
	const times = Array.from({ length: count }, (_, index) => spread.quantileMs((index + 0.5) / count));
	for (let index = times.length - 1; index > 0; index--) {
		const other = Math.floor(random() * (index + 1));
		[times[index], times[other]] = [times[other], times[index]];
	}
	return times;
}

export interface LoneRunFigures {
	medianMs: number;
	/** Share of runs the node has within 400 ms of being ready. */
	within400: number;
	worstMs: number;
	requestsPerRun: number;
}

/** The median and the largest of some figures. */
export function medianAndWorst(values: number[]): { median: number; worst: number } {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = sorted.length / 2;
	return {
		median: sorted.length % 2 === 0 ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[Math.floor(middle)],
		worst: sorted[sorted.length - 1],
	};
}

/** Figures of one added latency per run and the requests all runs took together. */
export function latencyFigures(latenciesMs: number[], requests: number): LoneRunFigures {
	const { median, worst } = medianAndWorst(latenciesMs);
	return {
		medianMs: median,
		within400: latenciesMs.filter((ms) => ms <= 400).length / latenciesMs.length,
		worstMs: worst,
		requestsPerRun: requests / latenciesMs.length,
	};
}

function learnedEstimator(spread: RunSpread): CompletionEstimator {
	const estimator = new CompletionEstimator();
	for (let index = 0; index < 50; index++) {
		const ms = spread.quantileMs((index + 0.5) / 50);
		estimator.record({ id: 'run', status: 'succeeded', createdAt: new Date(0).toISOString(), completedAt: new Date(ms).toISOString() }, ms);
	}
	return estimator;
}

/** Added latency and requests for checks at `firstCheckMs` and then `delayAfter(misses)` apart. */
function figuresOf(spread: RunSpread, firstCheckMs: number, delayAfter: (misses: number) => number): LoneRunFigures {
	const latencies: number[] = [];
	let requests = 0;
	for (let index = 0; index < GRID; index++) {
		const runMs = spread.quantileMs((index + 0.5) / GRID);
		let checkAt = firstCheckMs;
		let checks = 1;
		while (checkAt < runMs) checkAt += delayAfter(checks++);
		requests += 1 + checks;
		latencies.push(checkAt - runMs);
	}
	return latencyFigures(latencies, requests);
}

/** The node's own schedule: first check at the learned median (eager), then its tight checks. */
export function nodeScheduleFigures(spread: RunSpread): LoneRunFigures {
	const firstCheckMs = learnedEstimator(spread).expectedMs(DEFAULT_FIRST_CHECK_SECONDS * 1000, true);
	return figuresOf(spread, firstCheckMs, (misses) => nextCheckDelayMs(misses, DEFAULT_POLL_INTERVAL_MS, true));
}

/**
 * The cheapest schedule with half of the runs within 400 ms when run times spread
 * evenly: each check catches at most 400 ms of finishing times, so five of them
 * 400 ms apart up to the longest run (7.4 to 9 s). It costs 3.0 requests per run:
 * for an even spread the two targets meet only at this edge.
 */
export function cheapestHalfWithin400Figures(): LoneRunFigures {
	return figuresOf(EVEN_SPREAD, LONGEST_MS - 4 * 400, () => 400);
}
