import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ExecutionSettings, RunSettings } from './interfaces';
import { readNumericOption } from './numericOptions';
import { checkReturnAs, checkSameForEveryItem, checkSwitch } from './settingChecks';
import { checkFieldName, checkNumberOption, describeType, invalid } from './validation';

/** Reads Return As and the Options of the node (properties in outputOptions.properties.ts), checked before any request. */
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
		deduplication: readDeduplication(ctx, itemIndex, opts),
	};
}

/** An empty Deduplication Key (or none) turns deduplication off for the item. */
function readDeduplication(ctx: IExecuteFunctions, itemIndex: number, opts: IDataObject): RunSettings['deduplication'] {
	const node = ctx.getNode();
	const key = opts.deduplicationKey;
	if (key === undefined || key === null || key === '') return undefined;
	if (typeof key !== 'string' && typeof key !== 'number') {
		throw invalid(node, itemIndex, `The Deduplication Key is ${describeType(key)}, not text`, 'Map one value that names the event, e.g. {{ $json.leadId }} or {{ $json.body.eventId }}.');
	}
	const hours = checkNumberOption(node, itemIndex, 'Deduplication Window', opts.deduplicationWindow ?? 24, { min: 0.01, max: 720 });
	return { key: String(key).slice(0, 500), windowMs: hours * 3600_000 };
}

/** Settings of the whole execution: the same for every item, or a clear error. */
export function readExecutionSettings(ctx: IExecuteFunctions, itemIndexes: number[]): ExecutionSettings {
	const node = ctx.getNode();
	const perItem = (name: 'concurrency' | 'requestsPerWindow') =>
		itemIndexes.map((itemIndex) => readNumericOption(node, itemIndex, options(ctx, itemIndex), name));
	const maxSpend = options(ctx, itemIndexes[0]).maxSpend;
	return {
		concurrency: checkSameForEveryItem(node, 'Concurrency', perItem('concurrency')),
		requestsPerWindow: checkSameForEveryItem(node, 'Requests per 10 Seconds', perItem('requestsPerWindow')),
		maxSpendMicro:
			maxSpend === undefined || maxSpend === null || maxSpend === ''
				? undefined
				: Math.round(checkNumberOption(node, itemIndexes[0], 'Max Spend per Execution', maxSpend, { min: 0.01, max: 100_000 }) * 1_000_000),
	};
}
