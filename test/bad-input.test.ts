/**
 * Issue 5, bad input: every bad value fails with one exact, actionable message
 * and never reaches Runbase (the simulator must see zero requests), so nothing
 * is paid for a run that could not be what the user wanted.
 *
 * The table is also written to /tmp/bad-input-table.md for the README.
 */
import { writeFileSync } from 'node:fs';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startSimulator } from './simulator';
import type { Simulator } from './simulator';
import type { WorkflowResult } from './helpers/engine';
import { binaryBuffer, runWorkflow } from './helpers/engine';

const KEY = 'sk-test';
const fast = { firstCheck: 0.3, pollInterval: 0.2 };
const PNG_SIGNATURE = '89504e470d0a1a0a';

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ pendingMs: 50, processingMs: 200 });
});
afterAll(async () => {
	await sim.close();
	const lines = [
		'| Input | Message |',
		'|---|---|',
		...seen.map(({ input, message }) => `| ${cell(input)} | ${cell(message)} |`),
	];
	writeFileSync('/tmp/bad-input-table.md', `${lines.join('\n')}\n`);
});
beforeEach(() => sim.reset());

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');

/** What the user sees for one execution: n8n's error, thrown before the run (parameter issues) or recorded by the node. */
interface Seen {
	message: string;
	description?: string | null;
	result?: WorkflowResult;
}

async function attempt(
	parameters: INodeParameters,
	items: IDataObject[] | undefined,
	credentials: boolean,
	continueOnFail = false,
): Promise<Seen> {
	try {
		const result = await runWorkflow({
			parameters,
			items,
			credentials: credentials ? { apiKey: KEY, baseUrl: sim.apiBaseUrl } : undefined,
			continueOnFail,
		});
		return { message: result.error?.message ?? '', description: result.error?.description, result };
	} catch (error) {
		// n8n refuses to start a workflow whose node has parameter issues (a required field left empty).
		return { message: (error as Error).message };
	}
}

interface BadInput {
	input: string;
	parameters: INodeParameters;
	items?: IDataObject[];
	noCredential?: boolean;
	message: string;
}

const generate = (extra: INodeParameters = {}, options: IDataObject = {}): INodeParameters => ({
	operation: 'generate',
	prompt: 'A ceramic lamp',
	aspectRatio: '1:1',
	returnAs: 'binary',
	...extra,
	options: { ...fast, ...options },
});
const references = (...urls: string[]) => ({ image: urls.map((url) => ({ url })) });
const eleven = Array.from({ length: 11 }, (_, i) => `https://example.com/ref${i + 1}.png`);

const table: BadInput[] = [
	{
		input: 'Prompt left empty in the editor',
		parameters: generate({ prompt: '' }),
		message: `The 'Nano Banana' node has issues:\n- Parameter "Prompt" is required.`,
	},
	{
		input: 'Prompt mapped to an empty field (`{{ $json.prompt }}` = "")',
		parameters: generate({ prompt: '={{ $json.prompt }}' }),
		items: [{ prompt: '' }],
		message: 'The prompt is empty [item 0]',
	},
	{
		input: 'Prompt of only spaces, tabs and newlines',
		parameters: generate({ prompt: ' \t\n  ' }),
		message: 'The prompt is empty [item 0]',
	},
	{
		input: 'Prompt mapped to a field the item does not have',
		parameters: generate({ prompt: '={{ $json.missing }}' }),
		items: [{ prompt: 'x' }],
		message: 'The prompt is empty [item 0]',
	},
	{
		input: 'Prompt that is an object (`{{ $json.prompt }}` = {text: "lamp"})',
		parameters: generate({ prompt: '={{ $json.prompt }}' }),
		items: [{ prompt: { text: 'lamp' } }],
		message: 'The prompt is an object, not text [item 0]',
	},
	{
		input: 'Prompt that is a list',
		parameters: generate({ prompt: '={{ $json.prompt }}' }),
		items: [{ prompt: ['a', 'b'] }],
		message: 'The prompt is a list, not text [item 0]',
	},
	{
		input: '11 reference images (11 URL fields)',
		parameters: generate({ referenceImages: references(...eleven) }),
		message: 'There are 11 reference images, but Nano Banana accepts at most 10 [item 0]',
	},
	{
		input: '11 reference images from one expression (a list)',
		parameters: generate({ referenceImages: references('={{ $json.urls }}') }),
		items: [{ urls: eleven }],
		message: 'There are 11 reference images, but Nano Banana accepts at most 10 [item 0]',
	},
	{
		input: 'Reference image that is not a URL ("lamp.png")',
		parameters: generate({ referenceImages: references('lamp.png') }),
		message: 'Reference image 1 is not a web address: "lamp.png" [item 0]',
	},
	{
		input: 'Reference image with ftp: (second of two)',
		parameters: generate({ referenceImages: references('https://example.com/a.png', 'ftp://example.com/b.png') }),
		message: 'Reference image 2 uses "ftp:", but only http and https URLs work [item 0]',
	},
	{
		input: 'Reference image with javascript:',
		parameters: generate({ referenceImages: references('javascript:alert(1)') }),
		message: 'Reference image 1 uses "javascript:", but only http and https URLs work [item 0]',
	},
	{
		input: 'Reference image with file:',
		parameters: generate({ referenceImages: references('file:///etc/passwd') }),
		message: 'Reference image 1 uses "file:", but only http and https URLs work [item 0]',
	},
	{
		input: 'Reference list given as a number (`{{ 42 }}`)',
		parameters: generate({ referenceImages: references('={{ 42 }}') }),
		message: 'A reference image is a number (42), not a URL [item 0]',
	},
	{
		input: 'Reference image mapped to an object',
		parameters: generate({ referenceImages: references('={{ $json.ref }}') }),
		items: [{ ref: { url: 'https://example.com/a.png' } }],
		message: 'A reference image is an object, not a URL [item 0]',
	},
	{
		input: 'Unknown aspect ratio from an expression ("7:5")',
		parameters: generate({ aspectRatio: '={{ $json.ratio }}' }),
		items: [{ ratio: '7:5' }],
		message: 'The aspect ratio "7:5" is not supported [item 0]',
	},
	{
		input: 'Aspect ratio mapped to a number',
		parameters: generate({ aspectRatio: '={{ 1.5 }}' }),
		message: 'The aspect ratio "1.5" is not supported [item 0]',
	},
	{
		input: 'Negative Timeout (-5)',
		parameters: generate({}, { timeout: -5 }),
		message: 'Timeout must be between 1 and 3600 seconds, but is -5 [item 0]',
	},
	{
		input: 'Huge Timeout (1e9)',
		parameters: generate({}, { timeout: 1e9 }),
		message: 'Timeout must be between 1 and 3600 seconds, but is 1000000000 [item 0]',
	},
	{
		input: 'Timeout from an expression that is not a number ("soon")',
		parameters: generate({}, { timeout: '={{ "soon" }}' }),
		message: 'Timeout must be between 1 and 3600 seconds, but is "soon" [item 0]',
	},
	{
		input: 'Empty Put Output in Field (binary property name)',
		parameters: generate({}, { binaryPropertyName: '  ' }),
		message: 'Put Output in Field is empty [item 0]',
	},
	{
		input: 'No credential set on the node',
		parameters: generate(),
		noCredential: true,
		message: 'No Runbase API credential is selected',
	},
	{
		input: 'Concurrency 0',
		parameters: generate({}, { concurrency: 0 }),
		message: 'Concurrency must be between 1 and 50, but is 0 [item 0]',
	},
	{
		input: 'Requests per 10 Seconds 0',
		parameters: generate({}, { requestsPerWindow: 0 }),
		message: 'Requests per 10 Seconds must be between 1 and 1000, but is 0 [item 0]',
	},
	{
		input: 'Poll Interval 0',
		parameters: generate({}, { pollInterval: 0 }),
		message: 'Poll Interval must be between 0.2 and 60 seconds, but is 0 [item 0]',
	},
	{
		input: 'Negative Expected Generation Time (-1)',
		parameters: generate({}, { firstCheck: -1 }),
		message: 'Expected Generation Time must be between 0 and 600 seconds, but is -1 [item 0]',
	},
	{
		input: 'Request Timeout 0',
		parameters: generate({}, { requestTimeout: 0 }),
		message: 'Request Timeout must be between 1 and 300 seconds, but is 0 [item 0]',
	},
	{
		input: 'Max Image Size 0 MB',
		parameters: generate({}, { maxImageSize: 0 }),
		message: 'Max Image Size must be between 1 and 500 MB, but is 0 [item 0]',
	},
	{
		input: 'Download Timeout 0',
		parameters: generate({}, { downloadTimeout: 0 }),
		message: 'Download Timeout must be between 1 and 600 seconds, but is 0 [item 0]',
	},
	{
		input: 'Get Run with the Run ID left empty in the editor',
		parameters: { operation: 'getRun', runId: '', options: fast },
		message: `The 'Nano Banana' node has issues:\n- Parameter "Run ID" is required.`,
	},
	{
		input: 'Get Run with a Run ID mapped to spaces',
		parameters: { operation: 'getRun', runId: '={{ $json.runId }}', options: fast },
		items: [{ runId: '   ' }],
		message: 'The run ID is empty [item 0]',
	},
	{
		input: 'Bad third item of three (empty prompt)',
		parameters: generate({ prompt: '={{ $json.prompt }}' }),
		items: [{ prompt: 'a lamp' }, { prompt: 'a chair' }, { prompt: '' }],
		message: 'The prompt is empty [item 2]',
	},
];

const seen: Array<{ input: string; message: string }> = [];

test.each(table)('$input → $message', async ({ input, parameters, items, noCredential, message }) => {
	const outcome = await attempt(parameters, items, !noCredential);
	seen.push({ input, message: outcome.message });
	expect(outcome.message).toBe(message);
	// The node's own messages come with a description that says what to do.
	if (outcome.result && !noCredential) expect(outcome.description).toEqual(expect.stringMatching(/\S/));
	expect(outcome.result?.items ?? []).toHaveLength(0);
	expect(sim.requests).toHaveLength(0);
	expect(sim.runs.size).toBe(0);
});

test('the table has at least 15 bad inputs', () => {
	expect(table.length).toBeGreaterThanOrEqual(15);
});

describe('a mix of good and bad items', () => {
	const prompts: unknown[] = ['mix: a red lamp', '', 'mix: a blue lamp', { text: 'object' }, 'mix: a green lamp', '   '];
	const bad = new Map<number, string>([
		[1, 'The prompt is empty [item 1]'],
		[3, 'The prompt is an object, not text [item 3]'],
		[5, 'The prompt is empty [item 5]'],
	]);

	test('with Continue On Fail: good items get images, bad items get an error paired with their own index', async () => {
		const result = await runWorkflow({
			parameters: generate({ prompt: '={{ $json.prompt }}' }),
			items: prompts.map((prompt) => ({ prompt }) as IDataObject),
			credentials: { apiKey: KEY, baseUrl: sim.apiBaseUrl },
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(prompts.length);
		for (const [index, item] of result.items.entries()) {
			expect(item.pairedItem).toEqual({ item: index });
			if (bad.has(index)) {
				expect(item.json.error).toBe(bad.get(index));
				expect(item.json.description).toEqual(expect.stringMatching(/\S/));
				expect(item.binary).toBeUndefined();
			} else {
				expect(item.json).toMatchObject({ status: 'succeeded', prompt: prompts[index] });
				expect((await binaryBuffer(item)).subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
			}
		}
		// Bad items never reached Runbase; each good one made exactly one run.
		expect(sim.stats().creates).toBe(3);
		for (const index of [0, 2, 4]) expect(sim.createsForPrompt(prompts[index] as string)).toBe(1);
	}, 15_000);

	test('without Continue On Fail: the first bad item fails the execution before any request', async () => {
		const outcome = await attempt(
			generate({ prompt: '={{ $json.prompt }}' }),
			prompts.map((prompt) => ({ prompt }) as IDataObject),
			true,
		);
		expect(outcome.message).toBe('The prompt is empty [item 1]');
		expect(outcome.result?.items).toHaveLength(0);
		expect(sim.requests).toHaveLength(0);
	}, 15_000);

	test('a bad option on one item only (per-item Timeout) fails that item alone with Continue On Fail', async () => {
		const result = await runWorkflow({
			parameters: generate({ prompt: '={{ $json.prompt }}' }, { timeout: '={{ $json.timeout }}' }),
			items: [
				{ prompt: 'opt: lamp one', timeout: 20 },
				{ prompt: 'opt: lamp two', timeout: 0 },
			],
			credentials: { apiKey: KEY, baseUrl: sim.apiBaseUrl },
			continueOnFail: true,
		});
		expect(result.items[0].json.status).toBe('succeeded');
		expect(result.items[1].json.error).toBe('Timeout must be between 1 and 3600 seconds, but is 0 [item 1]');
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(sim.createsForPrompt('opt: lamp two')).toBe(0);
	}, 15_000);
});
