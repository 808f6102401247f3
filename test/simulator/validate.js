'use strict';
// Validation of POST /runs bodies, in the order the documented error codes suggest.
const { MODELS } = require('./models');

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

function validateInput(model, input) {
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
		const bad = urls.findIndex((u) => !isHttpUrl(u));
		if (bad !== -1) return fail('invalid_input', `input.image_urls[${bad}] must be a public http(s) URL`);
	}
	return null;
}

/** @returns {{error: {code, message}} | {model: string, input: object}} */
function validateCreateBody(raw) {
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
	return validateInput(body.model, body.input) || { model: body.model, input: body.input };
}

module.exports = { validateCreateBody, MODEL, MODELS };
