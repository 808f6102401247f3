import type { IBinaryData, IBinaryKeyData, IExecuteFunctions } from 'n8n-workflow';

import { binaryPropertyFor, imageFileName, isRasterImageType } from '../helpers/imageFiles';
import { describeNonImage, SIGNATURE_BYTES, sniffImageType } from '../helpers/imageSignatures';
import type { ImageFacts } from '../helpers/imageSize';
import { ImageMeter } from '../helpers/imageSize';
import type { RunSettings } from '../helpers/interfaces';
import { runError } from '../helpers/runErrors';
import { wait } from '../helpers/wait';
import type { BodyStream, DownloadJob } from './imageRequest';
import { DownloadProblem, fetchImage, peek } from './imageRequest';
import { isBlockedByN8n } from './n8nSsrf';
import { backoffMs } from './retryPolicy';

const MAX_ATTEMPTS = 3;
/** An image stored in n8n's binary data, and what it turned out to be. */
interface Stored {
	binary: IBinaryData;
	facts: Omit<ImageFacts, 'binaryProperty'>;
}

/** n8n itself failed to store the image (disk full, binary data settings): trying again will not help. */
class StoreProblem extends Error {}

/** The images of a run as n8n binary data, with each one's pixel size and bytes read from the image itself. */
export interface DownloadedImages {
	binary: IBinaryKeyData;
	images: ImageFacts[];
}

/**
 * Downloads the images of a finished run into n8n binary data, one at a time.
 * Each image streams from the host into n8n's binary data store, so memory holds
 * a few chunks per item, not whole images (a 4K PNG is tens of MB). The request
 * goes to the image host without credentials: the API key is only ever sent to the API.
 */
export async function downloadImages(ctx: IExecuteFunctions, job: DownloadJob): Promise<DownloadedImages> {
	const binary: IBinaryKeyData = {};
	const images: ImageFacts[] = [];
	for (const [index, url] of job.urls.entries()) {
		const binaryProperty = binaryPropertyFor(job.settings.binaryPropertyName, index);
		const stored = await downloadWithRetries(ctx, url, job, index);
		binary[binaryProperty] = stored.binary;
		images.push({ binaryProperty, ...stored.facts });
	}
	return { binary, images };
}

function failedDownload(ctx: IExecuteFunctions, job: DownloadJob, reason: string, advice: string) {
	return runError(ctx.getNode(), {
		message: `Run ${job.runId} succeeded, but downloading its image failed`,
		detail: [`${reason}.`, advice].filter(Boolean).join(' '),
		runStarted: 'started',
		run: { runId: job.runId, status: 'succeeded', urls: job.urls },
		itemIndex: job.itemIndex,
		response: { reason },
	});
}

async function downloadWithRetries(ctx: IExecuteFunctions, url: string, job: DownloadJob, index: number): Promise<Stored> {
	const { signal } = job;
	for (let attempt = 1; ; attempt++) {
		const result = await downloadOnce(ctx, url, job, index);
		if (result instanceof StoreProblem) {
			throw failedDownload(ctx, job, `n8n could not store the image (${result.message})`, 'Check the free space and the binary data settings of your n8n instance.');
		}
		if (!(result instanceof DownloadProblem)) return result;
		signal.throwIfAborted();
		if (result.transient && attempt < MAX_ATTEMPTS) {
			await wait(backoffMs(attempt), signal);
			continue;
		}
		throw failedDownload(ctx, job, result.reason, result.transient ? 'If the network is slow, raise Download Timeout in the options.' : '');
	}
}

function connectionProblem(error: unknown, timeout: AbortSignal, settings: RunSettings): DownloadProblem {
	if (error instanceof DownloadProblem) return error;
	if (isBlockedByN8n(error)) return new DownloadProblem("n8n's SSRF protection blocked the image address", false);
	const cause = ((error as { cause?: unknown })?.cause ?? error) as { code?: unknown; message?: unknown };
	const detail = timeout.aborted
		? `No complete image arrived within ${Math.round(settings.downloadTimeoutMs / 1000)} seconds`
		: `The connection to the image host failed (${String(cause?.code ?? cause?.message ?? 'unknown error')})`;
	return new DownloadProblem(detail, true);
}

async function downloadOnce(ctx: IExecuteFunctions, url: string, job: DownloadJob, index: number): Promise<Stored | DownloadProblem | StoreProblem> {
	const { settings } = job;
	const timeout = AbortSignal.timeout(settings.downloadTimeoutMs);
	const abortSignal = AbortSignal.any([job.signal, timeout]);
	let stream: BodyStream | undefined;
	try {
		const response = await fetchImage(ctx, url, job, abortSignal);
		if (response instanceof DownloadProblem) return response;
		stream = response.body;
		let hostError: unknown;
		stream.once('error', (error) => (hostError = error));
		if (response.statusCode >= 300) {
			const transient = response.statusCode >= 500 || [408, 425, 429].includes(response.statusCode);
			return new DownloadProblem(`The image host answered HTTP ${response.statusCode}`, transient);
		}
		const declaredType = String(response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
		const octetStream = declaredType === 'application/octet-stream' || declaredType === 'binary/octet-stream';
		if (declaredType && !isRasterImageType(declaredType) && !octetStream) {
			return new DownloadProblem(`The image host sent "${declaredType}" instead of a PNG, JPEG, WebP or GIF image`, false);
		}
		const declaredLength = Number(response.headers['content-length']);
		if (Number.isFinite(declaredLength) && declaredLength > settings.maxImageBytes) {
			return tooLarge(settings);
		}
		const { head, whole } = await peek(stream, SIGNATURE_BYTES);
		if (head.length === 0) return new DownloadProblem('The image host sent an empty file', true);
		// The first bytes decide, not the declared type: an error page or an SVG may be labelled image/png.
		const mimeType = sniffImageType(head);
		if (!mimeType) return notAnImage(declaredType, head);

		// The bytes stream on into n8n's binary data store, counted and measured on the way, never collected here.
		const meter = new ImageMeter();
		const measure = (chunk: Buffer) => {
			meter.push(chunk);
			if (meter.bytes > settings.maxImageBytes) throw tooLarge(settings);
			return chunk;
		};
		const body = whole ? measure(head) : stream.map(measure);
		let binary: IBinaryData;
		try {
			binary = await ctx.helpers.prepareBinaryData(body as Parameters<typeof ctx.helpers.prepareBinaryData>[0], imageFileName(job.runId, index, mimeType), mimeType);
		} catch (error) {
			if (error instanceof DownloadProblem) return error;
			const fromHost = hostError !== undefined || timeout.aborted || (error as { code?: unknown })?.code === 'ERR_STREAM_PREMATURE_CLOSE';
			if (fromHost) return connectionProblem(hostError ?? error, timeout, settings);
			return new StoreProblem(error instanceof Error ? error.message : String(error));
		}
		const size = meter.size;
		return { binary, facts: { mimeType, width: size?.width ?? null, height: size?.height ?? null, bytes: meter.bytes } };
	} catch (error) {
		return connectionProblem(error, timeout, settings);
	} finally {
		stream?.destroy();
	}
}

function notAnImage(declaredType: string, head: Buffer): DownloadProblem {
	const { kind, start } = describeNonImage(head);
	const sent = declaredType ? `The image host sent "${declaredType}", but the file is ${kind}` : `The image host sent ${kind}`;
	return new DownloadProblem(`${sent}, not a PNG, JPEG, WebP or GIF image (it began with ${start})`, false);
}

function tooLarge(settings: RunSettings): DownloadProblem {
	const megabytes = Math.round(settings.maxImageBytes / 1_000_000);
	return new DownloadProblem(`The image is larger than the ${megabytes} MB limit set in Max Image Size`, false);
}
