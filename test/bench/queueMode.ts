/**
 * Workers on one key where users run them: n8n's queue mode, one `n8n start` main and
 * three `n8n worker --concurrency=10` (Postgres and Redis, the package installed from
 * its packed tarball), 30 webhook calls at once, each a one-item execution that one of
 * the workers runs. Each worker keeps its own budget for the key, like the shared
 * section's 3 forked processes. Under each limiter a few trials, each after a quiet
 * window: a worker drops a budget no execution uses, so every trial starts anew.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import { startSimulator } from '../simulator';
import type { Simulator } from '../simulator';
import { burstWorkflow, DOCUMENTED_RATE_LIMIT, fireBurst } from '../e2e/webhookCalls';
import { packTarball, QueueModeCluster } from './e2eHarness';
import type { Row } from './measure';
import { GENERATION_MS, quietWindow } from './measure';
import { LIMITERS, refusals, rowFrom } from './sharedKey';

type Cluster = Awaited<ReturnType<typeof QueueModeCluster.create>>;

const WORKERS = 3;
const CALLS = 30;
const TRIALS = Number(process.env.BENCH_QUEUE_TRIALS ?? 3);
const API_KEY = 'sk-bench';
const WEBHOOK_PATH = 'bench-queue';

async function queueTrial(sim: Simulator, cluster: Cluster, limiter: (typeof LIMITERS)[number], trial: number): Promise<Row> {
	sim.reset();
	sim.configure({ rateLimit: { ...DOCUMENTED_RATE_LIMIT, retryAfter: limiter.retryAfter, countRejected: limiter.strict } });
	const before = cluster.workerExecutions().map((ids) => ids.length);
	const answers = await fireBurst(cluster.webhookUrl(WEBHOOK_PATH), CALLS, `queue-${limiter.label}-${trial}`);
	const finished = Date.now();
	// n8n needs a moment to hand a job to a worker: time is counted from the first request to Runbase.
	const firstRequest = Math.min(...sim.requests.map((request) => request.at));
	const failed = answers.filter((answer) => answer.status !== 200 || !Array.isArray(answer.body?.urls)).length;
	const perWorker = cluster.workerExecutions().map((ids, index) => ids.length - before[index]);
	const label = `queue mode, main + ${WORKERS} workers, ${CALLS} calls, ${limiter.label}`;
	console.error(`  [queue] ${label}, trial ${trial}: executions per worker ${perWorker.join('/')}`);
	return { ...rowFrom(sim, `${label}, trial ${trial}`, CALLS, (finished - firstRequest) / 1000, failed, 0), trialOf: label };
}

export async function queueModeRows(): Promise<Row[]> {
	const log = (line: string) => console.error(`  [queue] ${line}`);
	const tarball = packTarball();
	const sim = await startSimulator({ apiKeys: [API_KEY], generationMs: GENERATION_MS, rateLimit: DOCUMENTED_RATE_LIMIT });
	let cluster: Cluster | undefined;
	const rows: Row[] = [];
	try {
		cluster = await QueueModeCluster.create({ packageTarball: tarball, workers: WORKERS, concurrency: 10, log });
		await cluster.importCredentials([
			{ id: 'runbaseCred0001', name: 'Runbase account', type: 'runbaseApi', data: { apiKey: API_KEY, baseUrl: sim.apiBaseUrl } },
		]);
		const workflow = burstWorkflow('benchQueueBurst', WEBHOOK_PATH);
		await cluster.importWorkflows([workflow]);
		await cluster.start({ publish: [workflow.id] });
		for (const limiter of LIMITERS) {
			for (let trial = 1; trial <= TRIALS; trial++) {
				await quietWindow();
				const row = await queueTrial(sim, cluster, limiter, trial);
				rows.push(row);
				// The prompts of a webhook burst do not name the worker, so a 429 says what it turned away instead.
				const turnedAway = refusals(sim, (request) => (request.kind === 'create' ? 'start' : 'check'));
				log(`done: ${row.label}: ${(row.share429 * 100).toFixed(1)}% 429s, ${(row.wallS / row.floorS).toFixed(2)}x the floor; 429s at ${turnedAway || 'none'}`);
			}
		}
	} finally {
		await cluster?.stop();
		await sim.close();
		rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
	return rows;
}
