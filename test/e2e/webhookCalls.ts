/**
 * Webhook workflows and calls shared by the real-n8n tests and the bench (no jest in here):
 * a Webhook ("When Last Node Finishes") → Nano Banana (Image URLs) workflow, and POSTs to it.
 */
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
