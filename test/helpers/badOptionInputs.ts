/** Bad options, credentials and Get Run input: each with the exact message the user sees. */
import { generate } from './badInputs';
import type { BadInput } from './badInputs';
import { FAST_POLLING } from './fixtures';

export const badOptionInputs: BadInput[] = [
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
	{
		input: 'Put Output in Field set to __proto__',
		parameters: generate({}, { binaryPropertyName: '__proto__' }),
		message: 'Put Output in Field cannot be "__proto__" [item 0]',
	},
	{
		input: 'Put Output in Field set to constructor',
		parameters: generate({}, { binaryPropertyName: 'constructor' }),
		message: 'Put Output in Field cannot be "constructor" [item 0]',
	},
	{
		input: 'Get Run with a Run ID mapped to a number',
		parameters: { operation: 'getRun', runId: '={{ $json.runId }}', options: FAST_POLLING },
		items: [{ runId: 42 }],
		message: 'The run ID is a number, not text like run_2abc... [item 0]',
	},
	{
		input: 'Get Run with a Run ID containing a slash',
		parameters: { operation: 'getRun', runId: '={{ $json.runId }}', options: FAST_POLLING },
		items: [{ runId: 'run_1/../other' }],
		message: 'The run ID "run_1/../other" has characters a run ID never has [item 0]',
	},
	{
		input: 'Get Run with the Run ID ".." (would address the API root)',
		parameters: { operation: 'getRun', runId: '..', options: FAST_POLLING },
		message: 'The run ID ".." is made only of dots [item 0]',
	},
	{
		input: 'Get Run with a Run ID mapped to "."',
		parameters: { operation: 'getRun', runId: '={{ $json.runId }}', options: FAST_POLLING },
		items: [{ runId: '.' }],
		message: 'The run ID "." is made only of dots [item 0]',
	},
	{
		input: 'Get Run with a Run ID of only dots ("....")',
		parameters: { operation: 'getRun', runId: '....', options: FAST_POLLING },
		message: 'The run ID "...." is made only of dots [item 0]',
	},
	{
		input: 'Operation "toString" in a workflow edited by hand',
		parameters: generate({ operation: 'toString' }),
		message: 'The operation "toString" is not supported [item 0]',
	},
	{
		input: 'Operation "__proto__" in a workflow edited by hand',
		parameters: generate({ operation: '__proto__' }),
		message: 'The operation "__proto__" is not supported [item 0]',
	},
	{
		input: 'Operation "constructor" in a workflow edited by hand',
		parameters: generate({ operation: 'constructor' }),
		message: 'The operation "constructor" is not supported [item 0]',
	},
];
