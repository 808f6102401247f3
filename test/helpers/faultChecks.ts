/**
 * The fault suite's checks: faults, bad answers and secrets. Nothing lost, nothing paid twice, nothing leaked.
 *
 * Every engine test runs many items through n8n's real WorkflowExecute with
 * Continue On Fail against the simulator with one fault switch on, then audits:
 *  - every item ends with its images, or with a clear error (message + description)
 *    that names the run when one exists (or says one may have started);
 *  - no prompt got two runs (`sim.createsForPrompt(prompt) <= 1`);
 *  - the API key appears only in the Authorization header of API calls: not in
 *    other headers, paths or bodies, not on image downloads (also when the image
 *    host is the API host), not in output items, errors or the execution data.
 *
 * A test file calls `useFaultSimulator()` once: one simulator for the file, started with
 * SIM_DEFAULTS and reset to them before each test; `runMany` runs against it unless told `on`.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import type { RecordedRequest, SimRun, Simulator, SimulatorOptions } from '../simulator';
import type { WorkflowResult } from './engine';
import { binaryBuffer, runWorkflow } from './engine';
import { FAST_FAULT_OPTIONS, PNG_SIGNATURE } from './fixtures';
import { useSimulator } from './useSimulator';

export const KEY = 'sk-live-5f2c9a7e1b3d4c6e8a0f2b4d6c8e0a1f';

/** What these tests assume; reset() puts every option back to these (the rest to the simulator's defaults) and clears one-shot switches. */
export const SIM_DEFAULTS: SimulatorOptions = { apiKeys: [KEY], pendingMs: 50, processingMs: 200 };

/** Fast timings; the node's own request budget is lifted so only the simulator's faults shape the run. */
export const FAST: INodeParameters = FAST_FAULT_OPTIONS;

let shared: Simulator | undefined;

function current(): Simulator {
	if (!shared) throw new Error('The fault simulator is not running: call useFaultSimulator() at the top of the test file');
	return shared;
}

/**
 * Starts one simulator for the calling test file (beforeAll) with SIM_DEFAULTS, resets it (options
 * included) before each test, closes it after all. Returns a handle that always points at that simulator.
 */
export function useFaultSimulator(): Simulator {
	shared = useSimulator(SIM_DEFAULTS);
	return shared;
}

// ---------------------------------------------------------------------------
// Running many items and auditing the outcome

export interface Ran {
	result: WorkflowResult;
	prompts: string[];
	elapsedMs: number;
	sim: Simulator;
	key: string;
}

export interface RunManyOptions {
	count?: number;
	options?: INodeParameters;
	parameters?: INodeParameters;
	baseUrl?: string;
	key?: string;
	on?: Simulator;
}

let tagCounter = 0;

export async function runMany(tag: string, { count = 8, options = {}, parameters = {}, baseUrl, key = KEY, on = current() }: RunManyOptions = {}): Promise<Ran> {
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

export function runsFor(on: Simulator, prompt: string): SimRun[] {
	return [...on.runs.values()].filter((run) => run.input.prompt === prompt);
}

export const GARBLED = /\[object Object\]|\bundefined\b|\bNaN\b|Cannot read propert|is not a function|is not defined|Unexpected (token|end of JSON)|in JSON at position|^UNKNOWN ERROR/i;

/** A clear, actionable error: a specific message, and a description that says what to do. */
export function errorProblems(json: IDataObject): string[] {
	const problems: string[] = [];
	const { error, description } = json;
	if (typeof error !== 'string' || error.trim().length < 15) problems.push(`vague or missing message: ${JSON.stringify(error)}`);
	if (typeof description !== 'string' || description.trim() === '') problems.push(`no description (message: ${String(error)})`);
	for (const text of [error, description]) {
		if (typeof text === 'string' && GARBLED.test(text)) problems.push(`garbled text: ${text}`);
	}
	return problems;
}

export function safeStringify(value: unknown): string {
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
export function leaks(ran: Pick<Ran, 'result' | 'sim' | 'key'>): string[] {
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

export interface Audit {
	ok: number[];
	failed: number[];
	items: INodeExecutionData[];
	/** The error items, by index. */
	errors: Map<number, IDataObject>;
}

/** The fault suite's invariants (nothing lost, nothing paid twice, nothing leaked), checked for every item of a run. */
export async function audit(ran: Ran): Promise<Audit> {
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

export const all = (ran: Ran) => ran.prompts.map((_, index) => index);

export function requestsWithFault(on: Simulator, fault: string, kind?: RecordedRequest['kind']): RecordedRequest[] {
	return on.requests.filter((request) => (request.fault ?? '').split(',').some((name) => name.startsWith(fault)) && (!kind || request.kind === kind));
}
