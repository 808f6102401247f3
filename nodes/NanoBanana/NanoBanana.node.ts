import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as generate from './actions/generate.operation';
import * as getRun from './actions/getRun.operation';
import { outputProperties } from './actions/outputOptions.properties';
import { router } from './actions/router';
import { MODELS } from './helpers/models';

/** "up to 10 with Nano Banana, 14 with Nano Banana 2 and Nano Banana Pro", from the models' own limits. */
function referenceLimits(): string {
	const limits = [...new Set(MODELS.map((model) => model.maxReferenceImages))];
	const names = (limit: number) => MODELS.filter((model) => model.maxReferenceImages === limit).map((model) => model.name).join(' and ');
	return `up to ${limits.map((limit) => `${limit} with ${names(limit)}`).join(', ')}`;
}

export class NanoBanana implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Nano Banana',
		name: 'nanoBanana',
		icon: { light: 'file:nanoBanana.svg', dark: 'file:nanoBanana.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			// n8n's lint wants the subtitle written out; the default model here is DEFAULT_MODEL_ID's value.
			'={{ $parameter["operation"] === "getRun" ? "Get Run" : "Generate: " + String($parameter["model"] || "google/nano-banana").replace("google/", "") + ", " + $parameter["aspectRatio"] }}',
		description:
			"Generate and edit images with Google's Nano Banana, Nano Banana 2 and Nano Banana Pro (Gemini image models) through Runbase",
		defaults: { name: 'Nano Banana' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'runbaseApi', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Generate',
						value: 'generate',
						action: 'Generate or edit an image',
						description:
							`Create an image from a prompt, optionally editing or combining reference images (${referenceLimits()})`,
					},
					{
						name: 'Get Run',
						value: 'getRun',
						action: 'Get a run by ID',
						description:
							'Read a run started earlier: its status, cost and images, e.g. after a timeout',
					},
				],
				default: 'generate',
			},
			...generate.description,
			...getRun.description,
			...outputProperties,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
