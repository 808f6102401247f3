/** One execution with many items, and the naive client most integrations ship, for comparison. */
import { runWorkflow } from '../helpers/engine';
import type { Simulator } from '../simulator';
import type { Row } from './measure';
import { floorSeconds, measure } from './measure';

/** A table row from what the simulator counted while `items` images were made. */
function simulatorRow(sim: Simulator, label: string, items: number, measured: { wallS: number; rssGrowthMb: number }, failed: number, imageMb: number): Row {
	const stats = sim.stats();
	const requests = stats.creates + stats.polls;
	return {
		label,
		items,
		wallS: measured.wallS,
		floorS: floorSeconds(items),
		requestsPerRun: requests / items,
		rateLimited: stats.rateLimited,
		share429: stats.rateLimited / Math.max(1, requests),
		failed,
		rssGrowthMb: measured.rssGrowthMb,
		imageMb,
	};
}

export async function nodeRun(sim: Simulator, items: number, returnAs: 'urls' | 'binary'): Promise<Row> {
	sim.reset();
	const { result, ...measured } = await measure(async () =>
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
	const imageBytes = sim.requests
		.filter((request) => request.kind === 'download')
		.reduce((sum, request) => sum + (request.bytes ?? 0), 0);
	const failed = result.items.filter((item) => item.json.error !== undefined).length + (result.error ? items : 0);
	return simulatorRow(sim, `node, ${returnAs === 'urls' ? 'URLs' : 'binary'}`, items, measured, failed, imageBytes / 1e6);
}

/** One item after another, a status check every second. */
export async function naiveRun(sim: Simulator, items: number): Promise<Row> {
	sim.reset();
	const headers = { authorization: 'Bearer sk-test', 'content-type': 'application/json' };
	const measured = await measure(async () => {
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
	return simulatorRow(sim, 'naive: sequential, 1 s polls', items, measured, 0, 0);
}
