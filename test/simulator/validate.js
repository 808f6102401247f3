'use strict';
// Validation of POST /runs bodies, in the order the documented error codes suggest.
const { MODELS } = require('./models');
const { isDataUri } = require('./references');

const MODEL = 'google/nano-banana';

const fail = (code, message) => ({ error: { code, message } });
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function isHttpUrl(value) {
	try {
		const { protocol } = new URL(value);
		return protocol === 'http:' || protocol === 'https:';
	} catch {
		return false;
	}
}

/** @returns {string | null} why input.image_urls[index] is refused, or null */
function referenceProblem(value, index, acceptDataUris) {
	if (isDataUri(value)) {
		return acceptDataUris ? null : `input.image_urls[${index}]: data: URIs are not accepted; pass a public URL`;
	}
	if (isHttpUrl(value)) return null;
	return `input.image_urls[${index}] must be a public http(s) URL${acceptDataUris ? ' or a data: URI' : ''}`;
}

function validateInput(model, input, { acceptDataUris }) {
	const spec = MODELS[model];
	const { prompt, aspect_ratio: ratio, image_urls: urls, resolution } = input;
	if (typeof prompt !== 'string' || prompt.trim() === '') {
		return fail('invalid_input', 'input.prompt is required and must be a non-empty string');
	}
	if (ratio !== undefined && !spec.aspectRatios.includes(ratio)) {
		return fail('invalid_input', `input.aspect_ratio must be one of: ${spec.aspectRatios.join(', ')}`);
	}
	if (resolution !== undefined) {
		if (!spec.resolutions) return fail('invalid_input', `input.resolution is not accepted by ${model}`);
		if (!spec.resolutions.includes(resolution)) {
			return fail('invalid_input', `input.resolution must be one of: ${spec.resolutions.join(', ')}`);
		}
	}
	if (urls !== undefined) {
		if (!Array.isArray(urls) || urls.some((u) => typeof u !== 'string')) {
			return fail('invalid_input', 'input.image_urls must be an array of strings');
		}
		if (urls.length > spec.maxImageUrls) {
			return fail('invalid_input', `input.image_urls accepts at most ${spec.maxImageUrls} URLs`);
		}
		for (const [index, value] of urls.entries()) {
			const problem = referenceProblem(value, index, acceptDataUris);
			if (problem) return fail('invalid_input', problem);
		}
	}
	return null;
}

/**
 * @param {string} raw request body
 * @param {{acceptDataUris?: boolean}} [options]
 * @returns {{error: {code, message}} | {model: string, input: object}}
 */
function validateCreateBody(raw, { acceptDataUris = true } = {}) {
	let body;
	try {
		body = JSON.parse(raw);
	} catch {
		return fail('invalid_json', 'Request body must be valid JSON');
	}
	if (!isObject(body) || body.model === undefined || body.model === null || body.model === '') {
		return fail('missing_model', 'Field "model" is required');
	}
	if (typeof body.model !== 'string' || !Object.hasOwn(MODELS, body.model)) {
		return fail('model_not_found', `Model "${String(body.model)}" was not found`);
	}
	if (body.input === undefined || body.input === null) return fail('missing_input', 'Field "input" is required');
	if (!isObject(body.input)) return fail('invalid_input', 'Field "input" must be an object');
	return validateInput(body.model, body.input, { acceptDataUris }) || { model: body.model, input: body.input };
}

module.exports = { validateCreateBody, MODEL, MODELS };
