/**
 * Issue 5: faults, bad answers and secrets. Nothing lost, nothing paid twice, nothing leaked.
 *
 * Every engine test runs many items through n8n's real WorkflowExecute with
 * Continue On Fail against the simulator with one fault switch on, then audits:
 *  - every item ends with its images, or with a clear error (message + description)
 *    that names the run when one exists (or says one may have started);
 *  - no prompt got two runs (`sim.createsForPrompt(prompt) <= 1`);
 *  - the API key appears only in the Authorization header of API calls: not in
 *    other headers, paths or bodies, not on image downloads (also when the image
 *    host is the API host), not in output items, errors or the execution data.
 */
import net from 'node:net';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { DEFAULTS, startSimulator } from './simulator';
import type { RecordedRequest, SimRun, Simulator, SimulatorOptions } from './simulator';
import type { WorkflowResult } from './helpers/engine';
import { binaryBuffer, runWorkflow } from './helpers/engine';

const KEY = 'sk-live-5f2c9a7e1b3d4c6e8a0f2b4d6c8e0a1f';
const PNG_SIGNATURE = '89504e470d0a1a0a';

/** Every persistent option back to what these tests assume; one-shot switches are cleared by reset(). */
const SIM_DEFAULTS: SimulatorOptions = { ...DEFAULTS, apiKeys: [KEY], pendingMs: 50, processingMs: 200 };

/** Fast timings; the node's own request budget is lifted so only the simulator's faults shape the run. */
const FAST: INodeParameters = {
	firstCheck: 0.3,
	pollInterval: 0.2,
	requestsPerWindow: 1000,
	requestTimeout: 2,
	downloadTimeout: 2,
	timeout: 15,
};

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator(SIM_DEFAULTS);
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.configure(SIM_DEFAULTS);
	sim.reset();
});

// ---------------------------------------------------------------------------
// Running many items and auditing the outcome

interface Ran {
	result: WorkflowResult;
	prompts: string[];
	elapsedMs: number;
	sim: Simulator;
	key: string;
}

interface RunManyOptions {
	count?: number;
	options?: INodeParameters;
	parameters?: INodeParameters;
	baseUrl?: string;
	key?: string;
	on?: Simulator;
}

let tagCounter = 0;

async function runMany(tag: string, { count = 8, options = {}, parameters = {}, baseUrl, key = KEY, on = sim }: RunManyOptions = {}): Promise<Ran> {
	tagCounter++;
	const prompts = Array.from({ length: count }, (_, i) => `[${tagCounter}] ${tag} #${i}: a ceramic lamp on a walnut desk`);
	const started = Date.now();
	const result = await runWorkflow({
		parameters: {
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			aspectRatio: '1:1',
			returnAs: 'binary',
			...parameters,
			options: { ...FAST, ...options },
		},
		items: prompts.map((prompt) => ({ prompt })),
		credentials: { apiKey: key, baseUrl: baseUrl ?? on.apiBaseUrl },
		continueOnFail: true,
	});
	return { result, prompts, elapsedMs: Date.now() - started, sim: on, key };
}

function runsFor(on: Simulator, prompt: string): SimRun[] {
	return [...on.runs.values()].filter((run) => run.input.prompt === prompt);
}

const GARBLED = /\[object Object\]|\bundefined\b|\bNaN\b|Cannot read propert|is not a function|is not defined|Unexpected (token|end of JSON)|in JSON at position|^UNKNOWN ERROR/i;

/** A clear, actionable error: a specific message, and a description that says what to do. */
function errorProblems(json: IDataObject): string[] {
	const problems: string[] = [];
	const { error, description } = json;
	if (typeof error !== 'string' || error.trim().length < 15) problems.push(`vague or missing message: ${JSON.stringify(error)}`);
	if (typeof description !== 'string' || description.trim() === '') problems.push(`no description (message: ${String(error)})`);
	for (const text of [error, description]) {
		if (typeof text === 'string' && GARBLED.test(text)) problems.push(`garbled text: ${text}`);
	}
	return problems;
}

function safeStringify(value: unknown): string {
	const seen = new WeakSet();
	return (
		JSON.stringify(value, (_key, inner) => {
			if (inner && typeof inner === 'object') {
				if (seen.has(inner)) return '[circular]';
				seen.add(inner);
			}
			if (inner instanceof Error) return { ...inner, message: inner.message, stack: inner.stack };
			return inner;
		}) ?? ''
	);
}

/** Where the key shows up outside the Authorization header of an API call. */
function leaks(ran: Pick<Ran, 'result' | 'sim' | 'key'>): string[] {
	const { result, key } = ran;
	const problems: string[] = [];
	for (const request of ran.sim.requests) {
		const where = `${request.host} ${request.method} ${request.path}`;
		const { authorization, ...otherHeaders } = request.headers;
		if (safeStringify(otherHeaders).includes(key)) problems.push(`key in a header other than Authorization: ${where}`);
		if (request.path.includes(key)) problems.push(`key in the path: ${where}`);
		if (safeStringify(request.body ?? null).includes(key)) problems.push(`key in the body: ${where}`);
		const apiCall = request.host === 'api' && (request.kind === 'create' || request.kind === 'poll');
		if (!apiCall && authorization !== undefined) problems.push(`Authorization header sent outside the API: ${where}`);
		if (apiCall && authorization !== `Bearer ${key}`) problems.push(`unexpected Authorization on ${where}`);
	}
	if (safeStringify(result.items).includes(key)) problems.push('key in the output items');
	if (safeStringify(result.error ?? null).includes(key)) problems.push('key in the node error');
	if (safeStringify(result.run.data.resultData).includes(key)) problems.push('key in the execution data');
	return problems;
}

interface Audit {
	ok: number[];
	failed: number[];
	items: INodeExecutionData[];
	/** The error items, by index. */
	errors: Map<number, IDataObject>;
}

/** The invariants of issue 5, checked for every item of a run. */
async function audit(ran: Ran): Promise<Audit> {
	const { result, prompts } = ran;
	const problems: string[] = [];
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(prompts.length);
	const ok: number[] = [];
	const failed: number[] = [];
	const errors = new Map<number, IDataObject>();
	for (const [index, item] of result.items.entries()) {
		const label = `item ${index}`;
		const runs = runsFor(ran.sim, prompts[index]);
		if (runs.length > 1) problems.push(`${label}: ${runs.length} runs for one item (paid twice)`);
		if (JSON.stringify(item.pairedItem) !== JSON.stringify({ item: index })) {
			problems.push(`${label}: pairedItem ${JSON.stringify(item.pairedItem)}`);
		}
		if (item.binary?.data) {
			ok.push(index);
			const json = item.json;
			if (json.status !== 'succeeded' || json.prompt !== prompts[index]) problems.push(`${label}: images but json ${JSON.stringify(json)}`);
			if (runs.length !== 1 || json.runId !== runs[0].id) problems.push(`${label}: runId ${String(json.runId)} is not its run`);
			else if (JSON.stringify(json.urls) !== JSON.stringify(runs[0].urls)) problems.push(`${label}: urls ${JSON.stringify(json.urls)}`);
			const png = await binaryBuffer(item);
			if (png.subarray(0, 8).toString('hex') !== PNG_SIGNATURE) problems.push(`${label}: binary is not a PNG`);
		} else {
			failed.push(index);
			errors.set(index, item.json);
			problems.push(...errorProblems(item.json).map((problem) => `${label}: ${problem}`));
			// Nothing lost: a run that exists is named, or the error warns that one may have started.
			if (runs.length === 1 && item.json.runId !== runs[0].id) {
				const text = `${String(item.json.error)} ${String(item.json.description)}`;
				if (!/may have started/i.test(text)) problems.push(`${label}: run ${runs[0].id} exists but the error neither names it nor warns: ${text}`);
			}
		}
	}
	problems.push(...leaks(ran));
	expect(problems).toEqual([]);
	return { ok, failed, items: result.items, errors };
}

const all = (ran: Ran) => ran.prompts.map((_, index) => index);

function requestsWithFault(on: Simulator, fault: string, kind?: RecordedRequest['kind']): RecordedRequest[] {
	return on.requests.filter((request) => (request.fault ?? '').split(',').some((name) => name.startsWith(fault)) && (!kind || request.kind === kind));
}

// ---------------------------------------------------------------------------

describe('transient faults: every item still gets its images, from exactly one run', () => {
	test('no fault (baseline): 10 items, 10 creates', async () => {
		const ran = await runMany('baseline', { count: 10 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(sim.stats()).toMatchObject({ creates: 10, runsCreated: 10, downloads: 10 });
	});

	test('a third of the polls answer 500 / 502 / 503 (502 and 503 as a proxy HTML page)', async () => {
		sim.configure({ pollFaults: { rate: 0.35, statuses: [500, 502, 503] } });
		const ran = await runMany('poll 5xx', { count: 10 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(requestsWithFault(sim, 'pollFaults', 'poll').length).toBeGreaterThanOrEqual(3);
		expect(sim.stats().creates).toBe(10);
	});

	test('a burst of 429 with Retry-After on creates and polls', async () => {
		sim.configure({ burst429: { count: 6, on: 'any', retryAfter: true, retryAfterSeconds: 1 } });
		const ran = await runMany('429 retry-after', { count: 10 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(sim.stats().rateLimited).toBe(6);
		expect(sim.stats().runsCreated).toBe(10);
		// 429 is the one create answer that is re-sent: the server certainly started nothing.
		expect(sim.stats().creates).toBe(10 + requestsWithFault(sim, 'burst429', 'create').length);
	});

	test('a burst of 429 without Retry-After (exponential back-off)', async () => {
		sim.configure({ burst429: { count: 3, on: 'any', retryAfter: false } });
		const ran = await runMany('429 no retry-after', { count: 10 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(sim.stats().rateLimited).toBe(3);
	});

	test('429 USAGE_EXCEEDED on polls only', async () => {
		sim.configure({ burst429: { count: 4, on: 'poll', retryAfter: true, retryAfterSeconds: 1, code: 'USAGE_EXCEEDED' } });
		const ran = await runMany('429 usage', { count: 8 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(sim.stats().creates).toBe(8);
	});

	test("Runbase's own sliding-window limit that the node was not told about", async () => {
		sim.configure({ rateLimit: { requests: 8, windowMs: 1500, retryAfter: true } });
		const ran = await runMany('server limit', { count: 10, options: { timeout: 25 } });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(sim.stats().rateLimited).toBeGreaterThan(0);
		expect(sim.stats().runsCreated).toBe(10);
	}, 40_000);

	test('dropped connections on polls', async () => {
		sim.configure({ dropConnections: { count: 4, on: 'poll' } });
		const ran = await runMany('poll drops', { count: 8 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(requestsWithFault(sim, 'dropConnections', 'poll')).toHaveLength(4);
		expect(sim.stats().creates).toBe(8);
	});

	test('polls that stall past the request timeout', async () => {
		sim.configure({ stall: { count: 3, on: 'poll', ms: 15_000 } });
		const ran = await runMany('poll stalls', { count: 8, options: { requestTimeout: 1 } });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(requestsWithFault(sim, 'stall', 'poll')).toHaveLength(3);
		expect(ran.elapsedMs).toBeLessThan(10_000);
	});

	test.each(['truncated', 'garbage'] as const)('polls answering 200 with %s JSON', async (kind) => {
		sim.configure({ malformedJson: { count: 4, on: 'poll', kind } });
		const ran = await runMany(`poll ${kind} json`, { count: 8 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(requestsWithFault(sim, 'malformedJson', 'poll')).toHaveLength(4);
	});

	test('a status word the node does not know, for a while: treated as still running', async () => {
		sim.configure({ unknownStatus: { count: 6, word: 'queued_for_gpu' } });
		const ran = await runMany('unknown status', { count: 8 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(requestsWithFault(sim, 'unknownStatus')).toHaveLength(6);
	});

	test.each([200, 202])('a create answered %i instead of 201', async (createStatus) => {
		sim.configure({ createStatus });
		const ran = await runMany(`create ${createStatus}`, { count: 4 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
	});

	test('downloads whose connection drops once', async () => {
		sim.configure({ downloadFaults: { dropFirst: 1 } });
		const ran = await runMany('download drop', { count: 8 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(sim.stats().downloads).toBe(16);
		expect(sim.stats().creates).toBe(8);
	});

	test('downloads that fail once with 503', async () => {
		sim.configure({ downloadFaults: { failFirst: 1, status: 503 } });
		const ran = await runMany('download 503', { count: 8 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(sim.stats().downloads).toBe(16);
	});

	test('downloads that stall past the download timeout', async () => {
		sim.configure({ stall: { count: 2, on: 'download', ms: 15_000 } });
		const ran = await runMany('download stall', { count: 6, options: { downloadTimeout: 1 } });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(requestsWithFault(sim, 'stall', 'download')).toHaveLength(2);
	});

	test('a download served as application/octet-stream is recognised as PNG', async () => {
		sim.configure({ downloadContentType: 'application/octet-stream' });
		const ran = await runMany('octet stream', { count: 3 });
		const { ok, items } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(items[0].binary?.data.mimeType).toBe('image/png');
	});

	test('connection refused before anything was sent: the create is retried, one run per item', async () => {
		// The Base URL points at a port nobody listens on yet; a relay to the simulator opens there shortly.
		const port = await freePort();
		const relay = net.createServer((socket) => {
			const upstream = net.connect(Number(new URL(sim.url).port), '127.0.0.1');
			socket.pipe(upstream).pipe(socket);
			socket.on('error', () => upstream.destroy());
			upstream.on('error', () => socket.destroy());
		});
		const opened = new Promise<void>((resolve) => setTimeout(() => relay.listen(port, '127.0.0.1', resolve), 300));
		try {
			const ran = await runMany('refused then up', { count: 4, baseUrl: `http://127.0.0.1:${port}/api/v1` });
			const { ok } = await audit(ran);
			expect(ok).toEqual(all(ran));
			expect(sim.stats().creates).toBe(4);
			// The first attempt was refused: the retry came after a back-off.
			expect(ran.elapsedMs).toBeGreaterThanOrEqual(700);
		} finally {
			await opened;
			relay.close();
		}
	});

	test('images on a separate host get no Authorization header', async () => {
		const split = await startSimulator({ ...SIM_DEFAULTS, separateImageHost: true });
		try {
			const ran = await runMany('separate host', { count: 4, on: split });
			const { ok } = await audit(ran);
			expect(ok).toEqual(all(ran));
			const downloads = split.requests.filter((request) => request.host === 'images');
			expect(downloads).toHaveLength(4);
			for (const request of downloads) expect(request.headers.authorization).toBeUndefined();
		} finally {
			await split.close();
		}
	});

	test('a storm of mixed faults over 12 items', async () => {
		sim.configure({
			pollFaults: { rate: 0.2 },
			burst429: { count: 3, on: 'any', retryAfter: true, retryAfterSeconds: 1 },
			dropConnections: { count: 2, on: 'poll' },
			malformedJson: { count: 2, on: 'poll', kind: 'truncated' },
			unknownStatus: { count: 3 },
			downloadFaults: { dropFirst: 1 },
		});
		const ran = await runMany('storm', { count: 12, options: { timeout: 25 } });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
	}, 40_000);
});

describe('create faults after which a run may exist: never sent again, and the error says so', () => {
	test('5xx on create although the run started: not re-sent, error warns and names the run id it saw', async () => {
		sim.configure({ createStatus: 500 });
		const ran = await runMany('create 500', { count: 6 });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		expect(sim.stats().creates).toBe(6);
		for (const [index, json] of errors) {
			expect(json.error).toBe('Runbase had a server error (HTTP 500)');
			expect(json.description).toMatch(/may have started/i);
			// The 500 answer carried the run's id: the item must keep it so the run can be collected.
			expect(json.runId).toBe(runsFor(sim, ran.prompts[index])[0].id);
		}
	});

	test('response lost after the run was created (connection dropped after handling)', async () => {
		sim.configure({ dropConnections: { count: 3, on: 'create', when: 'after' } });
		const ran = await runMany('create lost response', { count: 10 });
		const { ok, errors } = await audit(ran);
		expect(ok).toHaveLength(7);
		expect(sim.stats()).toMatchObject({ creates: 10, runsCreated: 10 });
		for (const json of errors.values()) {
			expect(json.error).toBe('The connection to Runbase broke while starting the run');
			expect(json.description).toMatch(/may have started and been charged\. It was not sent again/);
		}
	});

	test('connection dropped before an answer on create', async () => {
		sim.configure({ dropConnections: { count: 3, on: 'create', when: 'before' } });
		const ran = await runMany('create dropped', { count: 10 });
		const { ok, errors } = await audit(ran);
		expect(ok).toHaveLength(7);
		expect(sim.stats()).toMatchObject({ creates: 10, runsCreated: 7 });
		for (const json of errors.values()) expect(json.description).toMatch(/may have started/i);
	});

	test('create stalls past the request timeout', async () => {
		sim.configure({ stall: { count: 2, on: 'create', ms: 15_000 } });
		const ran = await runMany('create stall', { count: 8, options: { requestTimeout: 1 } });
		const { ok, errors } = await audit(ran);
		expect(ok).toHaveLength(6);
		expect(sim.stats().creates).toBe(8);
		for (const json of errors.values()) expect(json.description).toMatch(/may have started/i);
	});

	test.each(['truncated', 'garbage'] as const)('create answered 200 with %s JSON: the run id seen is reported', async (kind) => {
		sim.configure({ malformedJson: { count: 3, on: 'create', kind } });
		const ran = await runMany(`create ${kind} json`, { count: 8 });
		const { ok, errors } = await audit(ran);
		expect(ok).toHaveLength(5);
		expect(sim.stats()).toMatchObject({ creates: 8, runsCreated: 8 });
		for (const [index, json] of errors) {
			const runId = runsFor(sim, ran.prompts[index])[0].id;
			expect(`${String(json.runId)} ${String(json.error)} ${String(json.description)}`).toContain(runId);
			expect(json.error).toMatch(/^Runbase's answer when starting the run was not JSON/);
			expect(json.description).toMatch(/may have started/i);
		}
	});

	test('429 on every create: gives up after a few tries with a clear error, no run', async () => {
		sim.configure({ burst429: { count: 1000, on: 'create', retryAfter: true, retryAfterSeconds: 1 } });
		const ran = await runMany('create 429 forever', { count: 3 });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		expect(sim.stats().runsCreated).toBe(0);
		for (const json of errors.values()) {
			expect(json.error).toBe('Runbase kept rate limiting this API key');
			expect(json.httpCode).toBe('429');
		}
	}, 30_000);
});

describe('faults that never clear: a clear error in time, no hang', () => {
	test('every poll answers 5xx: each item fails by its deadline, naming its run; polls back off with jitter', async () => {
		sim.configure({ pollFaults: { rate: 1, statuses: [500, 502, 503] } });
		const ran = await runMany('poll 5xx forever', { count: 8, options: { timeout: 5 } });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		expect(ran.elapsedMs).toBeLessThan(5_000 + 3_000);
		for (const [index, json] of errors) {
			const run = runsFor(sim, ran.prompts[index])[0];
			expect(json.runId).toBe(run.id);
			expect(json.error).toMatch(/^Runbase had a server error \(HTTP 50[023]\)$/);
			expect(json.description).toContain(`Run ${run.id} was started: collect it later with the Get Run operation.`);
		}
		// Back-off: the gaps between retried polls of a run grow, and differ between runs (jitter).
		const gaps = [...sim.runs.keys()].map((id) => {
			const at = sim.requests.filter((request) => request.kind === 'poll' && request.runId === id).map((request) => request.at);
			return at.slice(1).map((time, i) => time - at[i]);
		});
		for (const runGaps of gaps) {
			expect(runGaps.length).toBeGreaterThanOrEqual(2);
			expect(runGaps[0]).toBeGreaterThanOrEqual(300);
			expect(runGaps[1]).toBeGreaterThan(runGaps[0]);
		}
		expect(new Set(gaps.map((runGaps) => Math.round(runGaps[0] / 20))).size).toBeGreaterThan(1);
	});

	test('a status word the node does not know, forever: times out and reports the word', async () => {
		sim.configure({ unknownStatus: { count: 100_000, word: 'queued_for_gpu' } });
		const ran = await runMany('unknown status forever', { count: 6, options: { timeout: 2 } });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		expect(ran.elapsedMs).toBeLessThan(2_000 + 3_000);
		for (const [index, json] of errors) {
			const run = runsFor(sim, ran.prompts[index])[0];
			expect(json.error).toBe(`Run ${run.id} did not finish within 2 seconds`);
			expect(json.description).toContain('"queued_for_gpu" (a status this node does not know)');
			expect(json).toMatchObject({ runId: run.id, status: 'queued_for_gpu' });
		}
	});

	test('runs that end failed, with the error as a string, as {message, code}, or as a bare code', async () => {
		const reasons: Record<string, { error: string | { message: string; code?: string } } | null> = {
			'#1:': { error: 'Prompt blocked by the safety filter' },
			'#3:': { error: { message: 'A reference image could not be fetched', code: 'invalid_reference' } },
			'#5:': { error: { code: 'content_policy' } as unknown as { message: string } },
		};
		sim.configure({
			failWhen: (input) => Object.entries(reasons).find(([marker]) => input.prompt.includes(marker))?.[1] ?? null,
		});
		const ran = await runMany('failed runs', { count: 6 });
		const { ok, errors } = await audit(ran);
		expect(ok).toEqual([0, 2, 4]);
		const expected: Record<number, string> = {
			1: 'Runbase could not generate the image: Prompt blocked by the safety filter',
			3: 'Runbase could not generate the image: A reference image could not be fetched',
			5: 'Runbase could not generate the image: content_policy',
		};
		for (const [index, json] of errors) {
			const run = runsFor(sim, ran.prompts[index])[0];
			expect(json.error).toBe(expected[index]);
			expect(json).toMatchObject({ runId: run.id, status: 'failed' });
			expect(json.description).toContain('refunds failed runs');
		}
		expect(sim.stats().creates).toBe(6);
	});

	test('runs that fail with the simulator default error in both shapes', async () => {
		for (const failErrorShape of ['string', 'object'] as const) {
			sim.configure({ failPromptsMatching: /#[02]:/, failErrorShape });
			sim.reset();
			const ran = await runMany(`default failure ${failErrorShape}`, { count: 4 });
			const { ok, errors } = await audit(ran);
			expect(ok).toEqual([1, 3]);
			for (const json of errors.values()) {
				expect(json.error).toBe('Runbase could not generate the image: The model could not generate an image for this prompt');
			}
		}
	});

	test('a download that keeps failing after the run succeeded keeps the run: id, status and URLs', async () => {
		sim.configure({ downloadFaults: { failFirst: 100, status: 500 } });
		const ran = await runMany('download fails', { count: 6 });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		for (const [index, json] of errors) {
			const run = runsFor(sim, ran.prompts[index])[0];
			expect(json).toMatchObject({ runId: run.id, status: 'succeeded', urls: run.urls });
			expect(json.error).toBe(`Run ${run.id} succeeded, but downloading its image failed`);
			expect(json.description).toContain('The image host answered HTTP 500');
			expect(json.description).toContain(run.urls[0]);
		}
		// Transient download errors are retried (3 tries per image), the run is never re-created.
		expect(sim.stats()).toMatchObject({ downloads: 18, creates: 6 });
	}, 20_000);

	const contractBreaks: Array<{ name: string; brk: NonNullable<SimulatorOptions['contractBreak']>; message: RegExp; description: RegExp }> = [
		{
			name: 'create answer without an id',
			brk: { kind: 'missing_id', on: 'create' },
			message: /^Runbase's answer when starting the run has no run ID$/,
			description: /may have started/,
		},
		{
			name: 'poll answer without an id',
			brk: { kind: 'missing_id', on: 'poll' },
			message: /^Runbase's answer about run run_\w+ has no run ID$/,
			description: /Get Run operation and run ID run_/,
		},
		{
			name: 'succeeded with output.urls empty',
			brk: { kind: 'urls_empty' },
			message: /^Runbase reported run run_\w+ as succeeded but sent no usable image URLs \(output\.urls was an empty list\)$/,
			description: /Get Run operation with run ID run_/,
		},
		{
			name: 'succeeded with output.urls not an array',
			brk: { kind: 'urls_not_array' },
			message: /^Runbase reported run run_\w+ as succeeded but sent no usable image URLs \(output\.urls was string\)$/,
			description: /Get Run operation with run ID run_/,
		},
		{
			name: 'a 200 with an error body on polls',
			brk: { kind: 'error_body_200', on: 'poll' },
			message: /^Runbase answered with an error about run run_\w+: Something went wrong$/,
			description: /Get Run operation and run ID run_/,
		},
		{
			name: 'a 200 with an error body on create',
			brk: { kind: 'error_body_200', on: 'create' },
			message: /^Runbase answered with an error when starting the run: Something went wrong$/,
			description: /may have started/,
		},
		{
			name: 'a 200 HTML page (proxy login) on polls',
			brk: { kind: 'html_200', on: 'poll' },
			message: /^Runbase's answer about run run_\w+ was not JSON\. It began with: <!doctype html>/,
			description: /Get Run operation and run ID run_/,
		},
		{
			name: 'a 200 HTML page (proxy login) on create',
			brk: { kind: 'html_200', on: 'create' },
			message: /^Runbase's answer when starting the run was not JSON\. It began with: <!doctype html>/,
			description: /may have started/,
		},
	];

	test.each(contractBreaks)('contract break: $name', async ({ brk, message, description }) => {
		sim.configure({ contractBreak: brk });
		const ran = await runMany(`contract ${brk.kind} ${brk.on ?? ''}`, { count: 6, options: { timeout: 4 } });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		expect(ran.elapsedMs).toBeLessThan(4_000 + 3_000);
		expect(sim.stats().creates).toBe(6);
		// A create whose answer broke the contract was still handled: the run exists, and it is not created again.
		expect(sim.stats().runsCreated).toBe(6);
		for (const json of errors.values()) {
			expect(json.error).toMatch(message);
			expect(json.description).toMatch(description);
		}
		expect(sim.stats().downloads).toBe(0);
	}, 20_000);
});

describe('downloads are bounded: size, content type, http(s) only', () => {
	test.each([
		{ name: 'with Content-Length', chunked: false },
		{ name: 'chunked, without Content-Length', chunked: true },
	])('an image larger than Max Image Size is refused ($name), the run is kept', async ({ chunked }) => {
		sim.configure({ downloadSizeBytes: 1_500_000, downloadChunked: chunked });
		const ran = await runMany(`too large ${chunked}`, { count: 3, options: { maxImageSize: 1 } });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		for (const [index, json] of errors) {
			const run = runsFor(sim, ran.prompts[index])[0];
			expect(json.error).toBe(`Run ${run.id} succeeded, but downloading its image failed`);
			expect(json.description).toMatch(/^The image is larger than the 1 MB limit set in Max Image Size\./);
			expect(json).toMatchObject({ runId: run.id, status: 'succeeded', urls: run.urls });
		}
		// Not a transient problem: one try per image.
		expect(sim.stats().downloads).toBe(3);
	});

	test('a download that is not an image (text/html) is refused, the run is kept', async () => {
		sim.configure({ downloadContentType: 'text/html; charset=utf-8' });
		const ran = await runMany('html download', { count: 3 });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		for (const json of errors.values()) {
			expect(json.description).toMatch(/^The image host sent "text\/html" instead of an image\./);
			expect(json.status).toBe('succeeded');
		}
	});

	/** A run made outside the node, so its output URLs can be replaced before Get Run reads it. */
	async function runWithUrls(urls: (run: SimRun) => string[]): Promise<SimRun> {
		const response = await fetch(`${sim.apiBaseUrl}/runs`, {
			method: 'POST',
			headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({ model: 'google/nano-banana', input: { prompt: 'outside the node' } }),
		});
		const { id } = (await response.json()) as { id: string };
		const run = sim.runs.get(id) as SimRun;
		const replaced = urls(run);
		(run.urls as string[]).splice(0, run.urls.length, ...replaced);
		await new Promise((resolve) => setTimeout(resolve, 300));
		return run;
	}

	async function getRun(runId: string): Promise<Ran> {
		const started = Date.now();
		const result = await runWorkflow({
			parameters: { operation: 'getRun', runId, returnAs: 'binary', options: FAST },
			credentials: { apiKey: KEY, baseUrl: sim.apiBaseUrl },
			continueOnFail: true,
		});
		return { result, prompts: ['outside the node'], elapsedMs: Date.now() - started, sim, key: KEY };
	}

	test.each(['file:///etc/passwd', 'ftp://127.0.0.1/files/x.png', 'javascript:alert(1)', '/files/generated/relative.png'])(
		'an output URL %s is never followed',
		async (bad) => {
			const run = await runWithUrls(() => [bad]);
			const ran = await getRun(run.id);
			expect(leaks(ran)).toEqual([]);
			const [item] = ran.result.items;
			expect(errorProblems(item.json)).toEqual([]);
			expect(item.json.error).toBe(
				`Runbase reported run ${run.id} as succeeded but sent no usable image URLs (output.urls was a list with entries that are not http(s) URLs)`,
			);
			expect(item.json.runId).toBe(run.id);
			expect(sim.requests.filter((request) => request.kind !== 'create' && request.kind !== 'poll')).toEqual([]);
		},
	);

	test('an output URL on the API host itself is downloaded without the key', async () => {
		const run = await runWithUrls((inner) => [`${sim.apiBaseUrl}/files/${inner.id}.png`]);
		const ran = await getRun(run.id);
		expect(leaks(ran)).toEqual([]);
		const fetched = sim.requests.filter((request) => request.path.startsWith('/api/v1/files/'));
		expect(fetched.length).toBeGreaterThanOrEqual(1);
		for (const request of fetched) expect(request.headers.authorization).toBeUndefined();
		const [item] = ran.result.items;
		expect(errorProblems(item.json)).toEqual([]);
		expect(item.json).toMatchObject({ runId: run.id, status: 'succeeded' });
	});
});

describe('the API key never leaks', () => {
	test('a rejected key (401) is not repeated in the error', async () => {
		const wrong = 'sk-wrong-9d8c7b6a5f4e3d2c1b0a';
		const ran = await runMany('wrong key', { count: 3, key: wrong });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		for (const json of errors.values()) {
			expect(json.error).toBe('Runbase rejected the API key');
			expect(json.httpCode).toBe('401');
		}
		expect(sim.stats().runsCreated).toBe(0);
	});

	test.each([
		['ip_not_allowed', "Runbase refused this API key from this server's IP address"],
		['api_key_spend_limit_exceeded', 'This Runbase API key has reached its spend limit'],
		['insufficient_balance', 'Your Runbase balance is too low to start this run'],
	] as const)('key state %s gives a clear error and no run', async (state, message) => {
		sim.configure({ keyStates: { [KEY]: state } });
		const ran = await runMany(`key ${state}`, { count: 2 });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		for (const json of errors.values()) expect(json.error).toBe(message);
		expect(sim.stats().runsCreated).toBe(0);
	});

	test('a key that Runbase echoes back in a run failure is redacted from the output', async () => {
		sim.configure({ failWhen: () => ({ error: { message: `Upstream refused the request signed with ${KEY}`, code: 'upstream' } }) });
		const ran = await runMany('echoed key', { count: 2 });
		expect(leaks(ran)).toEqual([]);
		for (const item of ran.result.items) expect(item.json.error).toMatch(/^Runbase could not generate the image: Upstream refused/);
	});
});

// ---------------------------------------------------------------------------

async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}
