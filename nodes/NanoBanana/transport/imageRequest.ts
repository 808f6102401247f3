/** One image request: where it may go (checked again at every redirect), and reading the first bytes of its body. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { hostAndPort, isRestrictedHost } from '../helpers/addressPolicy';
import type { RunSettings } from '../helpers/interfaces';
import { isWebAddress } from '../helpers/webAddress';

const MAX_REDIRECTS = 5;

/** A reason the download failed, and whether trying again may help. */
export class DownloadProblem extends Error {
	constructor(
		readonly reason: string,
		readonly transient: boolean,
	) {
		super(reason);
	}
}

/**
 * The parts of the response body (a Node.js Readable) used here. Community
 * nodes may not import node:stream, so the body's own methods do the work.
 */
export interface BodyStream {
	iterator(options: { destroyOnReturn: boolean }): AsyncIterator<Buffer>;
	unshift(chunk: Buffer): void;
	/** A new Readable of `transform`'s results; a throw in `transform` ends it with that error. */
	map(transform: (chunk: Buffer) => Buffer): BodyStream;
	once(event: 'error', listener: (error: unknown) => void): unknown;
	destroy(): void;
}

/** The finished run whose images are fetched, and the item they belong to. */
export interface DownloadJob {
	runId: string;
	urls: string[];
	itemIndex: number;
	settings: RunSettings;
	/** The API's own host and port: downloads may go there even when it is a private address (self-hosted gateways, tests). */
	apiHostAndPort: string;
	/** The item's signal: aborted when the execution is cancelled or has decided to fail. */
	signal: AbortSignal;
}

/** Image URLs and every redirect stay off loopback, private, link-local and metadata addresses. */
function refusedAddress(url: string, job: DownloadJob): DownloadProblem | undefined {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return new DownloadProblem(`The image address "${url.slice(0, 80)}" is not a web address`, false);
	}
	if (!isWebAddress(parsed)) {
		return new DownloadProblem(`The image address uses "${parsed.protocol}", but only http and https are downloaded`, false);
	}
	if (hostAndPort(parsed.href) !== job.apiHostAndPort && isRestrictedHost(parsed.hostname)) {
		return new DownloadProblem(`The image address ${parsed.origin} is a local, private or metadata address, which the node never downloads from`, false);
	}
	return undefined;
}

export type ImageResponse = { statusCode: number; headers: Record<string, unknown>; body: BodyStream };

/** GETs an image, following redirects one by one so that each target is checked before it is contacted. */
export async function fetchImage(ctx: IExecuteFunctions, url: string, job: DownloadJob, abortSignal: AbortSignal): Promise<ImageResponse | DownloadProblem> {
	let target = url;
	for (let redirects = 0; ; redirects++) {
		const refused = refusedAddress(target, job);
		if (refused) return refused;
		const response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url: target,
			headers: { accept: 'image/png, image/jpeg, image/webp, image/gif' },
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: job.settings.downloadTimeoutMs,
			abortSignal,
		})) as ImageResponse;
		const location = response.headers.location;
		if (response.statusCode < 300 || response.statusCode >= 400 || typeof location !== 'string') return response;
		response.body.destroy();
		if (redirects >= MAX_REDIRECTS) return new DownloadProblem(`The image host redirected more than ${MAX_REDIRECTS} times`, false);
		target = new URL(location, target).toString();
	}
}

/** The first `bytes` of the body, put back so that the body still yields the whole file; `whole` when the file ended sooner. */
export async function peek(body: BodyStream, bytes: number): Promise<{ head: Buffer; whole: boolean }> {
	const iterator = body.iterator({ destroyOnReturn: false });
	const chunks: Buffer[] = [];
	let size = 0;
	let whole = false;
	while (size < bytes) {
		const next = await iterator.next();
		if (next.done) {
			whole = true;
			break;
		}
		chunks.push(next.value);
		size += next.value.length;
	}
	await iterator.return?.();
	const head = Buffer.concat(chunks, size);
	if (!whole) body.unshift(head);
	return { head, whole };
}
