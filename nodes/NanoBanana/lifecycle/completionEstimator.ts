import type { RunbaseRun } from '../helpers/interfaces';

/** Only recent runs count: Runbase's speed changes over a day. */
const MAX_SAMPLES = 50;
/** With budget to spare the first check comes at the median and tight checks follow; otherwise later, so it rarely misses. */
const EAGER_QUANTILE = 0.5;
const PATIENT_QUANTILE = 0.8;
const MARGIN_MS = 150;
/**
 * The prior (Runbase's documented time for the model) counts as this many runs.
 * For the eager first check of a lone run it always does: the median of a few
 * runs swings by a second between executions, and tight checks make every second
 * too early cost more requests; among the 50 runs kept it weighs little. For the
 * patient check of a busy key it only stands in until that many runs have
 * finished: there the first check of the last runs sets when the batch ends.
 */
const PRIOR_WEIGHT = 5;

/**
 * Learns how long runs of one model take, so each new run is first checked when
 * it is likely done instead of on a fixed timer.
 */
export class CompletionEstimator {
	private readonly durationsMs: number[] = [];

	/** Expected time from creation to a finished run, in milliseconds; `priorMs` until a run has finished. */
	expectedMs(priorMs: number, eager = false): number {
		if (this.durationsMs.length === 0) return priorMs;
		const priorRuns = eager ? PRIOR_WEIGHT : Math.max(0, PRIOR_WEIGHT - this.durationsMs.length);
		const prior = new Array<number>(priorRuns).fill(priorMs);
		const sorted = [...this.durationsMs, ...prior].sort((a, b) => a - b);
		const quantile = eager ? EAGER_QUANTILE : PATIENT_QUANTILE;
		const index = Math.min(sorted.length - 1, Math.floor(sorted.length * quantile));
		return sorted[index] + MARGIN_MS;
	}

	/**
	 * Records a finished run. Runbase's own timestamps are preferred: they measure
	 * generation alone, free of clock skew and of time spent waiting for the budget.
	 */
	record(run: RunbaseRun, observedMs: number): void {
		const created = Date.parse(run.createdAt ?? '');
		const completed = Date.parse(run.completedAt ?? '');
		const serverMs = completed - created;
		this.durationsMs.push(Number.isFinite(serverMs) && serverMs > 0 ? serverMs : observedMs);
		if (this.durationsMs.length > MAX_SAMPLES) this.durationsMs.shift();
	}
}

/** One estimator per model and resolution, shared by every execution of this n8n process. */
const estimators = new Map<string, CompletionEstimator>();

/** Runs of one model at one resolution take alike; a Pro 4K run says little about a Nano Banana run. */
export function estimatorKey(modelId: string, resolution: string): string {
	return `${modelId} ${resolution}`;
}

export function estimatorFor(modelKey: string): CompletionEstimator {
	let estimator = estimators.get(modelKey);
	if (!estimator) {
		estimator = new CompletionEstimator();
		estimators.set(modelKey, estimator);
	}
	return estimator;
}

/** Forgets every learned duration: a fresh process, for tests. */
export function clearLearnedDurations(): void {
	estimators.clear();
}
