/**
 * The bad-input table: each bad value, how it reaches the node, and the exact
 * message the user must see. `attempt` runs one execution the way a user would.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../simulator';
import type { WorkflowResult } from './engine';
import { runWorkflow } from './engine';
import { FAST_POLLING } from './fixtures';

export const KEY = 'sk-test';

/** What the user sees for one execution: n8n's error, thrown before the run (parameter issues) or recorded by the node. */
export interface Seen {
	message: string;
	description?: string | null;
	result?: WorkflowResult;
}

export async function attempt(
	sim: Simulator,
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

export interface BadInput {
	input: string;
	parameters: INodeParameters;
	items?: IDataObject[];
	noCredential?: boolean;
	message: string;
}

export const generate = (extra: INodeParameters = {}, options: IDataObject = {}): INodeParameters => ({
	operation: 'generate',
	prompt: 'A ceramic lamp',
	aspectRatio: '1:1',
	returnAs: 'binary',
	...extra,
	options: { ...FAST_POLLING, ...options },
});
const references = (...urls: string[]) => ({ image: urls.map((url) => ({ url })) });
const eleven = Array.from({ length: 11 }, (_, i) => `https://example.com/ref${i + 1}.png`);

export const table: BadInput[] = [
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
		parameters: { operation: 'getRun', runId: '', options: FAST_POLLING },
		message: `The 'Nano Banana' node has issues:\n- Parameter "Run ID" is required.`,
	},
	{
		input: 'Get Run with a Run ID mapped to spaces',
		parameters: { operation: 'getRun', runId: '={{ $json.runId }}', options: FAST_POLLING },
		items: [{ runId: '   ' }],
		message: 'The run ID is empty [item 0]',
	},
	{
		input: 'Bad third item of three (empty prompt)',
		parameters: generate({ prompt: '={{ $json.prompt }}' }),
		items: [{ prompt: 'a lamp' }, { prompt: 'a chair' }, { prompt: '' }],
		message: 'The prompt is empty [item 2]',
	},
	{
		input: 'Concurrency from an expression that differs between items',
		parameters: generate({ prompt: '={{ $json.prompt }}' }, { concurrency: '={{ $json.concurrency }}' }),
		items: [
			{ prompt: 'a lamp', concurrency: 10 },
			{ prompt: 'a chair', concurrency: 5 },
		],
		message: 'Concurrency is read from the first item, but item 1 sets 5 instead of 10',
	},
	{
		input: 'Wait for Completion from an expression that is not true or false ("maybe")',
		parameters: generate({}, { waitForCompletion: '={{ "maybe" }}' }),
		message: 'Wait for Completion must be true or false, but is "maybe" [item 0]',
	},
	{
		input: 'Unknown Return As from an expression ("file")',
		parameters: generate({ returnAs: '={{ "file" }}' }),
		message: 'Return As must be "binary" or "urls", but is "file" [item 0]',
	},
];
