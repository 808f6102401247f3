/**
 * One execution's low Requests per 10 Seconds holds every execution on the key to
 * it while it runs, and no longer: once it ends, the others get the key's full
 * limit back at once instead of climbing back to it over minutes.
 */
import { freshProcess, runWorkflow } from '../helpers/engine';
import { expectNoDoubleCreate, expectNoRunLost, oneItem, rateLimited, share429 } from '../helpers/sharedKey';
import { useSimulator } from '../helpers/useSimulator';

// Runs take 3 s, so the first status check of a run comes seconds after its start.
const sim = useSimulator({ pendingMs: 50, processingMs: 3000 });

const lastIndexWhere = <T>(list: T[], matches: (entry: T) => boolean) =>
	list.reduce((last, entry, index) => (matches(entry) ? index : last), -1);

test('once an execution with a low Requests per 10 Seconds ends, the others on the key send at the full limit at once', async () => {
	freshProcess();
	sim.configure({ rateLimit: rateLimited(false) });
	const credentials = { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl };
	const slow = runWorkflow({ ...oneItem('A', { requestsPerWindow: 2 }), credentials, shareProcessState: true });
	// B starts once A holds the key at 2 requests per 10 seconds.
	while (sim.runs.size < 1) await new Promise((resolve) => setTimeout(resolve, 20));
	const items = Array.from({ length: 8 }, (_, index) => ({ prompt: `B ${index}` }));
	const fast = runWorkflow({ ...oneItem('', { concurrency: 8 }), items, credentials, shareProcessState: true });
	const results = await Promise.all([slow, fast]);

	expect(results.map((result) => result.error?.message)).toEqual([undefined, undefined]);
	expect(results.flatMap((result) => result.items.map((item) => item.json.status))).toEqual(Array(9).fill('succeeded'));
	const api = sim.requests.filter((request) => request.host === 'api');
	const runOfA = [...sim.runs.values()].find((run) => run.input.prompt === 'A')?.id;
	const endOfA = lastIndexWhere(api, (request) => request.runId === runOfA);
	const createsOfB = api.filter((request) => request.kind === 'create' && request.runId !== runOfA);
	// While A ran, the key kept to A's 2 requests per 10 seconds: B could start one run.
	expect(createsOfB.filter((request) => api.indexOf(request) < endOfA)).toHaveLength(1);

	// Then B's 7 other starts went out one after another, before any status check of the runs they
	// started. Climbing back from 2 per 10 seconds, they would have waited for the window in between.
	const afterA = api.slice(endOfA + 1);
	const runsStartedAfterA = afterA.filter((request) => request.kind === 'create').map((request) => request.runId);
	const firstCheckOfThem = afterA.findIndex((request) => request.kind === 'poll' && runsStartedAfterA.includes(request.runId));
	const lastStart = lastIndexWhere(afterA, (request) => request.kind === 'create');
	expect(runsStartedAfterA).toHaveLength(7);
	expect(lastStart).toBeLessThan(firstCheckOfThem);
	// The full limit is Runbase's own: sending at it at once was never turned away.
	expect(share429(sim)).toBe(0);
	expectNoRunLost(sim, results);
	expectNoDoubleCreate(sim);
}, 120_000);
