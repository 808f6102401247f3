import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ASPECT_RATIOS, MODEL_ID } from '../helpers/constants';
import type { NanoBananaInput, RunbaseRun, RunSettings } from '../helpers/interfaces';
import { checkAspectRatio, checkPrompt, checkReferenceImages } from '../helpers/validation';
import { estimatorFor } from '../lifecycle/completionEstimator';
import { deliver } from '../lifecycle/deliver';
import { waitForRun } from '../lifecycle/waitForRun';
import type { Operation } from './operation';
import { readRunSettings } from './outputOptions';

const ASPECT_RATIO_NAMES: Record<string, string> = {
	'1:1': 'Square 1:1 (1024x1024)',
	'2:3': 'Portrait 2:3 (832x1248)',
	'3:2': 'Landscape 3:2 (1248x832)',
	'3:4': 'Portrait 3:4 (864x1184)',
	'4:3': 'Landscape 4:3 (1184x864)',
	'4:5': 'Portrait 4:5 (896x1152)',
	'5:4': 'Landscape 5:4 (1152x896)',
	'9:16': 'Vertical 9:16 (768x1344)',
	'16:9': 'Widescreen 16:9 (1344x768)',
	'21:9': 'Ultrawide 21:9 (1536x672)',
	auto: 'Auto (Model Decides)',
};

const properties: INodeProperties[] = [
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
		options: ASPECT_RATIOS.map((value) => ({ name: ASPECT_RATIO_NAMES[value], value })),
		default: '1:1',
		description: 'Shape of the generated image. Auto lets the model choose, e.g. to match a reference image.',
	},
	{
		displayName: 'Reference Images',
		name: 'referenceImages',
		type: 'fixedCollection',
		placeholder: 'Add Reference Image',
		typeOptions: { multipleValues: true },
		default: {},
		description:
			'Up to 10 public image URLs to edit or to take style, products or people from. A field may also hold a list of URLs or text with one URL per line.',
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
						description: 'Public http(s) URL of the image',
					},
				],
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { operation: ['generate'] } }, properties);

interface GenerateRequest {
	input: NanoBananaInput;
	settings: RunSettings;
}

export const generate: Operation<GenerateRequest> = {
	prepare(ctx: IExecuteFunctions, itemIndex: number): GenerateRequest {
		const node = ctx.getNode();
		const imageUrls = checkReferenceImages(node, itemIndex, ctx.getNodeParameter('referenceImages', itemIndex, {}));
		return {
			input: {
				prompt: checkPrompt(node, itemIndex, ctx.getNodeParameter('prompt', itemIndex, '')),
				aspect_ratio: checkAspectRatio(node, itemIndex, ctx.getNodeParameter('aspectRatio', itemIndex, '1:1')),
				...(imageUrls.length > 0 ? { image_urls: imageUrls } : {}),
			},
			settings: readRunSettings(ctx, itemIndex),
		};
	},

	async execute(job, { input, settings }) {
		const { client, ledger, itemIndex } = job;
		const body = { model: MODEL_ID, input: { ...input } };
		const fingerprint = JSON.stringify(body);
		const echo = { prompt: input.prompt, aspectRatio: input.aspect_ratio, referenceImages: input.image_urls ?? [] };
		// n8n's Retry On Fail runs the node again: an item whose run already exists collects it instead of paying twice.
		const reused = ledger.reusable(itemIndex, fingerprint);
		let created: RunbaseRun;
		if (reused) {
			created = { id: reused.runId, status: reused.status, model: MODEL_ID };
		} else {
			created = await client.createRun(body, { itemIndex, deadline: job.deadline, timeoutMs: settings.requestTimeoutMs });
			ledger.recordCreated(itemIndex, fingerprint, created.id, created.status);
		}
		if (!settings.waitForCompletion) return await deliver(job, created, echo);
		const createdAt = Date.now();
		const estimator = estimatorFor(MODEL_ID);
		const firstCheckAt = reused ? createdAt : createdAt + estimator.expectedMs(settings.firstCheckMs, client.hasRoomToSpare());
		const run = await waitForRun(job, created.id, firstCheckAt);
		if (!reused) estimator.record(run, Date.now() - createdAt);
		return await deliver(job, { ...created, ...run }, echo, Date.now() - job.startedAt);
	},
};
