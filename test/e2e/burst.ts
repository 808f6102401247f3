/**
 * The checks of a webhook burst in real n8n (the workflow and the calls: webhookCalls.ts):
 * every call was answered with its own image, every run Runbase created was delivered, and
 * no prompt was created twice.
 */
import type { Simulator } from '../simulator';
import type { BurstAnswer } from './webhookCalls';

export { BURST_SIZE, burstPrompt, burstWorkflow, DOCUMENTED_RATE_LIMIT, fireBurst, webhookNode } from './webhookCalls';
export type { BurstAnswer } from './webhookCalls';

export type BurstReport = {
	answered: number;
	seconds: number;
	requests: number;
	creates: number;
	polls: number;
	rateLimited: number;
	share429: number;
};

/**
 * Every call answered 200 with its own run's image URL; every run the simulator created was
 * delivered to exactly one caller; no prompt created twice. Returns the key's request counts.
 */
export function checkBurst(sim: Simulator, answers: BurstAnswer[], apiKey: string): BurstReport {
	const failed = answers.filter((answer) => answer.status !== 200 || !Array.isArray(answer.body?.urls));
	expect(failed.map((answer) => `${answer.prompt}: ${answer.status} ${answer.text.slice(0, 300)}`)).toEqual([]);
	const delivered = new Set<string>();
	for (const answer of answers) {
		const body = answer.body!;
		const runId = String(body.runId);
		expect(body).toMatchObject({ status: 'succeeded', prompt: answer.prompt });
		expect(body.urls).toEqual([
			expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/files/generated/${runId}-0\\.png$`)),
		]);
		// The run behind the answer is the one created for this caller's prompt.
		expect(sim.runs.get(runId)?.input.prompt).toBe(answer.prompt);
		delivered.add(runId);
	}
	// No run lost: every run Runbase created reached a caller, each caller got a different one.
	expect(delivered.size).toBe(answers.length);
	expect([...sim.runs.keys()].sort()).toEqual([...delivered].sort());
	// No item created twice.
	const twice = answers.filter((answer) => sim.createsForPrompt(answer.prompt) !== 1).map((answer) => answer.prompt);
	expect(twice).toEqual([]);
	const byKey = sim.stats().byKey[apiKey];
	return {
		answered: answers.length,
		seconds: Math.max(...answers.map((answer) => answer.ms)) / 1000,
		requests: byKey.requests,
		creates: byKey.creates,
		polls: byKey.polls,
		rateLimited: byKey.rateLimited,
		share429: byKey.share429,
	};
}

export function describeReport(label: string, report: BurstReport): string {
	const share = (report.share429 * 100).toFixed(1);
	return (
		`[e2e] ${label}: ${report.answered} calls answered in ${report.seconds.toFixed(1)} s; ` +
		`${report.requests} API requests (${report.creates} creates, ${report.polls} polls), ` +
		`${report.rateLimited} answered 429 (${share}%)\n`
	);
}
