import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { RunSettings } from '../helpers/interfaces';
import { runOutputItem } from '../helpers/output';
import { isFinished, runFailedError, waitForRun } from '../helpers/waitForRun';
import { readRunSettings } from './options.description';
import type { ExecutionServices, Operation } from './services';

const properties: INodeProperties[] = [
	{
		displayName: 'Run ID',
		name: 'runId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. run_2abc...',
		description:
			'ID of a run started earlier, e.g. from the runId field of a Generate output or from an error message',
	},
];

export const description = updateDisplayOptions({ show: { operation: ['getRun'] } }, properties);

interface GetRunRequest {
	runId: string;
	settings: RunSettings;
}

export const getRun: Operation<GetRunRequest> = {
	prepare(ctx: IExecuteFunctions, itemIndex: number): GetRunRequest {
		const value = ctx.getNodeParameter('runId', itemIndex, '');
		if (typeof value !== 'string') {
			throw new NodeOperationError(
				ctx.getNode(),
				`The run ID is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not text like run_2abc... [item ${itemIndex}]`,
				{ description: 'Map the runId field of an earlier Generate output, e.g. {{ $json.runId }}.', itemIndex },
			);
		}
		const runId = value.trim();
		if (runId === '') {
			throw new NodeOperationError(ctx.getNode(), `The run ID is empty [item ${itemIndex}]`, {
				description: 'Enter the ID of a run, e.g. map the runId field of an earlier Generate output.',
				itemIndex,
			});
		}
		return { runId, settings: readRunSettings(ctx, itemIndex) };
	},

	async execute(
		ctx: IExecuteFunctions,
		{ runId, settings }: GetRunRequest,
		itemIndex: number,
		{ client }: ExecutionServices,
	): Promise<INodeExecutionData> {
		const startedAt = Date.now();
		const schedule = {
			firstCheckAt: startedAt + settings.pollIntervalMs,
			deadline: startedAt + settings.timeoutMs,
		};
		let run = await client.getRun(runId, itemIndex, {
			timeoutMs: settings.requestTimeoutMs,
			priority: startedAt,
			deadline: schedule.deadline,
		});
		if (settings.waitForCompletion) {
			if (!isFinished(run)) run = await waitForRun(ctx, client, runId, itemIndex, settings, schedule);
			if (run.status === 'failed') throw runFailedError(ctx, run, itemIndex);
		}
		return await runOutputItem(ctx, run, itemIndex, settings, {});
	},
};
