import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as generate from './actions/generate.operation';
import * as getRun from './actions/getRun.operation';
import { outputProperties } from './actions/outputOptions.properties';
import { router } from './actions/router';

export class NanoBanana implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Nano Banana',
		name: 'nanoBanana',
		icon: { light: 'file:nanoBanana.svg', dark: 'file:nanoBanana.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
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
							'Create an image from a prompt, optionally editing or combining reference images (up to 10, or 14 with Nano Banana 2 and Pro)',
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
