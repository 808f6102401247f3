import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { CompletionEstimator } from '../helpers/completionEstimator';
import { forEachConcurrently } from '../helpers/concurrency';
import { RATE_LIMIT_WINDOW_MS } from '../helpers/constants';
import { RequestBudget } from '../transport/requestBudget';
import { RunbaseClient } from '../transport/runbaseClient';
import { generate } from './generate.operation';
import { getRun } from './getRun.operation';
import { readExecutionSettings } from './options.description';
import type { Operation } from './services';

const operations: Record<string, Operation<unknown>> = {
	generate: generate as Operation<unknown>,
	getRun: getRun as Operation<unknown>,
};

/** With Continue On Fail, a failed item keeps what is known of its run, so nothing paid for is lost. */
function errorItem(error: Error & IDataObject, itemIndex: number): INodeExecutionData {
	const context = (error.context ?? {}) as IDataObject;
	const json: IDataObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (error.httpCode) json.httpCode = error.httpCode;
	for (const key of ['runId', 'status', 'urls']) {
		if (context[key] !== undefined) json[key] = context[key];
	}
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * Checks every item first (bad input fails before any run is paid for), then
 * runs the items concurrently through one client and one request budget.
 * Output order and pairing always follow the input.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (items.length === 0) return [[]];
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = operations[operationName];
	if (!operation) {
		throw new NodeOperationError(this.getNode(), `The operation "${operationName}" is not supported`, {
			description: 'Choose Generate or Get Run in the Operation field.',
		});
	}
	const continueOnFail = this.continueOnFail();
	const results: INodeExecutionData[] = new Array(items.length);

	const prepared = new Map<number, unknown>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			prepared.set(itemIndex, operation.prepare(this, itemIndex));
		} catch (error) {
			if (!continueOnFail) throw new NodeOperationError(this.getNode(), error, { itemIndex });
			results[itemIndex] = errorItem(error, itemIndex);
		}
	}

	if (prepared.size === 0) return [results];

	const settings = readExecutionSettings(this);
	const signal = this.getExecutionCancelSignal();
	const budget = new RequestBudget(settings.requestsPerWindow, RATE_LIMIT_WINDOW_MS, signal);
	const services = {
		client: await RunbaseClient.connect(this, budget),
		estimator: new CompletionEstimator(),
	};

	let stopped: { error: Error & IDataObject; itemIndex: number } | undefined;
	await forEachConcurrently([...prepared.keys()], settings.concurrency, async (itemIndex) => {
		if (stopped || signal?.aborted) return;
		try {
			results[itemIndex] = await operation.execute(this, prepared.get(itemIndex), itemIndex, services);
		} catch (error) {
			if (continueOnFail && !signal?.aborted) results[itemIndex] = errorItem(error, itemIndex);
			else stopped ??= { error, itemIndex };
		}
	});
	signal?.throwIfAborted();

	if (stopped) throw failureKeepingFinishedRuns(this, stopped.error, stopped.itemIndex, results);
	return [results];
}

/** A failing item stops the execution; runs that other items finished meanwhile are named so they can be collected. */
function failureKeepingFinishedRuns(
	ctx: IExecuteFunctions,
	error: Error & IDataObject,
	itemIndex: number,
	results: INodeExecutionData[],
) {
	const wrapped =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(ctx.getNode(), error, { itemIndex });
	const finished = results
		.filter((item) => item && typeof item.json.runId === 'string' && item.json.status === 'succeeded')
		.map((item) => item.json.runId as string);
	if (finished.length > 0) {
		wrapped.description = [
			wrapped.description,
			`Runs that other items finished before the execution stopped: ${finished.join(', ')}. Collect them with the Get Run operation, or turn on Continue On Fail to keep every item's result.`,
		]
			.filter(Boolean)
			.join(' ');
	}
	return wrapped;
}
