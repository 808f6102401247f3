import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { RunSettings } from '../helpers/interfaces';
import { runFailedError } from '../helpers/runErrors';
import { checkRunId } from '../helpers/validation';
import { deliver } from '../lifecycle/deliver';
import { isFinished, waitForRun } from '../lifecycle/waitForRun';
import type { Operation } from '../lifecycle/operation';
import { readRunSettings } from '../helpers/readSettings';

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
		return {
			runId: checkRunId(ctx.getNode(), itemIndex, ctx.getNodeParameter('runId', itemIndex, '')),
			settings: readRunSettings(ctx, itemIndex),
		};
	},

	async execute(job, { runId, settings }) {
		const { client, itemIndex, deadline } = job;
		const first = await client.getRun(runId, {
			itemIndex,
			deadline,
			timeoutMs: settings.requestTimeoutMs,
			priority: job.startedAt,
		});
		let run = first.run ?? (await waitForRun(job, runId, () => 0));
		if (settings.waitForCompletion) {
			if (!isFinished(run)) run = await waitForRun(job, runId, () => settings.pollIntervalMs);
			if (run.status === 'failed') throw runFailedError(job.ctx.getNode(), run, itemIndex);
		}
		return await deliver(job, run, {});
	},
};
