const EXTENSIONS: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/jpg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'image/avif': 'avif',
	'image/heic': 'heic',
};

/** Declared content types worth downloading; the file's first bytes must still be one of these formats (imageSignatures.ts). */
const RASTER_TYPES = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/webp', 'image/gif']);

export function isRasterImageType(mimeType: string): boolean {
	return RASTER_TYPES.has(mimeType);
}

export function extensionFor(mimeType: string): string {
	return EXTENSIONS[mimeType] ?? ((mimeType.split('/')[1] ?? '').replace(/[^a-z0-9]/gi, '') || 'bin');
}

/** `run_abc.png`, then `run_abc_1.png`, `run_abc_2.png` for further images of the same run. */
export function imageFileName(runId: string, index: number, mimeType: string): string {
	const base = runId.replace(/[^\w.-]/g, '_');
	return `${index === 0 ? base : `${base}_${index}`}.${extensionFor(mimeType)}`;
}

/** `data`, then `data_1`, `data_2`: the names n8n users expect for several files. */
export function binaryPropertyFor(name: string, index: number): string {
	return index === 0 ? name : `${name}_${index}`;
}
