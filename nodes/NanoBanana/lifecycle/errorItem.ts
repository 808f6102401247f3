import type { IDataObject, INode, INodeExecutionData } from 'n8n-workflow';

/** With Continue On Fail, a failed item keeps what is known of its run, so nothing paid for is lost. */
export function errorItem(node: INode, error: Error & IDataObject, itemIndex: number): INodeExecutionData {
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
