import type { IDataObject, INode } from 'n8n-workflow';

import type { RunbaseRun } from './interfaces';
import { failureReason, runError } from './runErrors';

/** What the user asked for, echoed in the output so a downstream node can use it. */
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

/** The JSON of an output item: run id, status, cost in dollars, URLs and timings. */
export function describeRun(run: RunbaseRun, echo: RequestEcho, urls: string[] | undefined, elapsedMs?: number): IDataObject {
	const created = Date.parse(run.createdAt ?? '');
	const completed = Date.parse(run.completedAt ?? '');
	const json: IDataObject = {
		runId: run.id,
		status: run.status,
		model: run.model,
		...echo,
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
