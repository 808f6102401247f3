/**
 * `npm run bench`: throughput, latency and memory of the node in n8n's engine
 * against the simulator with Runbase's documented rate limit (20 requests per
 * 10 s), and of the node in real n8n. Prints figures; asserts nothing. BENCH_SECTIONS
 * picks parts (default `single,shared,latency,n8n,queue`; also `models`: 20 binary 4K
 * images from Nano Banana Pro). BENCH_API_LATENCY_MS makes the simulator of the single, shared and
 * models sections answer that many ms late, as a distant Runbase does.
 */
import { initBinaryData } from '../helpers/engine';
import type { Row } from './measure';
import { ANSWERS_LATE, documentedSimulator, GENERATION_MS, LIMIT, printRows, quietWindow, WINDOW_MS } from './measure';
import { modelRows } from './models';
import { queueModeRows } from './queueMode';
import { printRealN8nRows } from './realN8n';
import { printSingleItemLatency, printTrialSummary, sharedKeyRows } from './sharedKey';
import { naiveRun, nodeRun } from './singleExecution';

const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? 'single,shared,latency,n8n,queue').split(','));
const SIZES = (process.env.BENCH_SIZES ?? '1,10,30,100').split(',').map(Number);
const BASELINE_SIZES = (process.env.BENCH_BASELINE_SIZES ?? '1,10').split(',').map(Number);

async function singleExecutionRows(): Promise<Row[]> {
	const sim = await documentedSimulator();
	const rows: Row[] = [];
	const answeredLate = (row: Row): Row => ({ ...row, label: `${row.label}${ANSWERS_LATE}` });
	try {
		for (const items of SIZES) {
			for (const returnAs of ['urls', 'binary'] as const) {
				await quietWindow();
				rows.push(answeredLate(await nodeRun(sim, items, returnAs)));
				console.error(`  done: ${rows[rows.length - 1].label}, ${items} items`);
			}
		}
		for (const items of BASELINE_SIZES) {
			await quietWindow();
			rows.push(answeredLate(await naiveRun(sim, items)));
			console.error(`  done: naive, ${items} items`);
		}
	} finally {
		await sim.close();
	}
	return rows;
}

async function main() {
	await initBinaryData('filesystem');
	console.log(
		`Simulator: ${GENERATION_MS / 1000} s generation, ${LIMIT} requests per ${WINDOW_MS / 1000} s per key, ~2 MB PNG images (16:9). Binary data mode: filesystem (n8n's default).\n`,
	);
	const rows: Row[] = [];
	if (SECTIONS.has('single')) rows.push(...(await singleExecutionRows()));
	if (SECTIONS.has('shared')) rows.push(...(await sharedKeyRows()));
	if (SECTIONS.has('models')) rows.push(...(await modelRows()));
	if (SECTIONS.has('queue')) rows.push(...(await queueModeRows()));
	if (rows.length > 0) printRows(rows);
	printTrialSummary(rows);
	if (SECTIONS.has('latency')) await printSingleItemLatency();
	if (SECTIONS.has('n8n')) await printRealN8nRows();
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
