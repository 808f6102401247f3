import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ModelSpec, Resolution } from './models';
import { FIXED_RESOLUTION, findModel, MODELS, modelsWithRatio } from './models';

export function invalid(node: INode, itemIndex: number, message: string, description: string) {
	return new NodeOperationError(node, `${message} [item ${itemIndex}]`, { description, itemIndex });
}

export function describeType(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (value === null) return 'empty (null)';
	return typeof value === 'object' ? 'an object' : `a ${typeof value} (${String(value)})`;
}

/**
 * The longest prompt sent. Nano Banana takes up to 32,768 input tokens, and a token
 * is never shorter than a character, so this many characters always fit.
 */
export const MAX_PROMPT_CHARACTERS = 32_000;

/** The longest reference image URL: 2,048 characters is the practical limit of URLs on the web. */
export const MAX_REFERENCE_URL_CHARACTERS = 2_048;

/** A number is accepted as text (an expression like {{ 2026 }}); anything else that is not text is an error. */
export function checkPrompt(node: INode, itemIndex: number, value: unknown): string {
	if (typeof value === 'number') value = String(value);
	if (value !== undefined && value !== null && typeof value !== 'string') {
		throw invalid(node, itemIndex, `The prompt is ${describeType(value)}, not text`, 'Map a text field to Prompt, for example {{ $json.prompt }}.');
	}
	const prompt = (value ?? '').trim();
	if (prompt === '') {
		throw invalid(node, itemIndex, 'The prompt is empty', 'Enter a text that describes the image, or map a field that has a value for every item.');
	}
	if (prompt.length > MAX_PROMPT_CHARACTERS) {
		throw invalid(node, itemIndex, `The prompt has ${prompt.length} characters, more than the ${MAX_PROMPT_CHARACTERS} the node sends`, 'Shorten the prompt: check that the expression maps the prompt text and not a whole document or item.');
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
	// A name every object already has (__proto__, constructor, toString ...) would lose the image.
	if (name === '__proto__' || name in Object.prototype) {
		throw invalid(node, itemIndex, `Put Output in Field cannot be "${name}"`, 'That name belongs to every JavaScript object, so the image would be lost. Use another name, for example data.');
	}
	return name;
}

const RUN_ID_SHAPE = 'A run ID is letters, digits and underscores, like run_2abc... Map the runId field of an earlier Generate output.';

/** A run ID typed in or mapped from an earlier output. */
export function checkRunId(node: INode, itemIndex: number, value: unknown): string {
	if (typeof value !== 'string') {
		throw invalid(node, itemIndex, `The run ID is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not text like run_2abc...`, 'Map the runId field of an earlier Generate output, e.g. {{ $json.runId }}.');
	}
	const runId = value.trim();
	if (runId === '') {
		throw invalid(node, itemIndex, 'The run ID is empty', 'Enter the ID of a run, e.g. map the runId field of an earlier Generate output.');
	}
	if (!/^[\w.-]{1,200}$/.test(runId)) {
		throw invalid(node, itemIndex, `The run ID "${runId.slice(0, 80)}" has characters a run ID never has`, RUN_ID_SHAPE);
	}
	// Encoding leaves dots as they are, and a path segment of "." or ".." would move the request to another address.
	if (/^\.+$/.test(runId)) {
		throw invalid(node, itemIndex, `The run ID "${runId.slice(0, 80)}" is made only of dots`, RUN_ID_SHAPE);
	}
	return runId;
}
