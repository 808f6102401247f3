import type { IDataObject, INode } from 'n8n-workflow';

import type { ImageFacts } from './imageSize';
import type { RunbaseRun } from './interfaces';
import { failureReason, runError } from './runErrors';

/** What the user asked for (model, resolution, prompt, ...), echoed in the output so a downstream node can use it. */
export type RequestEcho = IDataObject;

/** The image URLs of a succeeded run; a success without usable URLs breaks the API contract. */
export function imageUrls(node: INode, run: RunbaseRun, itemIndex: number): string[] {
	const urls = run.output?.urls;
	const usable =
		Array.isArray(urls) &&
		urls.length > 0 &&
		urls.every((url) => typeof url === 'string' && /^https?:\/\//i.test(url));
	if (usable) return urls as string[];
	const found = Array.isArray(urls)
		? urls.length === 0
			? 'an empty list'
			: 'a list with entries that are not http(s) URLs'
		: urls === undefined
			? 'missing'
			: typeof urls;
	throw runError(node, {
		message: `Runbase reported run ${run.id} as succeeded but sent no usable image URLs (output.urls was ${found})`,
		detail: `Try the Get Run operation with run ID ${run.id} in a minute. If the URLs are still missing, contact Runbase support with the run ID.`,
		existence: 'exists',
		run: { runId: run.id, status: run.status },
		itemIndex,
	});
}

function seconds(ms: number): number {
	return Math.round(ms / 100) / 10;
}

/**
 * The JSON of an output item: run id, status, model, what was asked for, cost in
 * dollars, URLs and timings. The model is the one Runbase names (Get Run reports
 * models this node does not know), else the one asked for.
 */
export function describeRun(run: RunbaseRun, echo: RequestEcho, urls: string[] | undefined, elapsedMs?: number): IDataObject {
	const created = Date.parse(run.createdAt ?? '');
	const completed = Date.parse(run.completedAt ?? '');
	const { model: askedModel, ...asked } = echo;
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
