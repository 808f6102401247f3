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
			{
				displayName: 'Deduplication Key',
				name: 'deduplicationKey',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.leadId }}',
				displayOptions: { show: { '/operation': ['generate'] } },
				description:
					'A value that names the event, for triggers that may fire twice for it (a webhook delivered again, say): an item with a key seen within the window gets the run already made, marked reused, instead of paying again',
			},
			{
				displayName: 'Deduplication Window (Hours)',
				name: 'deduplicationWindow',
				type: 'number',
				default: 24,
				typeOptions: { minValue: 0.01, maxValue: 720 },
				displayOptions: { show: { '/operation': ['generate'] } },
				description: 'How long a Deduplication Key keeps its run',
			},
			numericOptionProperty(NUMERIC_OPTIONS.downloadTimeout),
			numericOptionProperty(NUMERIC_OPTIONS.firstCheck),
			numericOptionProperty(NUMERIC_OPTIONS.maxImageSize),
			{
				displayName: 'Max Spend per Execution (USD)',
				name: 'maxSpend',
				type: 'number',
				default: 1,
				typeOptions: { minValue: 0.01, numberPrecision: 2 },
				displayOptions: { show: { '/operation': ['generate'] } },
				description:
					"Items that would take this execution's runs past this amount are not started, and nothing is charged for them. Uses the price Runbase reported for the model and resolution; the first run of a kind since n8n started goes alone to learn it.",
			},
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
			{
				displayName: 'Send Binary Images As',
				name: 'binaryRoute',
				type: 'options',
				displayOptions: { show: { '/operation': ['generate'] } },
				options: [
					{
						name: 'Auto',
						value: 'auto',
						description: 'Link where Runbase can reach n8n (a public n8n address), Inline otherwise',
					},
					{
						name: 'Inline',
						value: 'inline',
						description: 'Inside the request as a data: URI, up to 20 MB in all. Works without a public n8n address.',
					},
					{
						name: 'Link',
						value: 'link',
						description:
							"A short-lived signed link to n8n, which Runbase fetches. Needs n8n's public address (WEBHOOK_URL) and binary data not kept in memory.",
					},
				],
				default: 'auto',
				description: 'How images from Binary Reference Images reach Runbase, which only takes addresses it fetches itself',
			},
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
