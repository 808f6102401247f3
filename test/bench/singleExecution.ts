/** One execution with many items, and the naive client most integrations ship, for comparison. */
import { runWorkflow } from '../helpers/engine';
import type { Simulator } from '../simulator';
import type { Row } from './measure';
import { floorSeconds, measure } from './measure';

function apiShare429(sim: Simulator): number {
	const stats = sim.stats();
	return stats.rateLimited / Math.max(1, stats.creates + stats.polls);
}

export async function nodeRun(sim: Simulator, items: number, returnAs: 'urls' | 'binary'): Promise<Row> {
	sim.reset();
	const { result, wallS, rssGrowthMb } = await measure(async () =>
		await runWorkflow({
			items: Array.from({ length: items }, (_, index) => ({ prompt: `Product photo ${index}` })),
			parameters: {
				operation: 'generate',
				prompt: '={{ $json.prompt }}',
				aspectRatio: '16:9',
				returnAs,
				options: { concurrency: 10 },
			},
			credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
			continueOnFail: true,
			firstBurstJitter: true,
		}),
	);
	const stats = sim.stats();
	const imageBytes = sim.requests
		.filter((request) => request.kind === 'download')
		.reduce((sum, request) => sum + (request.bytes ?? 0), 0);
	return {
		label: `node, ${returnAs === 'urls' ? 'URLs' : 'binary'}`,
		items,
		wallS,
		floorS: floorSeconds(items),
		requestsPerRun: (stats.creates + stats.polls) / items,
		rateLimited: stats.rateLimited,
		share429: apiShare429(sim),
		failed: result.items.filter((item) => item.json.error !== undefined).length + (result.error ? items : 0),
		rssGrowthMb,
		imageMb: imageBytes / 1e6,
	};
}

/** One item after another, a status check every second. */
export async function naiveRun(sim: Simulator, items: number): Promise<Row> {
	sim.reset();
	const headers = { authorization: 'Bearer sk-test', 'content-type': 'application/json' };
	const { wallS, rssGrowthMb } = await measure(async () => {
		for (let index = 0; index < items; index++) {
			const created = await fetch(`${sim.apiBaseUrl}/runs`, {
				method: 'POST',
				headers,
				body: JSON.stringify({ model: 'google/nano-banana', input: { prompt: `Naive ${index}`, aspect_ratio: '16:9' } }),
			});
			const { id } = (await created.json()) as { id: string };
			for (;;) {
				await new Promise((resolve) => setTimeout(resolve, 1000));
				const run = (await (await fetch(`${sim.apiBaseUrl}/runs/${id}`, { headers })).json()) as { status?: string };
				if (run.status === 'succeeded' || run.status === 'failed') break;
			}
		}
	});
	const stats = sim.stats();
	return {
		label: 'naive: sequential, 1 s polls',
		items,
		wallS,
		floorS: floorSeconds(items),
		requestsPerRun: (stats.creates + stats.polls) / items,
		rateLimited: stats.rateLimited,
		share429: apiShare429(sim),
		failed: 0,
		rssGrowthMb,
		imageMb: 0,
	};
}
