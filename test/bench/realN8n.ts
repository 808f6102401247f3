/**
 * The bench where users run the node: real `n8n start` (2.x, the package installed
 * from its packed tarball as n8n's installer does), Webhook → Nano Banana, against
 * the simulator with Runbase's documented limit. Each trial starts a fresh n8n
 * process, so nothing learned in one trial helps the next:
 * - lone executions: webhook calls one after another, each waiting for its answer;
 * - a burst: 30 webhook calls at once.
 * Run times are the even quantiles of 5 to 9 s in a new random order per trial, so
 * trials differ in what the node does, not in how lucky the dice were.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';

import { startSimulator } from '../simulator';
import type { Simulator } from '../simulator';
import { burstWorkflow, DOCUMENTED_RATE_LIMIT, fireBurst } from '../e2e/webhookCalls';
import { n8n, packTarball } from './e2eHarness';
import type { LoneRunFigures } from './loneSchedule';
import { EVEN_SPREAD, latencyFigures, medianAndWorst, shuffledRunTimes } from './loneSchedule';
import { printTable, quietWindow } from './measure';

type N8nInstance = Awaited<ReturnType<typeof n8n.createInstance>>;

const TRIALS = Number(process.env.BENCH_N8N_TRIALS ?? 3);
const LONE_EXECUTIONS = Number(process.env.BENCH_N8N_LONE ?? 20);
const BURST = 30;
/** `lone`, `burst` or both (default). */
const PARTS = new Set((process.env.BENCH_N8N_PARTS ?? 'lone,burst').split(','));
const API_KEY = 'sk-bench';
const LONE_PATH = 'bench-lone';
const BURST_PATH = 'bench-burst';

interface TrialFigures extends LoneRunFigures {
	label: string;
	rateLimited: number;
	wallS: number;
	failed: number;
	/** A burst's answers: how long each caller waited for its image, median and worst. */
	answeredS?: { median: number; worst: number };
}

/** Every run of this trial takes the next of `times` from creation to ready. */
function useRunTimes(sim: Simulator, times: number[]): void {
	const queue = [...times];
	sim.reset();
	sim.configure({ timing: () => ({ pendingMs: 50, processingMs: (queue.shift() ?? 7000) - 50 }) });
}

function figuresOf(sim: Simulator, label: string, wallS: number, failed: number): TrialFigures {
	const latencies = [...sim.runs.values()].map((run) => (run.reportedAt ?? Infinity) - run.readyAt);
	const stats = sim.stats();
	return { label, wallS, failed, rateLimited: stats.rateLimited, ...latencyFigures(latencies, stats.creates + stats.polls) };
}

async function postPrompt(url: string, prompt: string): Promise<boolean> {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ prompt }),
		signal: AbortSignal.timeout(120_000),
	});
	const body = (await response.json().catch(() => ({}))) as { urls?: unknown };
	return response.ok && Array.isArray(body.urls);
}

/** One trial in a fresh `n8n start`: `work` gets the webhook URL of `webhookPath`. */
async function inFreshN8n(instance: N8nInstance, webhookPath: string, work: (url: string) => Promise<number>) {
	const server = await instance.startServer();
	try {
		await server.waitForWebhook(webhookPath, { method: 'POST' });
		const started = Date.now();
		const failed = await work(server.webhookUrl(webhookPath));
		return { wallS: (Date.now() - started) / 1000, failed };
	} finally {
		await server.stop();
	}
}

async function loneTrial(sim: Simulator, instance: N8nInstance, trial: number): Promise<TrialFigures> {
	useRunTimes(sim, shuffledRunTimes(EVEN_SPREAD, LONE_EXECUTIONS));
	const { wallS, failed } = await inFreshN8n(instance, LONE_PATH, async (url) => {
		let failures = 0;
		for (let index = 0; index < LONE_EXECUTIONS; index++) {
			if (!(await postPrompt(url, `Lone ${trial}.${index}`))) failures++;
		}
		return failures;
	});
	return figuresOf(sim, `${LONE_EXECUTIONS} lone executions, trial ${trial}`, wallS, failed);
}

async function burstTrial(sim: Simulator, instance: N8nInstance, trial: number): Promise<TrialFigures> {
	useRunTimes(sim, shuffledRunTimes(EVEN_SPREAD, BURST));
	let waitedS: number[] = [];
	const { wallS, failed } = await inFreshN8n(instance, BURST_PATH, async (url) => {
		const answers = await fireBurst(url, BURST, `bench-${trial}`);
		waitedS = answers.map((answer) => answer.ms / 1000);
		return answers.filter((answer) => answer.status !== 200 || !Array.isArray(answer.body?.urls)).length;
	});
	return { ...figuresOf(sim, `burst of ${BURST} webhook calls, trial ${trial}`, wallS, failed), answeredS: medianAndWorst(waitedS) };
}

function printTrials(rows: TrialFigures[]): void {
	printTable(
		['real n8n 2.x, run times even over 5-9 s', 'added latency median ms', 'worst ms', 'within 400 ms', 'req/run', '429s', 'wall s', 'answered median s', 'worst s', 'failed'],
		rows.map((row) => [
			row.label,
			row.medianMs.toFixed(0),
			row.worstMs.toFixed(0),
			`${(row.within400 * 100).toFixed(0)}%`,
			row.requestsPerRun.toFixed(2),
			String(row.rateLimited),
			row.wallS.toFixed(1),
			row.answeredS?.median.toFixed(1) ?? '-',
			row.answeredS?.worst.toFixed(1) ?? '-',
			String(row.failed),
		]),
	);
}

export async function printRealN8nRows(): Promise<void> {
	const log = (line: string) => console.error(`  [n8n] ${line}`);
	await n8n.ensureInstalled({ log });
	const tarball = packTarball();
	const sim = await startSimulator({ apiKeys: [API_KEY], rateLimit: DOCUMENTED_RATE_LIMIT });
	const instance = await n8n.createInstance({ packageTarball: tarball, log: () => {} });
	const rows: TrialFigures[] = [];
	try {
		await instance.importCredentials([
			{ id: 'runbaseCred0001', name: 'Runbase account', type: 'runbaseApi', data: { apiKey: API_KEY, baseUrl: sim.apiBaseUrl } },
		]);
		const workflows = [burstWorkflow('benchLoneCalls1', LONE_PATH), burstWorkflow('benchBurstCall1', BURST_PATH)];
		await instance.importWorkflows(workflows);
		for (const workflow of workflows) await instance.publishWorkflow(workflow.id);
		for (let trial = 1; PARTS.has('lone') && trial <= TRIALS; trial++) {
			await quietWindow();
			rows.push(await loneTrial(sim, instance, trial));
			log(`done: ${rows[rows.length - 1].label}`);
		}
		for (let trial = 1; PARTS.has('burst') && trial <= TRIALS; trial++) {
			await quietWindow();
			rows.push(await burstTrial(sim, instance, trial));
			log(`done: ${rows[rows.length - 1].label}`);
		}
	} finally {
		await instance.dispose();
		await sim.close();
		rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
	console.log('');
	printTrials(rows);
}
