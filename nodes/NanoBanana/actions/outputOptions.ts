import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ExecutionSettings, RunSettings } from '../helpers/interfaces';
import { NUMERIC_OPTIONS, numericOptionProperty, readNumericOption } from '../helpers/numericOptions';
import { checkReturnAs, checkSameForEveryItem, checkSwitch } from '../helpers/settingChecks';
import { checkFieldName } from '../helpers/validation';

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
			numericOptionProperty(NUMERIC_OPTIONS.concurrency),
			numericOptionProperty(NUMERIC_OPTIONS.downloadTimeout),
			numericOptionProperty(NUMERIC_OPTIONS.firstCheck),
			numericOptionProperty(NUMERIC_OPTIONS.maxImageSize),
			numericOptionProperty(NUMERIC_OPTIONS.pollInterval),
			{
				displayName: 'Put Output in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				displayOptions: { show: { '/returnAs': ['binary'] } },
				hint: 'The binary field for the image. Further images of the same run go to data_1, data_2, and so on.',
				description: 'The name of the binary field to put the image in',
			},
			numericOptionProperty(NUMERIC_OPTIONS.requestTimeout),
			numericOptionProperty(NUMERIC_OPTIONS.requestsPerWindow),
			numericOptionProperty(NUMERIC_OPTIONS.timeout),
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
	const read = (name: Parameters<typeof readNumericOption>[3]) => readNumericOption(node, itemIndex, opts, name);
	const returnAs = checkReturnAs(node, itemIndex, ctx.getNodeParameter('returnAs', itemIndex, 'binary'));
	return {
		returnAs,
		waitForCompletion: checkSwitch(node, itemIndex, 'Wait for Completion', opts.waitForCompletion, true),
		binaryPropertyName:
			returnAs === 'urls' ? 'data' : checkFieldName(node, itemIndex, opts.binaryPropertyName ?? 'data'),
		firstCheckMs: read('firstCheck'),
		pollIntervalMs: read('pollInterval'),
		timeoutMs: read('timeout'),
		requestTimeoutMs: read('requestTimeout'),
		downloadTimeoutMs: read('downloadTimeout'),
		maxImageBytes: read('maxImageSize'),
	};
}

/** Settings of the whole execution: the same for every item, or a clear error. */
export function readExecutionSettings(ctx: IExecuteFunctions, itemIndexes: number[]): ExecutionSettings {
	const node = ctx.getNode();
	const perItem = (name: 'concurrency' | 'requestsPerWindow') =>
		itemIndexes.map((itemIndex) => readNumericOption(node, itemIndex, options(ctx, itemIndex), name));
	return {
		concurrency: checkSameForEveryItem(node, 'Concurrency', perItem('concurrency')),
		requestsPerWindow: checkSameForEveryItem(node, 'Requests per 10 Seconds', perItem('requestsPerWindow')),
	};
}
