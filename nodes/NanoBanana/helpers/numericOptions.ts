import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';

import { DEFAULT_FIRST_CHECK_SECONDS, DEFAULT_REQUESTS_PER_WINDOW } from './constants';
import { checkNumberOption } from './validation';

/** One numeric option: its property in the editor and its reader come from this one entry. */
export interface NumericOption {
	name: string;
	displayName: string;
	label: string;
	default: number;
	min: number;
	max: number;
	unit?: 'seconds' | 'MB';
	/** Multiplier from the value the user sees to the value the code uses (seconds to ms, MB to bytes). */
	scale: number;
	precision?: number;
	binaryOnly?: boolean;
	description: string;
}

export const NUMERIC_OPTIONS = {
	concurrency: {
		name: 'concurrency',
		displayName: 'Concurrency',
		label: 'Concurrency',
		default: 10,
		min: 1,
		max: 50,
		scale: 1,
		description: 'How many items run at the same time. 1 handles items one after another. Read from the first item.',
	},
	downloadTimeout: {
		name: 'downloadTimeout',
		displayName: 'Download Timeout (Seconds)',
		label: 'Download Timeout',
		default: 60,
		min: 1,
		max: 600,
		unit: 'seconds',
		scale: 1000,
		binaryOnly: true,
		description: 'How long one image download may take before it is retried',
	},
	firstCheck: {
		name: 'firstCheck',
		displayName: 'Expected Generation Time (Seconds)',
		label: 'Expected Generation Time',
		default: DEFAULT_FIRST_CHECK_SECONDS,
		min: 0,
		max: 600,
		unit: 'seconds',
		scale: 1000,
		precision: 1,
		description:
			'When to check a new run for the first time. Without this option the node starts from a guess per model and resolution (7 s for Nano Banana, longer for Pro and for 2K and 4K). It learns the real time from runs that finish, so this only matters until the first runs are done.',
	},
	maxImageSize: {
		name: 'maxImageSize',
		displayName: 'Max Image Size (MB)',
		label: 'Max Image Size',
		// A 4K PNG is about 35 MB, and up to about 75 MB if it has an alpha channel and little to compress.
		default: 100,
		min: 1,
		max: 500,
		unit: 'MB',
		scale: 1_000_000,
		binaryOnly: true,
		description:
			'Downloads larger than this are refused, to protect your n8n instance. A 4K PNG is about 35 MB.',
	},
	pollInterval: {
		name: 'pollInterval',
		displayName: 'Poll Interval (Seconds)',
		label: 'Poll Interval',
		default: 2,
		min: 0.2,
		max: 60,
		unit: 'seconds',
		scale: 1000,
		precision: 1,
		description:
			'Time between status checks once a run is due. Long runs are checked less often, up to every 10 seconds.',
	},
	requestTimeout: {
		name: 'requestTimeout',
		displayName: 'Request Timeout (Seconds)',
		label: 'Request Timeout',
		default: 30,
		min: 1,
		max: 300,
		unit: 'seconds',
		scale: 1000,
		description:
			'How long one API request may take. A status check that times out is retried; a run start that times out is not, so you never pay twice.',
	},
	requestsPerWindow: {
		name: 'requestsPerWindow',
		displayName: 'Requests per 10 Seconds',
		label: 'Requests per 10 Seconds',
		default: DEFAULT_REQUESTS_PER_WINDOW,
		min: 1,
		max: 1000,
		scale: 1,
		description:
			"Runbase's rate limit for your key (20 for standard keys). Every execution in this n8n process that uses the same key shares it. Read from the first item.",
	},
	timeout: {
		name: 'timeout',
		displayName: 'Timeout (Seconds)',
		label: 'Timeout',
		default: 300,
		min: 1,
		max: 3600,
		unit: 'seconds',
		scale: 1000,
		description:
			'How long to wait for a run to finish. A run that takes longer keeps going on Runbase: collect it later with Get Run.',
	},
} satisfies Record<string, NumericOption>;

export type NumericOptionName = keyof typeof NUMERIC_OPTIONS;

const NUMBER_TYPE = 'number' as const;

/** The editor property of a numeric option. */
export function numericOptionProperty(option: NumericOption): INodeProperties {
	return {
		displayName: option.displayName,
		name: option.name,
		type: NUMBER_TYPE,
		default: option.default,
		typeOptions: {
			minValue: option.min,
			maxValue: option.max,
			...(option.precision ? { numberPrecision: option.precision } : {}),
		},
		...(option.binaryOnly ? { displayOptions: { show: { '/returnAs': ['binary'] } } } : {}),
		description: option.description,
	};
}

/** Reads a numeric option of one item, checked against its limits and scaled (seconds to ms, MB to bytes). */
export function readNumericOption(node: INode, itemIndex: number, options: IDataObject, name: NumericOptionName): number {
	const option: NumericOption = NUMERIC_OPTIONS[name];
	const value = checkNumberOption(node, itemIndex, option.label, options[name] ?? option.default, {
		min: option.min,
		max: option.max,
		unit: option.unit,
	});
	return option.scale === 1 ? Math.floor(value) : value * option.scale;
}
