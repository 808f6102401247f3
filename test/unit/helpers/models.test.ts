/**
 * The model table and the checks built on it: every model's ratios, resolutions
 * and reference limit, and a clear error for anything a model does not take.
 */
import type { INode } from 'n8n-workflow';

import { DEFAULT_FIRST_CHECK_SECONDS } from '../../../nodes/NanoBanana/helpers/constants';
import { expectedSeconds, findModel, MODELS } from '../../../nodes/NanoBanana/helpers/models';
import type { ModelSpec } from '../../../nodes/NanoBanana/helpers/models';
import { checkReferenceImages } from '../../../nodes/NanoBanana/helpers/referenceImages';
import { checkAspectRatio, checkModel, checkResolution } from '../../../nodes/NanoBanana/helpers/validation';
import { MODELS as SIMULATED } from '../../simulator';

const node = { name: 'Nano Banana', type: 'n8n-nodes-runbase.nanoBanana', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;
const model = (id: string) => findModel(id) as ModelSpec;
const nanoBanana = model('google/nano-banana');
const two = model('google/nano-banana-2');
const pro = model('google/nano-banana-pro');

const failure = (check: () => unknown) => {
	try {
		check();
	} catch (error) {
		return { message: (error as Error).message, description: (error as { description?: string }).description };
	}
	throw new Error('expected the check to fail');
};

test('the table matches runbase-api.md (as the simulator encodes it): ratios, resolutions, references', () => {
	expect(MODELS.map((spec) => spec.id)).toEqual(Object.keys(SIMULATED));
	for (const spec of MODELS) {
		const documented = SIMULATED[spec.id as keyof typeof SIMULATED];
		expect([...spec.aspectRatios].sort()).toEqual([...documented.aspectRatios].sort());
		expect(spec.resolutions).toEqual(documented.resolutions);
		expect(spec.maxReferenceImages).toBe(documented.maxImageUrls);
	}
	expect(two.aspectRatios).toHaveLength(15);
	expect(pro.aspectRatios).toEqual(nanoBanana.aspectRatios);
});

test('an unknown model is refused with the list of valid ones', () => {
	expect(checkModel(node, 0, ' google/nano-banana-pro ')).toBe(pro);
	const seen = failure(() => checkModel(node, 3, 'google/imagen-4'));
	expect(seen.message).toBe('The model "google/imagen-4" is not supported [item 3]');
	expect(seen.description).toBe(
		'Use one of google/nano-banana (Nano Banana), google/nano-banana-2 (Nano Banana 2), google/nano-banana-pro (Nano Banana Pro).',
	);
	expect(failure(() => checkModel(node, 0, 'Nano Banana 2')).message).toBe('The model "Nano Banana 2" is not supported [item 0]');
});

test.each([
	[nanoBanana, '1:4', 'The aspect ratio "1:4" is not supported by Nano Banana [item 0]', /1:4 needs Nano Banana 2/],
	[pro, '8:1', 'The aspect ratio "8:1" is not supported by Nano Banana Pro [item 0]', /8:1 needs Nano Banana 2/],
	[two, '7:5', 'The aspect ratio "7:5" is not supported [item 0]', /the ratios of Nano Banana 2/],
	[pro, 'portrait', 'The aspect ratio "portrait" is not supported [item 0]', /^Use one of 1:1, 2:3/],
])('%#: a ratio the model does not take is an error, never replaced', (spec, ratio, message, description) => {
	const seen = failure(() => checkAspectRatio(node, 0, ratio, spec));
	expect(seen.message).toBe(message);
	expect(seen.description).toMatch(description);
});

test('every model takes each of its own ratios', () => {
	for (const spec of MODELS) for (const ratio of spec.aspectRatios) expect(checkAspectRatio(node, 0, ratio, spec)).toBe(ratio);
});

test('resolution: 1K, 2K or 4K for the models that take one; Nano Banana takes none', () => {
	expect(checkResolution(node, 0, '4K', pro)).toBe('4K');
	expect(checkResolution(node, 0, '2K', two)).toBe('2K');
	expect(failure(() => checkResolution(node, 0, '8K', two)).message).toBe('The resolution "8K" is not supported by Nano Banana 2 [item 0]');
	expect(failure(() => checkResolution(node, 0, '4k', pro)).message).toBe('The resolution "4k" is not supported by Nano Banana Pro [item 0]');
	// Nano Banana makes 1K images: no resolution, or 1K, is fine (and nothing is sent); more is an error.
	expect(checkResolution(node, 0, null, nanoBanana)).toBe('1K');
	expect(checkResolution(node, 0, '1K', nanoBanana)).toBe('1K');
	const seen = failure(() => checkResolution(node, 0, '4K', nanoBanana));
	expect(seen.message).toBe('Nano Banana takes no resolution, but "4K" was asked for [item 0]');
	expect(seen.description).toMatch(/choose Nano Banana 2 or Nano Banana Pro/);
});

test('reference images: 10 for Nano Banana, 14 for Nano Banana 2 and Pro', () => {
	const urls = (count: number) => Array.from({ length: count }, (_, index) => `https://example.com/${index}.png`);
	expect(checkReferenceImages(node, 0, urls(10), nanoBanana)).toHaveLength(10);
	expect(checkReferenceImages(node, 0, urls(14), two)).toHaveLength(14);
	expect(checkReferenceImages(node, 0, urls(14), pro)).toHaveLength(14);
	const eleven = failure(() => checkReferenceImages(node, 0, urls(11), nanoBanana));
	expect(eleven.message).toBe('There are 11 reference images, but Nano Banana accepts at most 10 [item 0]');
	expect(eleven.description).toMatch(/Nano Banana 2 and Nano Banana Pro take up to 14/);
	expect(failure(() => checkReferenceImages(node, 0, urls(15), pro)).message).toBe(
		'There are 15 reference images, but Nano Banana Pro accepts at most 14 [item 0]',
	);
});

test('first-check guesses scale from the documented 7 s: slower models and larger images wait longer', () => {
	expect(expectedSeconds(nanoBanana, '1K')).toBe(DEFAULT_FIRST_CHECK_SECONDS);
	expect(expectedSeconds(two, '1K')).toBe(10.5);
	expect(expectedSeconds(pro, '1K')).toBe(17.5);
	expect(expectedSeconds(pro, '4K')).toBe(35);
	for (const spec of MODELS.filter((candidate) => candidate.resolutions)) {
		expect(expectedSeconds(spec, '1K')).toBeLessThan(expectedSeconds(spec, '2K'));
		expect(expectedSeconds(spec, '2K')).toBeLessThan(expectedSeconds(spec, '4K'));
	}
});
