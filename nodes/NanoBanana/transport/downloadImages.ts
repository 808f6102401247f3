import type { IBinaryKeyData, IExecuteFunctions } from 'n8n-workflow';

import { binaryPropertyFor, imageFileName, sniffImageType } from '../helpers/imageFiles';
import type { RunSettings } from '../helpers/interfaces';
import { runError } from '../helpers/runErrors';
import { wait } from '../helpers/wait';
import { backoffMs } from './retryPolicy';

const MAX_ATTEMPTS = 3;

interface Downloaded {
	data: Buffer;
	mimeType: string;
}

/** A reason the download failed, and whether trying again may help. */
class DownloadProblem {
	constructor(
		readonly reason: string,
		readonly transient: boolean,
	) {}
}

type ImageStream = AsyncIterable<Buffer> & { destroy?: () => void };

/** The finished run whose images are fetched, and the item they belong to. */
export interface DownloadJob {
	runId: string;
	urls: string[];
	itemIndex: number;
	settings: RunSettings;
}

/**
 * Downloads the images of a finished run into n8n binary data, one at a time so
 * memory holds at most one image per item. The request goes to the image host
 * without credentials: the API key is only ever sent to the API.
 */
export async function downloadImages(ctx: IExecuteFunctions, job: DownloadJob): Promise<IBinaryKeyData> {
	const binary: IBinaryKeyData = {};
	for (const [index, url] of job.urls.entries()) {
		const image = await downloadWithRetries(ctx, url, job);
		const fileName = imageFileName(job.runId, index, image.mimeType);
		try {
			binary[binaryPropertyFor(job.settings.binaryPropertyName, index)] = await ctx.helpers.prepareBinaryData(
				image.data,
				fileName,
				image.mimeType,
			);
		} catch (error) {
			throw failedDownload(ctx, job, `n8n could not store the image (${error.message})`, 'Check the free space and the binary data settings of your n8n instance.');
		}
	}
	return binary;
}

function failedDownload(ctx: IExecuteFunctions, job: DownloadJob, reason: string, advice: string) {
	return runError(ctx.getNode(), {
		message: `Run ${job.runId} succeeded, but downloading its image failed`,
		detail: `${reason}. ${advice}`,
		existence: 'exists',
		run: { runId: job.runId, status: 'succeeded', urls: job.urls },
		itemIndex: job.itemIndex,
		response: { reason },
	});
}

async function downloadWithRetries(ctx: IExecuteFunctions, url: string, job: DownloadJob): Promise<Downloaded> {
	const signal = ctx.getExecutionCancelSignal();
	for (let attempt = 1; ; attempt++) {
		const result = await downloadOnce(ctx, url, job.settings, signal);
		if (!(result instanceof DownloadProblem)) return result;
		signal?.throwIfAborted();
		if (result.transient && attempt < MAX_ATTEMPTS) {
			await wait(backoffMs(attempt), signal);
			continue;
		}
		throw failedDownload(ctx, job, result.reason, 'If the network is slow, raise Download Timeout in the options.');
	}
}

async function downloadOnce(
	ctx: IExecuteFunctions,
	url: string,
	settings: RunSettings,
	cancelSignal: AbortSignal | undefined,
): Promise<Downloaded | DownloadProblem> {
	const timeout = AbortSignal.timeout(settings.downloadTimeoutMs);
	const abortSignal = cancelSignal ? AbortSignal.any([cancelSignal, timeout]) : timeout;
	let stream: ImageStream | undefined;
	try {
		const response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			headers: { accept: 'image/*' },
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: settings.downloadTimeoutMs,
			abortSignal,
		})) as { statusCode: number; headers: Record<string, unknown>; body: ImageStream };
		stream = response.body;
		if (response.statusCode >= 300) {
			const transient = response.statusCode >= 500 || [408, 425, 429].includes(response.statusCode);
			return new DownloadProblem(`The image host answered HTTP ${response.statusCode}`, transient);
		}
		const declaredType = String(response.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
		if (declaredType && !declaredType.startsWith('image/') && declaredType !== 'application/octet-stream' && declaredType !== 'binary/octet-stream') {
			return new DownloadProblem(`The image host sent "${declaredType}" instead of an image`, false);
		}
		const declaredLength = Number(response.headers['content-length']);
		if (Number.isFinite(declaredLength) && declaredLength > settings.maxImageBytes) {
			return tooLarge(settings);
		}
		const chunks: Buffer[] = [];
		let size = 0;
		for await (const chunk of stream) {
			size += chunk.length;
			if (size > settings.maxImageBytes) return tooLarge(settings);
			chunks.push(chunk);
		}
		const data = Buffer.concat(chunks, size);
		const mimeType = declaredType.startsWith('image/') ? declaredType : sniffImageType(data);
		if (!mimeType) return new DownloadProblem('The image host sent a file that is not an image', false);
		if (size === 0) return new DownloadProblem('The image host sent an empty file', true);
		return { data, mimeType };
	} catch (error) {
		const cause = (error?.cause ?? error) as { code?: unknown; message?: unknown };
		const detail = timeout.aborted
			? `No complete image arrived within ${Math.round(settings.downloadTimeoutMs / 1000)} seconds`
			: `The connection to the image host failed (${String(cause.code ?? cause.message ?? 'unknown error')})`;
		return new DownloadProblem(detail, true);
	} finally {
		stream?.destroy?.();
	}
}

function tooLarge(settings: RunSettings): DownloadProblem {
	const megabytes = Math.round(settings.maxImageBytes / 1_000_000);
	return new DownloadProblem(`The image is larger than the ${megabytes} MB limit set in Max Image Size`, false);
}
