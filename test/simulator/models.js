'use strict';
// The Nano Banana family: what each model accepts and the pixel size it answers with.

const BASE_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9', 'auto'];
const EXTREME_RATIOS = ['1:4', '4:1', '1:8', '8:1'];
const RESOLUTIONS = ['1K', '2K', '4K'];

const MODELS = {
	'google/nano-banana': { aspectRatios: BASE_RATIOS, resolutions: null, defaultResolution: null, maxImageUrls: 10 },
	'google/nano-banana-2': {
		aspectRatios: [...BASE_RATIOS, ...EXTREME_RATIOS],
		resolutions: RESOLUTIONS,
		defaultResolution: '1K',
		maxImageUrls: 14,
	},
	'google/nano-banana-pro': { aspectRatios: BASE_RATIOS, resolutions: RESOLUTIONS, defaultResolution: '1K', maxImageUrls: 14 },
};

// Sizes at 1K. The first ten are documented (runbase-api.md); 1:4, 4:1, 1:8 and 8:1 are the simulator's choice.
const SIZES_1K = {
	'1:1': [1024, 1024],
	'2:3': [832, 1248],
	'3:2': [1248, 832],
	'3:4': [864, 1184],
	'4:3': [1184, 864],
	'4:5': [896, 1152],
	'5:4': [1152, 896],
	'9:16': [768, 1344],
	'16:9': [1344, 768],
	'21:9': [1536, 672],
	'1:4': [512, 2048],
	'4:1': [2048, 512],
	'1:8': [384, 3072],
	'8:1': [3072, 384],
};
const RESOLUTION_SCALE = { '1K': 1, '2K': 2, '4K': 4 };

/** Multipliers on processingMs: a run's factor is (its model's) x (its resolution's). The simulator's choice. */
const DEFAULT_PROCESSING_FACTORS = Object.freeze({
	'google/nano-banana': 1,
	'google/nano-banana-2': 1.5,
	'google/nano-banana-pro': 2.5,
	'1K': 1,
	'2K': 1.3,
	'4K': 2,
});

/** [width, height]; 'auto' and a missing or unknown ratio both give 1:1; a missing resolution is 1K. */
function sizeFor(ratio, resolution) {
	const [width, height] = SIZES_1K[ratio] || SIZES_1K['1:1'];
	const scale = RESOLUTION_SCALE[resolution] || 1;
	return [width * scale, height * scale];
}

/** The resolution a valid input runs at: the given one, the model's default, or null (nano-banana takes none). */
function resolutionOf(model, input) {
	const spec = MODELS[model];
	if (!spec || !spec.resolutions) return null;
	return (input && input.resolution) || spec.defaultResolution;
}

/** Pixel size of the image a run of `model` with `input` produces: {width, height}. */
function imageSize(model, input = {}) {
	const [width, height] = sizeFor(input.aspect_ratio, resolutionOf(model, input));
	return { width, height };
}

module.exports = { MODELS, SIZES_1K, RESOLUTIONS, DEFAULT_PROCESSING_FACTORS, sizeFor, resolutionOf, imageSize };
