import type { RunbaseRun } from './interfaces';

const MIN_SAMPLES_TO_LEARN = 1;
/** A little past the typical finish, so most first checks find the run done. */
const QUANTILE = 0.8;
const MARGIN_MS = 150;

/**
 * Learns how long runs take during one execution, so each new run is first
 * checked when it is likely done instead of on a fixed timer.
 */
export class CompletionEstimator {
	private readonly durationsMs: number[] = [];

	/** Expected time from creation to a finished run, in milliseconds. */
	expectedMs(priorMs: number): number {
		if (this.durationsMs.length < MIN_SAMPLES_TO_LEARN) return priorMs;
		const sorted = [...this.durationsMs].sort((a, b) => a - b);
		const index = Math.min(sorted.length - 1, Math.floor(sorted.length * QUANTILE));
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
	}
}
