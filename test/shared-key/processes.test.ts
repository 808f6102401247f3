/**
 * Several n8n processes (queue-mode workers) on one key: each has its own budget and
 * cannot see the others' requests. They learn of each other from 429 answers,
 * lower their rates, and still deliver every run, under both kinds of limiter.
 */
import type * as Engine from '../helpers/engine';
import { runWorkflow } from '../helpers/engine';
import { expectNoDoubleCreate, expectNoRunLost, oneItem, rateLimited, share429 } from '../helpers/sharedKey';
import { useSimulator } from '../helpers/useSimulator';

/** Another copy of the node's modules: its process-wide budget registry is its own, as in another process. */
function anotherProcess(): typeof Engine {
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
	const other = anotherProcess();
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

test.each([
	['on a nearby server', 0],
	// A distant Runbase: the next request must wait for an answer, not a moment that a nearby one fits in.
	['with answers 150 ms late', 150],
])('processes bursting at the same moment are each turned away once when the window fills, not once per request in flight (%s)', async (_, latencyMs) => {
	sim.configure({ rateLimit: rateLimited(false), latencyMs });
	const processes = { A: { runWorkflow }, B: anotherProcess(), C: anotherProcess() };
	const credentials = { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl };
	// Neither holds its first burst back (the tests' fresh processes have no jitter): the bursts overlap,
	// and 30 creates meet a window of 20, which fills mid-burst.
	const results = await Promise.all(
		Object.entries(processes).map(
			async ([name, process]) =>
				await process.runWorkflow({
					...oneItem(''),
					items: Array.from({ length: 10 }, (_, index) => ({ prompt: `${name} ${index}` })),
					credentials,
					shareProcessState: true,
				}),
		),
	);
	expect(results.flatMap((result) => result.items.map((item) => item.json.status))).toEqual(Array(30).fill('succeeded'));
	const creates = sim.requests.filter((request) => request.kind === 'create');
	const burstEnd = creates[0].at + 2000;
	const turnedAway = (name: string) =>
		creates.filter((request) => request.status === 429 && request.at < burstEnd && (request.body as { input: { prompt: string } }).input.prompt.startsWith(`${name} `)).length;
	expect(Object.keys(processes).map(turnedAway).every((count) => count <= 1)).toBe(true);
	expectNoDoubleCreate(sim);
}, 240_000);
