import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RunSettings } from '../helpers/interfaces';
import { readExecutionSettings } from '../helpers/readSettings';
import { leaseBudget } from '../transport/budgetRegistry';
import { Connection, credentialApiHost } from '../transport/connection';
import { RunbaseClient } from '../transport/runbaseClient';
import { forEachConcurrently } from './concurrency';
import { errorItem } from './errorItem';
import type { ItemJob } from './itemJob';
import type { Operation, PrepareContext } from './operation';
import { forgetDelivered, recallForRetry, rememberForRetry } from './retryMemory';
import { ledgerFor, releaseLedger } from './runLedger';
import { failureNamingRuns, logRunsLeftBehind } from './runsLeftBehind';
import { SpendCap } from './spendCap';

/** Every item's checked request, or its error item (Continue On Fail). Throws the first bad item otherwise. */
async function prepareItems<Request extends { settings: RunSettings }>(ctx: IExecuteFunctions, operation: Operation<Request>, results: INodeExecutionData[]) {
	const requests = new Map<number, Request>();
	let apiHost: Promise<string> | undefined;
	const context: PrepareContext = { apiHost: async () => await (apiHost ??= credentialApiHost(ctx)) };
	for (let itemIndex = 0; itemIndex < ctx.getInputData().length; itemIndex++) {
		try {
			requests.set(itemIndex, await operation.prepare(ctx, itemIndex, context));
		} catch (error) {
			if (!ctx.continueOnFail()) throw new NodeOperationError(ctx.getNode(), error, { itemIndex });
			results[itemIndex] = errorItem(ctx.getNode(), error, itemIndex);
		}
	}
	return requests;
}

/**
 * Checks every item first (bad input fails before any run is paid for), then
 * runs the items concurrently through the key's shared request budget.
 * Output order and pairing always follow the input.
 */
export async function executeItems<Request extends { settings: RunSettings }>(ctx: IExecuteFunctions, operation: Operation<Request>): Promise<INodeExecutionData[]> {
	const results: INodeExecutionData[] = new Array(ctx.getInputData().length);
	const requests = await prepareItems(ctx, operation, results);
	if (requests.size === 0) return results;

	const settings = readExecutionSettings(ctx, [...requests.keys()]);
	const cancelled = ctx.getExecutionCancelSignal();
	// Once an item fails (without Continue On Fail) the execution will fail: nothing more is started.
	const stop = new AbortController();
	const signal = cancelled ? AbortSignal.any([cancelled, stop.signal]) : stop.signal;
	const connection = await Connection.open(ctx);
	const lease = leaseBudget(connection.baseUrl, connection.budgetKey, settings.requestsPerWindow);
	const client = new RunbaseClient(ctx, lease.budget, connection, signal);
	const ledger = ledgerFor(ctx);
	recallForRetry(ctx, ledger);
	const spendCap = new SpendCap(settings.maxSpendMicro);

	let stopped: { error: Error & IDataObject; itemIndex: number } | undefined;
	try {
		await forEachConcurrently([...requests.keys()], settings.concurrency, async (itemIndex) => {
			if (signal.aborted) return;
			const request = requests.get(itemIndex) as Request;
			const startedAt = Date.now();
			const job: ItemJob = {
				ctx,
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
				if (ctx.continueOnFail()) {
					results[itemIndex] = errorItem(ctx.getNode(), error, itemIndex);
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
		logRunsLeftBehind(ctx, ledger);
		cancelled.throwIfAborted();
	}
	if (stopped) {
		rememberForRetry(ctx, ledger);
		throw failureNamingRuns(ctx, stopped.error, stopped.itemIndex, ledger);
	}
	forgetDelivered(ctx, ledger);
	releaseLedger(ctx);
	return results;
}
