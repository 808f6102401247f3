/**
 * What the node's check schedule gives a lone run on average, computed instead of
 * sampled: the estimator learns run times spread evenly over 5 to 9 s, and every
 * run time on a 1 ms grid is followed through the same checks the node makes while
 * the key has room to spare. A bench of a few runs scatters around these figures.
 */
import { DEFAULT_FIRST_CHECK_SECONDS } from '../../nodes/NanoBanana/helpers/constants';
import { NUMERIC_OPTIONS } from '../../nodes/NanoBanana/helpers/numericOptions';
import { CompletionEstimator } from '../../nodes/NanoBanana/lifecycle/completionEstimator';
import { nextCheckDelayMs } from '../../nodes/NanoBanana/lifecycle/waitForRun';

const SHORTEST_MS = 5000;
const LONGEST_MS = 9000;
const { pollInterval } = NUMERIC_OPTIONS;
const DEFAULT_POLL_INTERVAL_MS = pollInterval.default * pollInterval.scale;

export interface LoneRunFigures {
	medianMs: number;
	/** Share of runs the node has within 400 ms of being ready. */
	within400: number;
	worstMs: number;
	requestsPerRun: number;
}

function learnedEstimator(): CompletionEstimator {
	const estimator = new CompletionEstimator();
	for (let index = 0; index < 50; index++) {
		const ms = SHORTEST_MS + ((LONGEST_MS - SHORTEST_MS) * index) / 49;
		estimator.record({ id: 'run', status: 'succeeded', createdAt: new Date(0).toISOString(), completedAt: new Date(ms).toISOString() }, ms);
	}
	return estimator;
}

/** Added latency and requests for checks at `firstCheckMs` and then `delayAfter(misses)` apart. */
function figuresOf(firstCheckMs: number, delayAfter: (misses: number) => number): LoneRunFigures {
	const latencies: number[] = [];
	let requests = 0;
	for (let runMs = SHORTEST_MS; runMs <= LONGEST_MS; runMs++) {
		let checkAt = firstCheckMs;
		let checks = 1;
		while (checkAt < runMs) checkAt += delayAfter(checks++);
		requests += 1 + checks;
		latencies.push(checkAt - runMs);
	}
	latencies.sort((a, b) => a - b);
	return {
		medianMs: latencies[Math.floor(latencies.length / 2)],
		within400: latencies.filter((ms) => ms <= 400).length / latencies.length,
		worstMs: latencies[latencies.length - 1],
		requestsPerRun: requests / latencies.length,
	};
}

/** The node's own schedule: first check at the learned median (eager), then its tight checks. */
export function nodeScheduleFigures(): LoneRunFigures {
	const firstCheckMs = learnedEstimator().expectedMs(DEFAULT_FIRST_CHECK_SECONDS * 1000, true);
	return figuresOf(firstCheckMs, (misses) => nextCheckDelayMs(misses, DEFAULT_POLL_INTERVAL_MS, true));
}

/**
 * The cheapest schedule with half of the runs within 400 ms: each check catches
 * at most 400 ms of finishing times, so five of them 400 ms apart up to the
 * longest run (7.4 to 9 s). It costs 3.0 requests per run: the two targets meet
 * only at this edge.
 */
export function cheapestHalfWithin400Figures(): LoneRunFigures {
	return figuresOf(LONGEST_MS - 4 * 400, () => 400);
}
