import { runWorkflow } from './helpers/engine';
import { FAST_POLLING } from './helpers/fixtures';
import { useSimulator } from './helpers/useSimulator';

const sim = useSimulator({});
const credentials = () => ({ apiKey: 'sk-test', baseUrl: sim.apiBaseUrl });
const prompts = (count: number) => Array.from({ length: count }, (_, index) => ({ prompt: `Prompt ${index}` }));

test('items run concurrently and the output keeps the input order and pairing', async () => {
	// Later items finish first: item 0 takes longest.
	sim.configure({ timing: (run) => ({ pendingMs: 20, processingMs: 900 - Number(run.input.prompt.split(' ')[1]) * 100 }) });
	const { items, error } = await runWorkflow({
		items: prompts(8),
		parameters: {
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			returnAs: 'urls',
			options: { ...FAST_POLLING, concurrency: 8, requestsPerWindow: 1000 },
		},
		credentials: credentials(),
	});
	expect(error).toBeUndefined();
	expect(items.map((item) => item.json.prompt)).toEqual(prompts(8).map((item) => item.prompt));
	expect(items.map((item) => item.pairedItem)).toEqual(prompts(8).map((_, item) => ({ item })));
	// All runs were started before the first status check: the items ran side by side.
	const kinds = sim.requests.filter((request) => request.host === 'api').map((request) => request.kind);
	expect(kinds.slice(0, 8)).toEqual(Array(8).fill('create'));
});

test('Concurrency 1 restores one item after another', async () => {
	sim.configure({ pendingMs: 20, processingMs: 200 });
	await runWorkflow({
		items: prompts(3),
		parameters: {
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			returnAs: 'urls',
			options: { firstCheck: 0.2, pollInterval: 0.2, concurrency: 1, requestsPerWindow: 1000 },
		},
		credentials: credentials(),
	});
	const order = sim.requests.filter((request) => request.host === 'api').map((request) => request.kind);
	// Each run is created and then polled to completion before the next is created.
	expect(order.join(',')).toMatch(/^create(,poll)+,create(,poll)+,create(,poll)+$/);
});

test('many items under the documented rate limit never see a 429', async () => {
	sim.configure({ pendingMs: 20, processingMs: 300, rateLimit: { requests: 20, windowMs: 10_000, retryAfter: true } });
	const { items, error } = await runWorkflow({
		items: prompts(14),
		parameters: {
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			returnAs: 'urls',
			options: { ...FAST_POLLING, concurrency: 14 },
		},
		credentials: credentials(),
	});
	expect(error).toBeUndefined();
	expect(items.every((item) => item.json.status === 'succeeded')).toBe(true);
	expect(sim.stats().rateLimited).toBe(0);
	expect(sim.stats().runsCreated).toBe(14);
});

test('after a 429 every item backs off together, honouring Retry-After', async () => {
	sim.configure({
		pendingMs: 20,
		processingMs: 300,
		burst429: { count: 2, on: 'poll', retryAfter: true, retryAfterSeconds: 1 },
	});
	const { items, error } = await runWorkflow({
		items: prompts(5),
		parameters: {
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			returnAs: 'urls',
			options: { ...FAST_POLLING, concurrency: 5 },
		},
		credentials: credentials(),
	});
	expect(error).toBeUndefined();
	expect(items.every((item) => item.json.status === 'succeeded')).toBe(true);
	const api = sim.requests.filter((request) => request.host === 'api');
	const limited = api.filter((request) => request.status === 429);
	expect(limited).toHaveLength(2);
	for (const answer of limited) {
		const during = api.filter((request) => request.at > answer.at + 300 && request.at < answer.at + 950);
		expect(during).toEqual([]);
	}
	expect(sim.stats().creates).toBe(5);
});

test('cancelling stops every pending poll of every item', async () => {
	sim.configure({ pendingMs: 20, processingMs: 30_000 });
	const { items } = await runWorkflow({
		items: prompts(6),
		parameters: {
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			returnAs: 'urls',
			options: { firstCheck: 0.2, pollInterval: 0.2, concurrency: 6 },
		},
		credentials: credentials(),
		cancelAfterMs: 700,
	});
	expect(items).toHaveLength(0);
	// A request already on the wire when the cancel came may still land; nothing new may follow.
	await new Promise((resolve) => setTimeout(resolve, 150));
	const before = sim.stats().polls;
	expect(before).toBeGreaterThan(0);
	await new Promise((resolve) => setTimeout(resolve, 1200));
	expect(sim.stats().polls).toBe(before);
});
