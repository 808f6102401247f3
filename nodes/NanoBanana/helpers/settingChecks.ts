import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ReturnAs } from './interfaces';

/** A switch set by an expression: true and false, also as the text "true" and "false". */
export function checkSwitch(node: INode, itemIndex: number, label: string, value: unknown, fallback: boolean): boolean {
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value === 'boolean') return value;
	const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
	if (text === 'true' || text === 'false') return text === 'true';
	throw new NodeOperationError(node, `${label} must be true or false, but is ${JSON.stringify(value)} [item ${itemIndex}]`, {
		description: `Switch ${label} on or off in the node's options, or make its expression give true or false.`,
		itemIndex,
	});
}

export function checkReturnAs(node: INode, itemIndex: number, value: unknown): ReturnAs {
	if (value === 'binary' || value === 'urls') return value;
	throw new NodeOperationError(node, `Return As must be "binary" or "urls", but is ${JSON.stringify(value)} [item ${itemIndex}]`, {
		description: 'Choose Binary Image or Image URLs in Return As, or make its expression give "binary" or "urls".',
		itemIndex,
	});
}

/**
 * Options that belong to the whole execution are read from the first item; a
 * later item that sets another value would be silently ignored, so it is an error.
 */
export function checkSameForEveryItem<T>(node: INode, label: string, values: T[]): T {
	const differing = values.findIndex((value) => value !== values[0]);
	if (differing !== -1) {
		throw new NodeOperationError(node, `${label} is read from the first item, but item ${differing} sets ${JSON.stringify(values[differing])} instead of ${JSON.stringify(values[0])}`, {
			description: `${label} applies to the whole execution. Give it one value for all items, e.g. a fixed number instead of an expression.`,
			itemIndex: differing,
		});
	}
	return values[0];
}
