const EXTENSIONS: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/jpg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'image/avif': 'avif',
	'image/heic': 'heic',
};

/** The raster formats the node accepts; anything else (SVG can carry script) is refused. */
const RASTER_TYPES = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/webp', 'image/gif']);

export function isRasterImageType(mimeType: string): boolean {
	return RASTER_TYPES.has(mimeType);
}

/** Recognises the image formats a CDN may send without a proper content type. */
export function sniffImageType(head: Buffer): string | undefined {
	if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47) return 'image/png';
	if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
	if (head.length >= 6 && head.toString('latin1', 0, 4) === 'GIF8') return 'image/gif';
	if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') {
		return 'image/webp';
	}
	return undefined;
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
