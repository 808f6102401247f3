import type { INode } from 'n8n-workflow';

import { isRestrictedHost } from './addressPolicy';
import type { ModelSpec } from './models';
import { MODELS } from './models';
import { describeType, invalid, MAX_REFERENCE_URL_CHARACTERS } from './validation';
import { isWebAddress } from './webAddress';

function isObject(value: unknown): value is Record<string, unknown> {
	return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** The node's own list field: `{}` when empty, `{ image: [{ url }] }` otherwise. */
function isReferenceImageList(value: unknown): value is { image?: unknown } {
	return isObject(value) && Object.keys(value).every((key) => key === 'image');
}

/**
 * The URL values of the list field's entries. From an expression or an edited workflow,
 * a single entry without its list, or a URL in place of an entry, means the same.
 */
function entryUrls(node: INode, itemIndex: number, image: unknown): unknown[] {
	const entries = Array.isArray(image) ? image : [image];
	return entries.map((entry, index) => (isObject(entry) ? urlOfEntry(node, itemIndex, entry, index) : entry));
}

/** An entry without a `url` but with other fields would otherwise be dropped without a word. */
function urlOfEntry(node: INode, itemIndex: number, entry: Record<string, unknown>, index: number): unknown {
	const others = Object.keys(entry).filter((key) => key !== 'url');
	if (!('url' in entry) && others.length > 0) {
		const names = others.slice(0, 5).map((key) => `"${key.slice(0, 40)}"`).join(', ');
		throw invalid(node, itemIndex, `Reference image field ${index + 1} has no url, only ${names}`, 'Each reference image field holds its address under url, as in {image: [{url: "https://example.com/photo.png"}]}.');
	}
	return entry.url;
}

/**
 * Lists split only where a URL cannot go on: at white space (line breaks, spaces)
 * and at a comma followed by white space. A comma inside a URL (",w_200,x:1")
 * never splits it.
 */
const LIST_SEPARATOR = /\s*,\s+|\s+/;

/** Splits text holding URLs one per line, or separated by spaces or ", ", into URLs. */
export function splitReferenceList(text: string): string[] {
	return text
		.split(LIST_SEPARATOR)
		.map((url) => url.trim())
		.filter(Boolean);
}

/**
 * Reference images arrive as the node's list of URL fields, or from an expression
 * as an array or as text with one URL per line or separated by commas.
 */
export function checkReferenceImages(node: INode, itemIndex: number, value: unknown, model: ModelSpec, binaryCount = 0): string[] {
	const entries = isReferenceImageList(value) ? entryUrls(node, itemIndex, value.image) : [value];
	const urls: string[] = [];
	const collect = (entry: unknown) => {
		if (entry === undefined || entry === null || entry === '') return;
		if (Array.isArray(entry)) return entry.forEach(collect);
		if (typeof entry !== 'string') {
			throw invalid(node, itemIndex, `A reference image is ${describeType(entry)}, not a URL`, 'Map a list of image URLs, or text with one URL per line or separated by ", ".');
		}
		urls.push(...splitReferenceList(entry));
	};
	entries.forEach(collect);

	checkReferenceCount(node, itemIndex, model, binaryCount, urls.length);
	urls.forEach((url, index) => checkWebAddress(node, itemIndex, url, index));
	return urls;
}

/** The model's limit counts binary and URL references together. */
export function checkReferenceCount(node: INode, itemIndex: number, model: ModelSpec, binaryCount: number, urlCount: number): void {
	const total = binaryCount + urlCount;
	if (total <= model.maxReferenceImages) return;
	const more = MODELS.filter((spec) => spec.maxReferenceImages >= total).map((spec) => spec.name);
	const advice = more.length > 0 ? ` ${more.join(' and ')} take${more.length === 1 ? 's' : ''} up to ${Math.max(...MODELS.map((spec) => spec.maxReferenceImages))}.` : '';
	const parts = binaryCount > 0 ? ` (${binaryCount} binary, ${urlCount} URL${urlCount === 1 ? '' : 's'})` : '';
	throw invalid(node, itemIndex, `There are ${total} reference images${parts}, but ${model.name} accepts at most ${model.maxReferenceImages}`, `Remove some reference images, or split them over several items.${advice}`);
}

function checkWebAddress(node: INode, itemIndex: number, url: string, index: number): void {
	const which = `Reference image ${index + 1}`;
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw invalid(node, itemIndex, `${which} is not a web address: "${url.slice(0, 80)}"`, 'Use a public http:// or https:// URL of an image, for example https://example.com/photo.png.');
	}
	const publicUrl = 'Runbase downloads reference images itself, so they must be public http:// or https:// URLs reachable from the internet.';
	if (!isWebAddress(parsed)) {
		throw invalid(node, itemIndex, `${which} uses "${parsed.protocol}", but only http and https URLs work`, `Use a public http:// or https:// URL of an image. ${publicUrl}`);
	}
	if (url.length > MAX_REFERENCE_URL_CHARACTERS) {
		throw invalid(node, itemIndex, `${which} has ${url.length} characters, more than the ${MAX_REFERENCE_URL_CHARACTERS} a URL may have`, `Use a shorter URL of the image, for example without tracking parameters, and check that the expression maps a single URL. ${publicUrl}`);
	}
	if (parsed.username || parsed.password) {
		throw invalid(node, itemIndex, `${which} contains a user name or password`, `Remove the credentials from the URL: they would be sent to Runbase. ${publicUrl}`);
	}
	if (isRestrictedHost(parsed.hostname)) {
		throw invalid(node, itemIndex, `${which} points at a local or private address (${parsed.hostname})`, `Runbase cannot reach addresses inside your network. ${publicUrl}`);
	}
}
