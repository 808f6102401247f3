import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RunSettings } from '../helpers/interfaces';
import { asNodeError } from '../helpers/runErrors';
import { invalid } from '../helpers/validation';
import { forEachConcurrently } from '../lifecycle/concurrency';
import type { ItemJob } from '../lifecycle/itemJob';
import type { RunLedger } from '../lifecycle/runLedger';
import { forgetDelivered, recallForRetry, rememberForRetry } from '../lifecycle/retryMemory';
import { ledgerFor, releaseLedger } from '../lifecycle/runLedger';
import { SpendCap } from '../lifecycle/spendCap';
import { leaseBudget } from '../transport/budgetRegistry';
import { Connection, credentialApiHost } from '../transport/connection';
import { RunbaseClient } from '../transport/runbaseClient';
import { generate } from './generate.operation';
import { getRun } from './getRun.operation';
import type { Operation, PrepareContext } from './operation';
import { readExecutionSettings } from './readSettings';

type Prepared = { settings: RunSettings };

const operations: Record<string, Operation<Prepared>> = {
	generate: generate as unknown as Operation<Prepared>,
	getRun: getRun as unknown as Operation<Prepared>,
};

/** With Continue On Fail, a failed item keeps what is known of its run, so nothing paid for is lost. */
function errorItem(node: INode, error: Error & IDataObject, itemIndex: number): INodeExecutionData {
	const context = (error.context ?? {}) as IDataObject;
	const details: IDataObject = {};
	if (error.description) details.description = error.description;
	if (error.httpCode) details.httpCode = error.httpCode;
	for (const key of ['runId', 'status', 'urls']) {
		if (context[key] !== undefined) details[key] = context[key];
	}
	// n8n sends an item to the error output only when its JSON holds nothing but error, message and
	// details; an item's own `error` property would do too, but n8n then drops the rest of its JSON.
	const json = node.onError === 'continueErrorOutput' ? { error: error.message, details } : { error: error.message, ...details };
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * Checks every item first (bad input fails before any run is paid for), then
 * runs the items concurrently through the key's shared request budget.
 * Output order and pairing always follow the input.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (items.length === 0) return [[]];
	const operationName = this.getNodeParameter('operation', 0) as string;
	// Own names only: "toString" or "constructor" would find what every object has.
	const operation = Object.hasOwn(operations, operationName) ? operations[operationName] : undefined;
	if (!operation) {
		throw invalid(this.getNode(), 0, `The operation "${String(operationName)}" is not supported`, 'Choose Generate or Get Run in the Operation field.');
	}
	const continueOnFail = this.continueOnFail();
	const results: INodeExecutionData[] = new Array(items.length);

	const prepared = new Map<number, Prepared>();
	let apiHost: Promise<string> | undefined;
	const context: PrepareContext = { apiHost: async () => await (apiHost ??= credentialApiHost(this)) };
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			prepared.set(itemIndex, await operation.prepare(this, itemIndex, context));
		} catch (error) {
			if (!continueOnFail) throw new NodeOperationError(this.getNode(), error, { itemIndex });
			results[itemIndex] = errorItem(this.getNode(), error, itemIndex);
		}
	}
	if (prepared.size === 0) return [results];

	const settings = readExecutionSettings(this, [...prepared.keys()]);
	const cancelled = this.getExecutionCancelSignal();
	// Once an item fails (without Continue On Fail) the execution will fail: nothing more is started.
	const stop = new AbortController();
	const signal = cancelled ? AbortSignal.any([cancelled, stop.signal]) : stop.signal;
	const connection = await Connection.open(this);
	const lease = leaseBudget(connection.baseUrl, connection.budgetKey, settings.requestsPerWindow);
	const client = new RunbaseClient(this, lease.budget, connection, signal);
	const ledger = ledgerFor(this);
	recallForRetry(this, ledger);
	const spendCap = new SpendCap(settings.maxSpendMicro);

	let stopped: { error: Error & IDataObject; itemIndex: number } | undefined;
	try {
		await forEachConcurrently([...prepared.keys()], settings.concurrency, async (itemIndex) => {
			if (signal.aborted) return;
			const request = prepared.get(itemIndex) as Prepared;
			const startedAt = Date.now();
			const job: ItemJob = {
				ctx: this,
				itemIndex,
				settings: request.settings,
				client,
				ledger,
				spendCap,
				startedAt,
				deadline: startedAt + request.settings.timeoutMs,
				signal,
			};
			try {
				results[itemIndex] = await operation.execute(job, request);
			} catch (error) {
				if (stopped || cancelled?.aborted) return;
				if (continueOnFail) {
					results[itemIndex] = errorItem(this.getNode(), error, itemIndex);
					return;
				}
				stopped = { error, itemIndex };
				stop.abort(error);
			}
		});
	} finally {
		lease.release();
	}
	if (cancelled?.aborted) {
		logRunsLeftBehind(this, ledger);
		cancelled.throwIfAborted();
	}
	if (stopped) {
		rememberForRetry(this, ledger);
		throw failureNamingRuns(this, stopped.error, stopped.itemIndex, ledger);
	}
	forgetDelivered(this, ledger);
	releaseLedger(this);
	return [results];
}

/** Where the user finds what a cancelled execution paid for: n8n's log. */
function logRunsLeftBehind(ctx: IExecuteFunctions, ledger: RunLedger): void {
	const runs = ledger.collectable().map((entry) => `${entry.runId} (item ${entry.itemIndex}, ${entry.status})`);
	const unnamed = ledger.unnamed().map((entry) => entry.itemIndex);
	if (runs.length === 0 && unnamed.length === 0) return;
	const parts = [
		runs.length > 0 ? `runs it started: ${runs.join(', ')}; collect them with the Get Run operation` : '',
		unnamed.length > 0 ? `the start of item${unnamed.length === 1 ? '' : 's'} ${unnamed.join(', ')} may have reached Runbase without a run ID seen: check the Runbase dashboard` : '',
	];
	ctx.logger.warn(`Nano Banana "${ctx.getNode().name}": the execution was cancelled; ${parts.filter(Boolean).join('; ')}`, {
		runs: ledger.collectable().map(({ runId, itemIndex, status }) => ({ runId, itemIndex, status })),
		unnamedItems: unnamed,
	});
}

/**
 * A failing item stops the execution and n8n drops every other item's output:
 * the error names each run this execution started that can still be collected.
 */
function failureNamingRuns(ctx: IExecuteFunctions, error: Error & IDataObject, itemIndex: number, ledger: RunLedger) {
	const wrapped = asNodeError(ctx.getNode(), error, itemIndex);
	const ownRun = (error.context as IDataObject | undefined)?.runId;
	const others = ledger.collectable().filter((entry) => entry.runId !== ownRun);
	const unnamed = ledger.unnamed().filter((entry) => entry.itemIndex !== itemIndex);
	const list = others.map((entry) => `${entry.runId} (item ${entry.itemIndex}, ${entry.status})`).join(', ');
	wrapped.description = [
		wrapped.description,
		others.length > 0
			? `The execution stopped, so these runs it started were not delivered: ${list}. Collect them with the Get Run operation, or turn on Continue On Fail to keep every item's result.`
			: '',
		unnamed.length > 0
			? `The start of item ${unnamed.map((entry) => entry.itemIndex).join(', ')} may have reached Runbase without a run ID seen: check the Runbase dashboard.`
			: '',
	]
		.filter(Boolean)
		.join(' ');
	return wrapped;
}
