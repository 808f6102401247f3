import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	DEFAULT_FIRST_CHECK_SECONDS,
	DEFAULT_REQUESTS_PER_WINDOW,
} from '../helpers/constants';
import type { ExecutionSettings, ReturnAs, RunSettings } from '../helpers/interfaces';
import { checkFieldName, checkNumberOption } from '../helpers/validation';

/** Return As and Options, shared by Generate and Get Run. */
export const outputProperties: INodeProperties[] = [
	{
		displayName: 'Return As',
		name: 'returnAs',
		type: 'options',
		options: [
			{
				name: 'Binary Image',
				value: 'binary',
				description: 'Download the images into the item as binary data, ready to save, upload or send',
			},
			{
				name: 'Image URLs',
				value: 'urls',
				description:
					'Only return the URLs. Faster, but Runbase does not say how long the links stay online.',
			},
		],
		default: 'binary',
		description: 'Whether to download the generated images or only return their URLs',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				default: 10,
				typeOptions: { minValue: 1, maxValue: 50 },
				description:
					'How many items run at the same time. 1 handles items one after another. Read from the first item.',
			},
			{
				displayName: 'Download Timeout (Seconds)',
				name: 'downloadTimeout',
				type: 'number',
				default: 60,
				typeOptions: { minValue: 1, maxValue: 600 },
				displayOptions: { show: { '/returnAs': ['binary'] } },
				description: 'How long one image download may take before it is retried',
			},
			{
				displayName: 'Expected Generation Time (Seconds)',
				name: 'firstCheck',
				type: 'number',
				default: DEFAULT_FIRST_CHECK_SECONDS,
				typeOptions: { minValue: 0, maxValue: 600, numberPrecision: 1 },
				description:
					'When to check a new run for the first time. The node learns the real time from runs that finish during the execution, so this only matters for the first runs.',
			},
			{
				displayName: 'Max Image Size (MB)',
				name: 'maxImageSize',
				type: 'number',
				default: 50,
				typeOptions: { minValue: 1, maxValue: 500 },
				displayOptions: { show: { '/returnAs': ['binary'] } },
				description: 'Downloads larger than this are refused, to protect the memory of your n8n instance',
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollInterval',
				type: 'number',
				default: 2,
				typeOptions: { minValue: 0.2, maxValue: 60, numberPrecision: 1 },
				description:
					'Time between status checks once a run is due. Long runs are checked less often, up to every 10 seconds.',
			},
			{
				displayName: 'Put Output in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				displayOptions: { show: { '/returnAs': ['binary'] } },
				hint: 'The binary field for the image. Further images of the same run go to data_1, data_2, and so on.',
				description: 'The name of the binary field to put the image in',
			},
			{
				displayName: 'Request Timeout (Seconds)',
				name: 'requestTimeout',
				type: 'number',
				default: 30,
				typeOptions: { minValue: 1, maxValue: 300 },
				description:
					'How long one API request may take. A status check that times out is retried; a run start that times out is not, so you never pay twice.',
			},
			{
				displayName: 'Requests per 10 Seconds',
				name: 'requestsPerWindow',
				type: 'number',
				default: DEFAULT_REQUESTS_PER_WINDOW,
				typeOptions: { minValue: 1, maxValue: 1000 },
				description:
					"Runbase's rate limit for your key, shared by all items of the execution (20 for standard keys). Read from the first item.",
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				default: 300,
				typeOptions: { minValue: 1, maxValue: 3600 },
				description:
					'How long to wait for a run to finish. A run that takes longer keeps going on Runbase: collect it later with Get Run.',
			},
			{
				displayName: 'Wait for Completion',
				name: 'waitForCompletion',
				type: 'boolean',
				default: true,
				description:
					'Whether to wait until the image is ready. Turn off to return the run ID at once and collect the result later with Get Run.',
			},
		],
	},
];

function options(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

export function readRunSettings(ctx: IExecuteFunctions, itemIndex: number): RunSettings {
	const node = ctx.getNode();
	const opts = options(ctx, itemIndex);
	const returnAs = ctx.getNodeParameter('returnAs', itemIndex, 'binary') as ReturnAs;
	const seconds = (label: string, value: unknown, fallback: number, min: number, max: number) =>
		checkNumberOption(node, itemIndex, label, value ?? fallback, { min, max, unit: 'seconds' }) * 1000;
	return {
		returnAs: returnAs === 'urls' ? 'urls' : 'binary',
		waitForCompletion: opts.waitForCompletion !== false,
		binaryPropertyName:
			returnAs === 'urls' ? 'data' : checkFieldName(node, itemIndex, opts.binaryPropertyName ?? 'data'),
		firstCheckMs: seconds('Expected Generation Time', opts.firstCheck, DEFAULT_FIRST_CHECK_SECONDS, 0, 600),
		pollIntervalMs: seconds('Poll Interval', opts.pollInterval, 2, 0.2, 60),
		timeoutMs: seconds('Timeout', opts.timeout, 300, 1, 3600),
		requestTimeoutMs: seconds('Request Timeout', opts.requestTimeout, 30, 1, 300),
		downloadTimeoutMs: seconds('Download Timeout', opts.downloadTimeout, 60, 1, 600),
		maxImageBytes:
			checkNumberOption(node, itemIndex, 'Max Image Size', opts.maxImageSize ?? 50, { min: 1, max: 500, unit: 'MB' }) *
			1_000_000,
	};
}

export function readExecutionSettings(ctx: IExecuteFunctions): ExecutionSettings {
	const node = ctx.getNode();
	const opts = options(ctx, 0);
	return {
		concurrency: Math.floor(checkNumberOption(node, 0, 'Concurrency', opts.concurrency ?? 10, { min: 1, max: 50 })),
		requestsPerWindow: Math.floor(
			checkNumberOption(node, 0, 'Requests per 10 Seconds', opts.requestsPerWindow ?? DEFAULT_REQUESTS_PER_WINDOW, { min: 1, max: 1000 }),
		),
	};
}
