/**
 * A webhook burst in n8n's own queue mode, where users outgrow one process. Postgres and Redis from
 * Debian's packages (installed with apt-get when missing), one `n8n start` main and two
 * `n8n worker --concurrency=10`, each with its own user folder and the package installed
 * from its packed tarball. 30 webhook calls at once reach the node through the workers.
 * Each worker keeps its own budget for the key, so together they can exceed Runbase's
 * limit: they adapt on 429s, and every run must still be delivered, none created twice.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import { startSimulator } from '../simulator';
import type { Simulator } from '../simulator';
import { BURST_SIZE, burstWorkflow, checkBurst, describeReport, DOCUMENTED_RATE_LIMIT, fireBurst } from './burst';
import { QueueModeCluster } from './harness/queueMode';
import { packTarball } from './packTarball';

const WEBHOOK_PATH = 'runbase-queue-burst';
const WORKERS = 2;
const workflow = burstWorkflow('e2eQueueModeBur', WEBHOOK_PATH);

let sim: Simulator | undefined;
let cluster: QueueModeCluster | undefined;
let tarball: string | undefined;

beforeAll(async () => {
	const log = (line: string) => process.stderr.write(`[queue] ${line}\n`);
	sim = await startSimulator({ apiKeys: ['sk-e2e'], pendingMs: 500, processingMs: 4000, rateLimit: DOCUMENTED_RATE_LIMIT });
	tarball = packTarball();
	cluster = await QueueModeCluster.create({ packageTarball: tarball, workers: WORKERS, concurrency: 10, log });
	await cluster.importCredentials([
		{ id: 'runbaseCred0001', name: 'Runbase account', type: 'runbaseApi', data: { apiKey: 'sk-e2e', baseUrl: sim.apiBaseUrl } },
	]);
	await cluster.importWorkflows([workflow]);
	await cluster.start({ publish: [workflow.id] });
}, 1_200_000);

afterAll(async () => {
	try {
		await cluster?.stop();
	} finally {
		await sim?.close();
		if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
});

test(`queue mode, main + ${WORKERS} workers: ${BURST_SIZE} webhook calls at once all answered through the workers`, async () => {
	const answers = await fireBurst(cluster!.webhookUrl(WEBHOOK_PATH), BURST_SIZE, 'queue-mode');
	let report;
	try {
		report = checkBurst(sim!, answers, 'sk-e2e');
	} catch (error) {
		process.stderr.write(`${cluster!.logTails()}\n`);
		throw error;
	}
	process.stderr.write(describeReport(`queue mode, main + ${WORKERS} workers`, report));
	expect(sim!.runs.size).toBe(BURST_SIZE);
	// Some 429s are expected (two budgets on one key); a loose bound: the workers back off instead of hammering.
	expect(report.share429).toBeLessThan(0.3);

	// The executions ran on the workers, both of them, and nowhere else.
	const byWorker = cluster!.workerExecutions();
	process.stderr.write(`[e2e] executions per worker: ${byWorker.map((ids) => ids.length).join(', ')}\n`);
	const onWorkers = byWorker.flat();
	expect(new Set(onWorkers).size).toBe(BURST_SIZE);
	expect(onWorkers).toHaveLength(BURST_SIZE);
	for (const ids of byWorker) expect(ids.length).toBeGreaterThan(0);
	expect(cluster!.mainLogs().filter((line) => line.includes('Enqueued execution'))).toHaveLength(BURST_SIZE);

	// n8n's own records in Postgres: 30 successful webhook executions of the workflow, the ones the workers started.
	const rows = await cluster!.query(
		`select id, status, mode from execution_entity where "workflowId" = '${workflow.id}' order by id`,
	);
	expect(rows.map(([, status, mode]) => `${status} ${mode}`)).toEqual(Array(BURST_SIZE).fill('success webhook'));
	expect(rows.map(([id]) => id).sort()).toEqual([...onWorkers].sort());
}, 300_000);
