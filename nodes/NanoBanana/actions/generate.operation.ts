import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { NanoBananaInput, RunbaseRun, RunSettings } from '../helpers/interfaces';
import type { AskedFor } from '../helpers/runOutput';
import type { ModelSpec, Resolution } from '../helpers/models';
import { ALL_ASPECT_RATIOS, DEFAULT_MODEL_ID, expectedSeconds, MODELS, RESOLUTIONS } from '../helpers/models';
import { checkBinaryRouteChoice, parseBinaryFieldNames } from '../helpers/binaryReferences';
import { checkReferenceCount, checkReferenceImages } from '../helpers/referenceImages';
import { checkAspectRatio, checkModel, checkPrompt, checkResolution } from '../helpers/validation';
import type { CompletionEstimator } from '../lifecycle/completionEstimator';
import { estimatorFor, estimatorKey } from '../lifecycle/completionEstimator';
import { deliver } from '../lifecycle/deliver';
import type { ItemJob } from '../lifecycle/itemJob';
import { fingerprintOf } from '../lifecycle/runLedger';
import { startOnce } from '../lifecycle/startOnce';
import { waitForRun } from '../lifecycle/waitForRun';
import type { Operation, PrepareContext } from '../lifecycle/operation';
import type { BinaryReference } from './referenceBinaries';
import { readBinaryReferences, referenceAddress } from './referenceBinaries';
import { readRunSettings } from '../helpers/readSettings';

/** Names in the editor, with Runbase's documented size at 1K where it gives one (2K and 4K are larger). */
const ASPECT_RATIO_NAMES: Record<string, [name: string, sizeAt1K?: string]> = {
	'1:1': ['Square 1:1', '1024x1024'],
	'2:3': ['Portrait 2:3', '832x1248'],
	'3:2': ['Landscape 3:2', '1248x832'],
	'3:4': ['Portrait 3:4', '864x1184'],
	'4:3': ['Landscape 4:3', '1184x864'],
	'4:5': ['Portrait 4:5', '896x1152'],
	'5:4': ['Landscape 5:4', '1152x896'],
	'9:16': ['Vertical 9:16', '768x1344'],
	'16:9': ['Widescreen 16:9', '1344x768'],
	'21:9': ['Ultrawide 21:9', '1536x672'],
	auto: ['Auto (Model Decides)'],
	'1:4': ['Tall 1:4'],
	'4:1': ['Wide 4:1'],
	'1:8': ['Extra Tall 1:8'],
	'8:1': ['Extra Wide 8:1'],
};

/** One Aspect Ratio list; a ratio only some models take is shown only while one of them is chosen. */
function aspectRatioOptions(): INodePropertyOptions[] {
	return ALL_ASPECT_RATIOS.map((value) => {
		const [name, size] = ASPECT_RATIO_NAMES[value];
		const models = MODELS.filter((model) => model.aspectRatios.includes(value));
		const only = models.length < MODELS.length;
		const description = [
			size ? `${size} at 1K` : value === 'auto' ? 'The model picks the shape, e.g. to match a reference image' : '',
			only ? `${models.map((model) => model.name).join(' and ')} only` : '',
		]
			.filter(Boolean)
			.join('; ');
		return {
			name,
			value,
			...(description ? { description } : {}),
			...(only ? { displayOptions: { show: { model: models.map((model) => model.id) } } } : {}),
		};
	});
}

const RESOLUTION_DESCRIPTIONS: Record<Resolution, string> = {
	'1K': 'About 1 megapixel, e.g. 1024x1024',
	'2K': 'About 4 megapixels; slower',
	'4K': 'About 16 megapixels; slowest, a PNG can be 30 MB or more',
};

const maxReferences = Math.max(...MODELS.map((model) => model.maxReferenceImages));

const properties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: MODELS.map((model) => ({ name: model.name, value: model.id, description: model.summary })),
		default: DEFAULT_MODEL_ID,
		description:
			'Which Nano Banana model makes the image. An expression must give a model ID, e.g. google/nano-banana-pro.',
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. A cinematic product photo of a ceramic lamp on a walnut desk',
		description:
			'What to create. With reference images, describe the edit, e.g. "Put this lamp in a sunny living room".',
		typeOptions: { rows: 4 },
	},
	{
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		options: aspectRatioOptions(),
		default: '1:1',
		description:
			'Shape of the generated image; the list shows the ratios of the chosen model. Auto lets the model choose, e.g. to match a reference image.',
	},
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'options',
		displayOptions: { show: { model: MODELS.filter((model) => model.resolutions).map((model) => model.id) } },
		options: RESOLUTIONS.map((value) => ({ name: value, value, description: RESOLUTION_DESCRIPTIONS[value] })),
		default: '1K',
		description: 'Size of the generated image. Higher resolutions take longer and make much larger files.',
	},
	{
		displayName: 'Reference Images',
		name: 'referenceImages',
		type: 'fixedCollection',
		placeholder: 'Add Reference Image',
		typeOptions: { multipleValues: true },
		default: {},
		description: `Public image URLs to edit or to take style, products or people from: up to ${MODELS.map((model) => `${model.maxReferenceImages} for ${model.name}`).join(', ')}. A field may also hold a list of URLs or text with one URL per line.`,
		options: [
			{
				displayName: 'Image',
				name: 'image',
				values: [
					{
						displayName: 'URL',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'https://example.com/product.png',
						description: `Public http(s) URL of the image (up to ${maxReferences}, depending on the model)`,
					},
				],
			},
		],
	},
	{
		displayName: 'Binary Reference Images',
		name: 'binaryReferences',
		type: 'string',
		default: '',
		placeholder: 'e.g. data or data, data_1',
		description:
			'Binary fields of the input item to edit or take from: an uploaded photo, an email attachment, a downloaded file, or the image of an earlier Nano Banana node. Separate several with commas; * takes every image of the item. They come before the Reference Images URLs, and the limit counts both.',
		hint: 'PNG, JPEG, WebP or GIF. How they reach Runbase: Options > Send Binary Images As.',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['generate'] } }, properties);

interface GenerateRequest {
	model: ModelSpec;
	resolution: Resolution;
	/** Without image_urls: the references are `binaries` first, then `urls`. */
	input: NanoBananaInput;
	binaries: BinaryReference[];
	urls: string[];
	/** How long a run is expected to take (First Check, or the model's usual time) until runs of this model and resolution have finished. */
	expectedRunMs: number;
	settings: RunSettings;
}

export const generate: Operation<GenerateRequest> = {
	async prepare(ctx: IExecuteFunctions, itemIndex: number, context: PrepareContext): Promise<GenerateRequest> {
		const node = ctx.getNode();
		const model = checkModel(node, itemIndex, ctx.getNodeParameter('model', itemIndex, DEFAULT_MODEL_ID));
		const prompt = checkPrompt(node, itemIndex, ctx.getNodeParameter('prompt', itemIndex, ''));
		const aspectRatio = checkAspectRatio(node, itemIndex, ctx.getNodeParameter('aspectRatio', itemIndex, '1:1'), model);
		const resolution = checkResolution(node, itemIndex, ctx.getNodeParameter('resolution', itemIndex, null), model);
		const fields = parseBinaryFieldNames(node, itemIndex, ctx.getNodeParameter('binaryReferences', itemIndex, ''));
		const urls = checkReferenceImages(node, itemIndex, ctx.getNodeParameter('referenceImages', itemIndex, {}), model, fields.length);
		const settings = readRunSettings(ctx, itemIndex);
		// Expected Generation Time, when set, wins; otherwise the guess for this model and resolution.
		const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const binaries =
			fields.length === 0
				? []
				: await readBinaryReferences(ctx, itemIndex, fields, {
						choice: checkBinaryRouteChoice(node, itemIndex, options.binaryRoute ?? 'auto'),
						apiHost: await context.apiHost(),
						linkSeconds: Math.ceil(settings.timeoutMs / 1000) + 60,
					});
		checkReferenceCount(node, itemIndex, model, binaries.length, urls.length);
		return {
			model,
			resolution,
			input: { prompt, aspect_ratio: aspectRatio, ...(model.resolutions ? { resolution } : {}) },
			binaries,
			urls,
			expectedRunMs: options.firstCheck === undefined ? expectedSeconds(model, resolution) * 1000 : settings.firstCheckMs,
			settings,
		};
	},

	async execute(job, { model, resolution, input, binaries, urls, expectedRunMs }) {
		const { itemIndex } = job;
		const references = [...binaries.map((binary) => binary.identity), ...urls];
		const fingerprint = fingerprintOf({ model: model.id, input, references });
		const askedFor = {
			model: model.id,
			resolution,
			prompt: input.prompt,
			aspectRatio: input.aspect_ratio,
			referenceImages: [...binaries.map((binary) => `binary:${binary.field}`), ...urls],
		};
		const kind = estimatorKey(model.id, resolution);
		const estimator = estimatorFor(kind);
		const { run: created, reused, deduplicated } = await startOnce(job, {
			fingerprint,
			model: model.id,
			kind,
			expectedRunMs: estimator.expectedMs(expectedRunMs),
			buildBody: async () => {
				const addresses = [...(await Promise.all(binaries.map((binary) => referenceAddress(job.ctx, itemIndex, binary)))), ...urls];
				return { model: model.id, input: { ...input, ...(addresses.length > 0 ? { image_urls: addresses } : {}) } };
			},
		});
		const item = await waitAndDeliver(job, created, reused, askedFor, estimator, expectedRunMs);
		if (deduplicated) item.json.reused = true;
		return item;
	},
};

async function waitAndDeliver(job: ItemJob, created: RunbaseRun, reused: boolean, askedFor: AskedFor, estimator: CompletionEstimator, expectedRunMs: number) {
	if (!job.settings.waitForCompletion) return await deliver(job, created, askedFor);
	const createdAt = Date.now();
	const run = await waitForRun(job, created.id, (tight) => (reused ? 0 : estimator.expectedMs(expectedRunMs, tight)));
	if (!reused) estimator.record(run, Date.now() - createdAt);
	return await deliver(job, { ...created, ...run }, askedFor, Date.now() - job.startedAt);
}
