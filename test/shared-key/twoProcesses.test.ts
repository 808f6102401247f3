/**
 * Two n8n processes (queue-mode workers) on one key: each has its own budget and
 * cannot see the other's requests. They learn of each other from 429 answers,
 * lower their rates, and still deliver every run, under both kinds of limiter.
 */
import type * as Engine from '../helpers/engine';
import { runWorkflow } from '../helpers/engine';
import { expectNoDoubleCreate, expectNoRunLost, oneItem, rateLimited, share429 } from '../helpers/sharedKey';
import { useSimulator } from '../helpers/useSimulator';

/** A second copy of the node's modules: its process-wide budget registry is its own, as in another process. */
function secondProcess(): typeof Engine {
	let engine: typeof Engine | undefined;
	jest.isolateModules(() => {
		engine = require('../helpers/engine') as typeof Engine;
	});
	return engine as typeof Engine;
}

const sim = useSimulator({ pendingMs: 50, processingMs: 1500 });

test.each([
	['lenient', false],
	['strict', true],
])('two processes with 12 items each on one key deliver every run (%s limiter)', async (_, countRejected) => {
	sim.configure({ rateLimit: rateLimited(countRejected) });
	const other = secondProcess();
	const credentials = { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl };
	const workflow = (process: string) => ({
		...oneItem(''),
		items: Array.from({ length: 12 }, (_, index) => ({ prompt: `${process} ${index}` })),
		credentials,
	});
	const results = await Promise.all([
		runWorkflow({ ...workflow('A'), shareProcessState: true }),
		other.runWorkflow({ ...workflow('B'), shareProcessState: true }),
	]);
	expect(results.map((result) => result.error?.message)).toEqual([undefined, undefined]);
	expect(results.flatMap((result) => result.items.map((item) => item.json.status))).toEqual(Array(24).fill('succeeded'));
	expectNoRunLost(sim, results);
	expectNoDoubleCreate(sim);
	// They did collide (the point of the test), and adapted instead of hammering.
	expect(sim.stats().rateLimited).toBeGreaterThan(0);
	expect(share429(sim)).toBeLessThan(0.35);
}, 240_000);
