import type { INode } from 'n8n-workflow';

import { isRestrictedHost } from './addressPolicy';
import { describeType, invalid } from './validation';

/**
 * Runbase takes reference images only as addresses it fetches itself. A binary
 * reference gets there as a link that n8n serves (`link`), or inside the request
 * as a `data:` URI (`inline`).
 */
export type BinaryRoute = 'link' | 'inline';

/** The option Send Binary Images As: `auto` takes a link where Runbase can reach n8n, inline otherwise. */
export type BinaryRouteChoice = 'auto' | BinaryRoute;

export const BINARY_ROUTE_CHOICES: readonly BinaryRouteChoice[] = ['auto', 'link', 'inline'];

/** Runbase documents no size limit; Gemini's own limit for an inline request is 20 MB. */
export const MAX_BINARY_REFERENCE_BYTES = 50 * 1024 * 1024;
export const MAX_INLINE_REQUEST_BYTES = 20 * 1024 * 1024;

/** `*` in Binary Reference Images: every PNG, JPEG, WebP or GIF of the item. */
export const ALL_IMAGE_FIELDS = '*';

/** The binary fields named as references, in their order; `*` alone means every image of the item. */
export function parseBinaryFieldNames(node: INode, itemIndex: number, value: unknown): string[] {
	if (value === undefined || value === null || value === '') return [];
	const parts = Array.isArray(value) ? value : [value];
	const names: string[] = [];
	for (const part of parts) {
		if (typeof part !== 'string') {
			throw invalid(node, itemIndex, `Binary Reference Images holds ${describeType(part)}, not field names`, 'Enter the names of binary fields of the input item, e.g. data or data, data_1, or * for every image of the item.');
		}
		names.push(...part.split(/[\s,]+/).filter(Boolean));
	}
	for (const name of names) {
		if (name === '__proto__' || name in Object.prototype) {
			throw invalid(node, itemIndex, `Binary Reference Images cannot name "${name}"`, 'That name belongs to every JavaScript object. Use the binary field names the input item shows, e.g. data.');
		}
	}
	if (names.includes(ALL_IMAGE_FIELDS) && names.length > 1) {
		throw invalid(node, itemIndex, 'Binary Reference Images mixes * with field names', 'Enter * alone for every image of the item, or the field names you want, e.g. data, data_1.');
	}
	return [...new Set(names)];
}

export function checkBinaryRouteChoice(node: INode, itemIndex: number, value: unknown): BinaryRouteChoice {
	if (BINARY_ROUTE_CHOICES.includes(value as BinaryRouteChoice)) return value as BinaryRouteChoice;
	throw invalid(node, itemIndex, `Send Binary Images As "${String(value)}" is not supported`, 'Choose Auto, Link or Inline.');
}

/** Where a binary reference would be served from, and where the API is. */
export interface RouteFacts {
	field: string;
	/** n8n keeps the binary in its store (filesystem, database, S3), so it can serve a signed link to it. */
	stored: boolean;
	/** The host of the link n8n would give, when it can give one. */
	linkHost?: string;
	apiHost: string;
}

/**
 * The route for one binary reference. A link works where Runbase can fetch it:
 * a public n8n address, or an API inside the same network (a self-hosted gateway).
 */
export function chooseBinaryRoute(node: INode, itemIndex: number, choice: BinaryRouteChoice, facts: RouteFacts): BinaryRoute {
	if (choice === 'inline') return 'inline';
	const reachable = facts.linkHost !== undefined && (!isRestrictedHost(facts.linkHost) || isRestrictedHost(facts.apiHost));
	if (choice === 'auto') return facts.stored && reachable ? 'link' : 'inline';
	if (!facts.stored) {
		throw invalid(node, itemIndex, `n8n cannot serve a link to binary field "${facts.field}": it keeps binary data in memory`, 'Set N8N_DEFAULT_BINARY_DATA_MODE to filesystem (or database or S3) so n8n can serve links, or set Send Binary Images As to Inline. No run was started.');
	}
	if (!reachable) {
		throw invalid(node, itemIndex, `Runbase cannot reach this n8n: the link to binary field "${facts.field}" would point at ${facts.linkHost ?? 'no address'}, a local or private address`, "Set WEBHOOK_URL to n8n's public https address so Runbase can fetch the image from n8n, or set Send Binary Images As to Inline (the image goes inside the request). No run was started.");
	}
	return 'link';
}

/** The length of a `data:` URI for `bytes` bytes of `mimeType`. */
export function dataUriLength(bytes: number, mimeType: string): number {
	return `data:${mimeType};base64,`.length + 4 * Math.ceil(bytes / 3);
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function checkBinaryReferenceSize(node: INode, itemIndex: number, field: string, bytes: number): void {
	if (bytes === 0) {
		throw invalid(node, itemIndex, `Binary field "${field}" is empty`, 'Check the node before this one: it gave a file without content.');
	}
	if (bytes > MAX_BINARY_REFERENCE_BYTES) {
		throw invalid(node, itemIndex, `Binary field "${field}" has ${megabytes(bytes)}, more than the ${megabytes(MAX_BINARY_REFERENCE_BYTES)} a reference image may have`, 'Send a smaller image, e.g. resized or as JPEG, with an Edit Image node before this one.');
	}
}

/** Inline images travel inside the create request, whose size is capped. */
export function checkInlineRequestSize(node: INode, itemIndex: number, inlineBytes: number): void {
	if (inlineBytes <= MAX_INLINE_REQUEST_BYTES) return;
	throw invalid(node, itemIndex, `The inline reference images add up to ${megabytes(inlineBytes)}, more than the ${megabytes(MAX_INLINE_REQUEST_BYTES)} the node sends in one request`, 'Set Send Binary Images As to Link (Runbase then fetches each image from n8n), or send smaller images, e.g. as JPEG.');
}
