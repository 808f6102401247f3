import { DEFAULT_FIRST_CHECK_SECONDS } from './constants';

/**
 * The Nano Banana family on Runbase: one create/poll API, one input schema
 * (`prompt`, `aspect_ratio`, `resolution`, `image_urls`), different limits.
 * Everything the node knows about a model is in this table.
 */

const BASE_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9', 'auto'] as const;
const EXTREME_RATIOS = ['1:4', '4:1', '1:8', '8:1'] as const;

export const RESOLUTIONS = ['1K', '2K', '4K'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export interface ModelSpec {
	/** Runbase's model ID, the value of the Model parameter. */
	id: string;
	/** What the editor and the messages call it. */
	name: string;
	/** One line for the editor: the Gemini model behind it and what it is for. */
	summary: string;
	aspectRatios: readonly string[];
	/** `null`: the model takes no `resolution` field, and the node sends none. */
	resolutions: readonly Resolution[] | null;
	/** Most reference images one run takes. */
	maxReferenceImages: number;
	/**
	 * First-check time relative to Nano Banana at 1K (7 s, Runbase's documented median).
	 * Runbase publishes no times for the other models: these factors are guesses, corrected
	 * by the first runs that finish.
	 */
	timeFactor: number;
}

export const DEFAULT_MODEL_ID = 'google/nano-banana';

export const MODELS: readonly ModelSpec[] = [
	{
		id: DEFAULT_MODEL_ID,
		name: 'Nano Banana',
		summary: 'Gemini 2.5 Flash Image: fast and cheapest, about 1 megapixel',
		aspectRatios: BASE_RATIOS,
		resolutions: null,
		maxReferenceImages: 10,
		timeFactor: 1,
	},
	{
		id: 'google/nano-banana-2',
		name: 'Nano Banana 2',
		summary: 'Gemini 3.1 Flash Image: up to 4K, extra-tall and extra-wide ratios, consistent characters',
		aspectRatios: [...BASE_RATIOS, ...EXTREME_RATIOS],
		resolutions: RESOLUTIONS,
		// Runbase states no limit; Google documents up to 14 reference images for its Gemini 3 image models.
		maxReferenceImages: 14,
		timeFactor: 1.5,
	},
	{
		id: 'google/nano-banana-pro',
		name: 'Nano Banana Pro',
		summary: 'Gemini 3 Pro Image: best text rendering and detail, up to 4K, slowest',
		aspectRatios: BASE_RATIOS,
		resolutions: RESOLUTIONS,
		maxReferenceImages: 14,
		timeFactor: 2.5,
	},
];

/** Extra time for larger images, relative to 1K: a guess, as Runbase publishes no times. */
const RESOLUTION_TIME_FACTOR: Record<Resolution, number> = { '1K': 1, '2K': 1.3, '4K': 2 };

/** A model that takes no resolution makes images of about 1 megapixel: 1K in Google's terms. */
export const FIXED_RESOLUTION: Resolution = '1K';

/** Every aspect ratio of any model, in the order the editor lists them. */
export const ALL_ASPECT_RATIOS: readonly string[] = [...BASE_RATIOS, ...EXTREME_RATIOS];

export function findModel(id: string): ModelSpec | undefined {
	return MODELS.find((model) => model.id === id);
}

/** IDs of the models that take `ratio`. */
export function modelsWithRatio(ratio: string): string[] {
	return MODELS.filter((model) => model.aspectRatios.includes(ratio)).map((model) => model.id);
}

/** The guess for a first status check, in seconds, when no run of this model and resolution has finished yet. */
export function expectedSeconds(model: ModelSpec, resolution: Resolution): number {
	return Math.round(DEFAULT_FIRST_CHECK_SECONDS * model.timeFactor * RESOLUTION_TIME_FACTOR[resolution] * 10) / 10;
}
