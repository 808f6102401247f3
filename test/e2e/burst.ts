/**
 * A webhook burst for the real-n8n tests (issue #10): a Webhook ("When Last Node Finishes")
 * → Nano Banana (Image URLs) workflow, many POSTs sent at once, and the checks that every
 * call was answered with its own image, every run Runbase created was delivered, and no
 * prompt was created twice.
 */
import type { Simulator } from '../simulator';
import type { Workflow } from './fixtures';

export const BURST_SIZE = 30;

/** Runbase's documented limit: 20 requests per 10 s per key, creates and polls together. */
export const DOCUMENTED_RATE_LIMIT = { requests: 20, windowMs: 10_000, retryAfter: true };

/** A Webhook trigger (POST) at `webhookPath`; by default it answers with the last node's first item. */
export function webhookNode(id: string, webhookPath: string, response: Record<string, unknown> = { responseMode: 'lastNode' }) {
	return {
		id: `${id}-webhook`,
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: `${id}-hook`,
		parameters: { httpMethod: 'POST', path: webhookPath, ...response, options: {} },
	};
}

/** Webhook → Nano Banana: the prompt comes from the request body, the answer is the node's first item. */
export function burstWorkflow(id: string, webhookPath: string): Workflow {
	return {
		id,
		name: `e2e burst ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			webhookNode(id, webhookPath),
			{
				id: `${id}-nano`,
				name: 'Nano Banana',
				type: 'n8n-nodes-runbase.nanoBanana',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					operation: 'generate',
					prompt: '={{ $json.body.prompt }}',
					aspectRatio: '1:1',
					returnAs: 'urls',
					options: {},
				},
				credentials: { runbaseApi: { id: 'runbaseCred0001', name: 'Runbase account' } },
			},
		] as unknown as Workflow['nodes'],
		connections: { Webhook: { main: [[{ node: 'Nano Banana', type: 'main', index: 0 }]] } },
	};
}

export type BurstAnswer = { prompt: string; status: number; body: Record<string, unknown> | null; text: string; ms: number };

export const burstPrompt = (tag: string, index: number) => `A ${tag} burst lamp, number ${index + 1}`;

/** POSTs `count` different prompts to `url` all at once and collects every answer. */
export async function fireBurst(url: string, count: number, tag: string): Promise<BurstAnswer[]> {
	const started = Date.now();
	return await Promise.all(
		Array.from({ length: count }, async (_slot, index): Promise<BurstAnswer> => {
			const prompt = burstPrompt(tag, index);
			try {
				const response = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ prompt }),
					signal: AbortSignal.timeout(280_000),
				});
				const text = await response.text();
				let body: Record<string, unknown> | null = null;
				try {
					body = JSON.parse(text) as Record<string, unknown>;
				} catch {
					// not JSON: kept in text for the report
				}
				return { prompt, status: response.status, body, text, ms: Date.now() - started };
			} catch (error) {
				return { prompt, status: 0, body: null, text: String(error), ms: Date.now() - started };
			}
		}),
	);
}

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
