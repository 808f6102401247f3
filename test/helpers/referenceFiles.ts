/** Small real image files (and look-alikes) for reference-image tests, as binary input of the test items. */
import { createHash } from 'node:crypto';

// The simulator's PNG encoder (plain JavaScript).
const { encodePng } = require('../simulator/png') as { encodePng: (width: number, height: number, scanlines: Buffer) => Buffer };

/** A real PNG of `width` x `height`, one colour per seed. */
export function pngFile(width = 8, height = 8, seed = 1): Buffer {
	const scanlines = Buffer.alloc(height * (1 + width * 3));
	for (let row = 0; row < height; row++) scanlines.fill(seed * 37, row * (1 + width * 3) + 1, (row + 1) * (1 + width * 3));
	return encodePng(width, height, scanlines);
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** `$binary` entry for the test items node: bytes stored by n8n under this field. */
export function binaryInput(bytes: Buffer, mimeType = 'image/png', fileName = 'photo.png') {
	return { base64: bytes.toString('base64'), mimeType, fileName };
}

export const HTML_PAGE = Buffer.from('<!doctype html><html><body>Not found</body></html>');
