import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { asNodeError } from '../helpers/runErrors';
import type { RunLedger } from './runLedger';

const describeRuns = (runs: ReturnType<RunLedger['collectable']>) =>
	runs.map((entry) => `${entry.runId} (item ${entry.itemIndex}, ${entry.status})`).join(', ');

/** Where the user finds what a cancelled execution paid for: n8n's log. */
export function logRunsLeftBehind(ctx: IExecuteFunctions, ledger: RunLedger): void {
	const runs = ledger.collectable();
	const unnamed = ledger.unnamed().map((entry) => entry.itemIndex);
	if (runs.length === 0 && unnamed.length === 0) return;
	const parts = [
		runs.length > 0 ? `runs it started: ${describeRuns(runs)}; collect them with the Get Run operation` : '',
		unnamed.length > 0 ? `the start of item${unnamed.length === 1 ? '' : 's'} ${unnamed.join(', ')} may have reached Runbase without a run ID seen: check the Runbase dashboard` : '',
	];
	ctx.logger.warn(`Nano Banana "${ctx.getNode().name}": the execution was cancelled; ${parts.filter(Boolean).join('; ')}`, {
		runs: runs.map(({ runId, itemIndex, status }) => ({ runId, itemIndex, status })),
		unnamedItems: unnamed,
	});
}

/**
 * A failing item stops the execution and n8n drops every other item's output:
 * the error names each run this execution started that can still be collected.
 */
export function failureNamingRuns(ctx: IExecuteFunctions, error: Error & IDataObject, itemIndex: number, ledger: RunLedger) {
	const wrapped = asNodeError(ctx.getNode(), error, itemIndex);
	const ownRun = (error.context as IDataObject | undefined)?.runId;
	const others = ledger.collectable().filter((entry) => entry.runId !== ownRun);
	const unnamed = ledger.unnamed().filter((entry) => entry.itemIndex !== itemIndex);
	wrapped.description = [
		wrapped.description,
		others.length > 0
			? `The execution stopped, so these runs it started were not delivered: ${describeRuns(others)}. Collect them with the Get Run operation, or turn on Continue On Fail to keep every item's result.`
			: '',
		unnamed.length > 0
			? `The start of item ${unnamed.map((entry) => entry.itemIndex).join(', ')} may have reached Runbase without a run ID seen: check the Runbase dashboard.`
			: '',
	]
		.filter(Boolean)
		.join(' ');
	return wrapped;
}
