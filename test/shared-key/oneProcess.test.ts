/**
 * A CRM firing 30 webhooks makes 30 one-item executions at once in one n8n
 * process, all on one key: they share the key's budget, so Runbase's limit is
 * met without 429 storms, under both kinds of rate limiter.
 */
import { freshProcess, runWorkflow } from '../helpers/engine';
import { expectNoDoubleCreate, expectNoRunLost, oneItem, rateLimited, share429 } from '../helpers/sharedKey';
import { useSimulator } from '../helpers/useSimulator';

const sim = useSimulator({ pendingMs: 50, processingMs: 1500 });

test.each([
	['lenient', false],
	['strict', true],
])('30 one-item executions at once share one budget (%s limiter)', async (_, countRejected) => {
	sim.configure({ rateLimit: rateLimited(countRejected) });
	const credentials = { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl };
	const results = await Promise.all(
		Array.from({ length: 30 }, async (_, index) =>
			await runWorkflow({ ...oneItem(`Lead ${index}`), credentials, shareProcessState: true }),
		),
	);
	expect(results.map((result) => result.error?.message)).toEqual(Array(30).fill(undefined));
	expect(results.map((result) => result.items[0]?.json.status)).toEqual(Array(30).fill('succeeded'));
	expectNoRunLost(sim, results);
	expectNoDoubleCreate(sim);
	expect(sim.runs.size).toBe(30);
	// One budget sees every request of the key: it never overruns the window.
	expect(share429(sim)).toBe(0);
}, 180_000);

test('a start turned away with 429 without Retry-After keeps its place ahead of status checks that fell due during the pause', async () => {
	const credentials = { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl };
	// Execution A starts two runs and checks them first at 1.5 s.
	const first = runWorkflow({
		...oneItem('Lead A0', { firstCheck: 1.5, concurrency: 2 }),
		items: [{ prompt: 'Lead A0' }, { prompt: 'Lead A1' }],
		credentials,
	});
	while (sim.runs.size < 2) await new Promise((resolve) => setTimeout(resolve, 20));
	// Execution B's start is turned away without Retry-After: the key pauses a whole window, past A's checks.
	sim.configure({ burst429: { count: 1, on: 'create', retryAfter: false } });
	const second = runWorkflow({ ...oneItem('Lead B'), credentials, shareProcessState: true });
	const results = await Promise.all([first, second]);

	expect(results.map((result) => result.items.map((item) => item.json.status))).toEqual([['succeeded', 'succeeded'], ['succeeded']]);
	const api = sim.requests.filter((request) => request.host === 'api');
	const turnedAway = api.findIndex((request) => request.status === 429);
	expect(api[turnedAway].kind).toBe('create');
	// Once the pause ends, B's start goes first, so its generation overlaps A's checks.
	const afterPause = api.slice(turnedAway + 1);
	const runsOfA = [...sim.runs.values()].filter((run) => run.input.prompt.startsWith('Lead A')).map((run) => run.id);
	expect(afterPause.slice(0, 3).map((request) => [request.kind, runsOfA.includes(request.runId ?? '')])).toEqual([
		['create', false],
		['poll', true],
		['poll', true],
	]);
	// A's checks fell due during the pause and waited for it.
	expect(afterPause[1].at - api[turnedAway].at).toBeGreaterThan(9000);
	expectNoRunLost(sim, results);
	expectNoDoubleCreate(sim);
}, 60_000);

test('a start waits behind status checks due within one window of its run\'s expected end, and goes ahead of later ones', async () => {
	freshProcess();
	// 6 items at 4 requests per 10 seconds, runs of 12 s: 4 starts go at once and 2 wait. Their runs
	// would be done 1 s after starting, so they yield to checks due until 11 s.
	sim.configure({ processingMs: 12_000 });
	const items = Array.from({ length: 6 }, (_, index) => ({ prompt: `Item ${index}` }));
	const result = await runWorkflow({
		...oneItem('', { firstCheck: 1, pollInterval: 2, requestsPerWindow: 4, concurrency: 6 }),
		items,
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
	});

	expect(result.items.map((item) => item.json.status)).toEqual(Array(6).fill('succeeded'));
	const api = sim.requests.filter((request) => request.host === 'api');
	expect(api.slice(0, 4).map((request) => request.kind)).toEqual(Array(4).fill('create'));
	// In the next window the first checks, due at 1 s, go first: each of them finds its run unfinished.
	expect(api.slice(4, 8).map((request) => [request.kind, request.status])).toEqual(Array(4).fill(['poll', 200]));
	// The checks after them fall due at about 12 s, past the waiting starts' 11 s: in the third
	// window the starts go first, so their runs generate while those checks go out.
	expect(api.slice(8, 12).map((request) => request.kind)).toEqual(['create', 'create', 'poll', 'poll']);
	expect(api[8].at - api[4].at).toBeGreaterThan(9000);
	expectNoRunLost(sim, [result]);
	expectNoDoubleCreate(sim);
}, 90_000);
