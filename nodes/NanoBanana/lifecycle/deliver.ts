import type { INodeExecutionData } from 'n8n-workflow';

import type { RunbaseRun } from '../helpers/interfaces';
import type { AskedFor } from '../helpers/runOutput';
import { describeImages, describeRun } from '../helpers/runOutput';
import { downloadImages } from '../transport/downloadImages';
import { imageUrls } from '../transport/runAnswer';
import type { ItemJob } from './itemJob';

/** The output item for a run: JSON always, images as binary data (with their pixel size and bytes) when Return As asks for them. */
export async function deliver(job: ItemJob, run: RunbaseRun, askedFor: AskedFor, elapsedMs?: number): Promise<INodeExecutionData> {
	const { ctx, itemIndex, settings } = job;
	const pairedItem = { item: itemIndex };
	if (run.status !== 'succeeded') return { json: describeRun(run, askedFor, undefined, elapsedMs), pairedItem };
	const urls = imageUrls(ctx.getNode(), run, itemIndex);
	const json = describeRun(run, askedFor, urls, elapsedMs);
	if (settings.returnAs !== 'binary') return { json, pairedItem };
	const { binary, images } = await downloadImages(ctx, { runId: run.id, urls, itemIndex, settings, apiHostAndPort: job.client.apiHostAndPort, signal: job.signal });
	return { json: { ...json, ...describeImages(images) }, binary, pairedItem };
}
