import type { INodeProperties } from 'n8n-workflow';

import { NUMERIC_OPTIONS, numericOptionProperty } from '../helpers/numericOptions';

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
