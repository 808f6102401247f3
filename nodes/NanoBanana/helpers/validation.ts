import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ModelSpec, Resolution } from './models';
import { FIXED_RESOLUTION, findModel, MODELS, modelsWithRatio } from './models';

function invalid(node: INode, itemIndex: number, message: string, description: string) {
	return new NodeOperationError(node, `${message} [item ${itemIndex}]`, { description, itemIndex });
}

function describeType(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (value === null) return 'empty (null)';
	return typeof value === 'object' ? 'an object' : `a ${typeof value} (${String(value)})`;
}

export function checkPrompt(node: INode, itemIndex: number, value: unknown): string {
	if (typeof value === 'number') value = String(value);
	if (value !== undefined && value !== null && typeof value !== 'string') {
		throw invalid(node, itemIndex, `The prompt is ${describeType(value)}, not text`, 'Map a text field to Prompt, for example {{ $json.prompt }}.');
	}
	const prompt = (value ?? '').trim();
	if (prompt === '') {
		throw invalid(node, itemIndex, 'The prompt is empty', 'Enter a text that describes the image, or map a field that has a value for every item.');
	}
	return prompt;
}

/** The Model parameter, or a model ID from an expression. */
export function checkModel(node: INode, itemIndex: number, value: unknown): ModelSpec {
	const id = typeof value === 'string' ? value.trim() : value;
	const model = typeof id === 'string' ? findModel(id) : undefined;
	if (!model) {
		const valid = MODELS.map((spec) => `${spec.id} (${spec.name})`).join(', ');
		throw invalid(node, itemIndex, `The model "${String(value)}" is not supported`, `Use one of ${valid}.`);
	}
	return model;
}

/** A ratio the model does not take is an error: the node never swaps it for another. */
export function checkAspectRatio(node: INode, itemIndex: number, value: unknown, model: ModelSpec): string {
	const ratio = typeof value === 'string' ? value.trim() : value;
	if (typeof ratio === 'string' && model.aspectRatios.includes(ratio)) return ratio;
	const takes = `${model.name} takes ${model.aspectRatios.join(', ')}.`;
	const others = typeof ratio === 'string' ? modelsWithRatio(ratio) : [];
	if (others.length === 0) {
		throw invalid(node, itemIndex, `The aspect ratio "${String(value)}" is not supported`, `Use one of ${model.aspectRatios.join(', ')} (the ratios of ${model.name}).`);
	}
	const names = others.map((id) => findModel(id)?.name).join(' or ');
	throw invalid(node, itemIndex, `The aspect ratio "${String(ratio)}" is not supported by ${model.name}`, `${takes} ${ratio} needs ${names}: pick another ratio or another model.`);
}

/**
 * The resolution a run is made at. Only models that take one get it sent;
 * a model without one makes 1K images, so asking it for 2K or 4K is an error.
 */
export function checkResolution(node: INode, itemIndex: number, value: unknown, model: ModelSpec): Resolution {
	const given = typeof value === 'string' ? value.trim() : value;
	if (!model.resolutions) {
		if (given === undefined || given === null || given === '' || given === FIXED_RESOLUTION) return FIXED_RESOLUTION;
		throw invalid(node, itemIndex, `${model.name} takes no resolution, but "${String(value)}" was asked for`, `${model.name} always makes images of about 1 megapixel (1K). For 2K or 4K choose ${MODELS.filter((spec) => spec.resolutions).map((spec) => spec.name).join(' or ')}.`);
	}
	const resolution = model.resolutions.find((option) => option === given);
	if (!resolution) {
		throw invalid(node, itemIndex, `The resolution "${String(value)}" is not supported by ${model.name}`, `Use one of ${model.resolutions.join(', ')}.`);
	}
	return resolution;
}

/** The node's own list field: `{}` when empty, `{ image: [{ url }] }` otherwise. */
function isReferenceImageList(value: unknown): boolean {
	return (
		!!value &&
		typeof value === 'object' &&
		!Array.isArray(value) &&
		Object.keys(value).every((key) => key === 'image')
	);
}

/** Commas separate URLs only where a new scheme follows, so URLs that contain commas survive. */
const LIST_SEPARATOR = /\s*[\r\n]+\s*|\s*,\s*(?=[a-z][a-z0-9+.-]*:)/i;

/** Splits text holding one URL per line, or URLs separated by commas, into URLs. */
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
export function checkReferenceImages(node: INode, itemIndex: number, value: unknown, model: ModelSpec): string[] {
	const entries = isReferenceImageList(value)
		? ((value as { image?: Array<{ url?: unknown }> }).image ?? []).map((entry) => entry?.url)
		: [value];
	const urls: string[] = [];
	const collect = (entry: unknown) => {
		if (entry === undefined || entry === null || entry === '') return;
		if (Array.isArray(entry)) return entry.forEach(collect);
		if (typeof entry !== 'string') {
			throw invalid(node, itemIndex, `A reference image is ${describeType(entry)}, not a URL`, 'Map a list of image URLs, or text with one URL per line or separated by commas.');
		}
		urls.push(...splitReferenceList(entry));
	};
	entries.forEach(collect);

	if (urls.length > model.maxReferenceImages) {
		const more = MODELS.filter((spec) => spec.maxReferenceImages >= urls.length).map((spec) => spec.name);
		const advice = more.length > 0 ? ` ${more.join(' and ')} take${more.length === 1 ? 's' : ''} up to ${Math.max(...MODELS.map((spec) => spec.maxReferenceImages))}.` : '';
		throw invalid(node, itemIndex, `There are ${urls.length} reference images, but ${model.name} accepts at most ${model.maxReferenceImages}`, `Remove some reference images, or split them over several items.${advice}`);
	}
	urls.forEach((url, index) => checkWebAddress(node, itemIndex, url, index));
	return urls;
}

function checkWebAddress(node: INode, itemIndex: number, url: string, index: number): void {
	let protocol: string;
	try {
		protocol = new URL(url).protocol;
	} catch {
		throw invalid(node, itemIndex, `Reference image ${index + 1} is not a web address: "${url.slice(0, 80)}"`, 'Use a public http:// or https:// URL of an image, for example https://example.com/photo.png.');
	}
	if (protocol !== 'http:' && protocol !== 'https:') {
		throw invalid(node, itemIndex, `Reference image ${index + 1} uses "${protocol}", but only http and https URLs work`, 'Use a public http:// or https:// URL of an image. Runbase downloads reference images itself, so they must be reachable from the internet.');
	}
}

/** A number option within limits; expressions can produce anything. */
export function checkNumberOption(
	node: INode,
	itemIndex: number,
	label: string,
	value: unknown,
	limits: { min: number; max: number; unit?: string },
): number {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	const unit = limits.unit ? ` ${limits.unit}` : '';
	if (typeof number !== 'number' || !Number.isFinite(number) || number < limits.min || number > limits.max) {
		throw invalid(node, itemIndex, `${label} must be between ${limits.min} and ${limits.max}${unit}, but is ${JSON.stringify(value)}`, `Set ${label} in the node's options to a value from ${limits.min} to ${limits.max}.`);
	}
	return number;
}

export function checkFieldName(node: INode, itemIndex: number, value: unknown): string {
	const name = typeof value === 'string' ? value.trim() : '';
	if (name === '') {
		throw invalid(node, itemIndex, 'Put Output in Field is empty', 'Enter the name of the binary field for the image, for example data.');
	}
	return name;
}

/** A run ID typed in or mapped from an earlier output. */
export function checkRunId(node: INode, itemIndex: number, value: unknown): string {
	if (typeof value !== 'string') {
		throw invalid(node, itemIndex, `The run ID is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not text like run_2abc...`, 'Map the runId field of an earlier Generate output, e.g. {{ $json.runId }}.');
	}
	const runId = value.trim();
	if (runId === '') {
		throw invalid(node, itemIndex, 'The run ID is empty', 'Enter the ID of a run, e.g. map the runId field of an earlier Generate output.');
	}
	return runId;
}
