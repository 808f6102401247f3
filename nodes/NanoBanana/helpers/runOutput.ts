import type { IDataObject } from 'n8n-workflow';

import type { ImageFacts } from './imageSize';
import type { RunbaseRun } from './interfaces';
import { failureReason } from './runErrors';

/** What the user asked for (model, resolution, prompt, ...), echoed in the output so a downstream node can use it. */
export type AskedFor = IDataObject;

function seconds(ms: number): number {
	return Math.round(ms / 100) / 10;
}

/**
 * The JSON of an output item: run id, status, model, what was asked for, cost in
 * dollars, URLs and timings. The model is the one Runbase names (Get Run reports
 * models this node does not know), else the one asked for.
 */
export function describeRun(run: RunbaseRun, askedFor: AskedFor, urls: string[] | undefined, elapsedMs?: number): IDataObject {
	const created = Date.parse(run.createdAt ?? '');
	const completed = Date.parse(run.completedAt ?? '');
	const { model: askedModel, ...asked } = askedFor;
	const json: IDataObject = {
		runId: run.id,
		status: run.status,
		model: typeof run.model === 'string' && run.model !== '' ? run.model : askedModel,
		...asked,
	};
	if (urls) json.urls = urls;
	if (run.status === 'failed') json.error = failureReason(run.error);
	if (typeof run.costUsd === 'number') json.costUsd = run.costUsd / 1_000_000;
	if (run.createdAt) json.createdAt = run.createdAt;
	if (run.completedAt) json.completedAt = run.completedAt;
	if (Number.isFinite(completed - created)) json.generationSeconds = seconds(completed - created);
	if (elapsedMs !== undefined) json.elapsedSeconds = seconds(elapsedMs);
	return json;
}

/**
 * Pixel size and bytes of the downloaded images, read from the images themselves:
 * the first image's at the top, and every image's in `images` when a run made several.
 */
export function describeImages(images: ImageFacts[]): IDataObject {
	const [first] = images;
	if (!first) return {};
	const json: IDataObject = { width: first.width, height: first.height, bytes: first.bytes };
	if (images.length > 1) json.images = images.map((image) => ({ ...image }));
	return json;
}
