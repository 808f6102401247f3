/**
 * Checks for many executions on one key: every run created is delivered or
 * named in an error, and no item is ever created twice.
 */
import type { Simulator } from '../simulator';
import type { WorkflowResult } from './engine';

export const rateLimited = (countRejected: boolean) => ({ requests: 20, windowMs: 10_000, retryAfter: true, countRejected });

/** One-item Generate executions, URLs only, with the fast timings of the tests. */
export const oneItem = (prompt: string, options: Record<string, unknown> = {}) => ({
	items: [{ prompt }],
	parameters: {
		operation: 'generate',
		prompt: '={{ $json.prompt }}',
		returnAs: 'urls',
		options: { firstCheck: 0.5, pollInterval: 0.5, timeout: 120, ...options },
	},
});

/** Every run the simulator created appears in an output item or in an error of these executions (failed runs are refunded). */
export function expectNoRunLost(sim: Simulator, results: WorkflowResult[]): void {
	const named = results.map((result) =>
		JSON.stringify([result.items.map((item) => item.json), result.error ?? null]),
	).join('\n');
	const lost = [...sim.runs.values()]
		.filter((run) => run.status !== 'failed' && !named.includes(run.id))
		.map((run) => run.id);
	expect(lost).toEqual([]);
}

/** No prompt was turned into a run twice, and every create that reached the server made exactly one run. */
export function expectNoDoubleCreate(sim: Simulator): void {
	const prompts = [...sim.runs.values()].map((run) => run.input.prompt);
	expect(prompts.length).toBe(new Set(prompts).size);
	const acceptedCreates = sim.requests.filter((request) => request.kind === 'create' && request.status !== null && request.status < 300);
	expect(acceptedCreates.length).toBe(sim.runs.size);
}

export function share429(sim: Simulator): number {
	const api = sim.requests.filter((request) => request.host === 'api');
	return api.filter((request) => request.status === 429).length / Math.max(1, api.length);
}
