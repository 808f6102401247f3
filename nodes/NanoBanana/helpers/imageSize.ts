import type { ImageType } from './imageSignatures';
import { mayBecomeImage, sniffImageType } from './imageSignatures';

/**
 * Pixel size read from an image's own header (PNG IHDR, JPEG SOF, WebP, GIF),
 * never assumed from the aspect ratio: Runbase leaves 2K and 4K sizes unspecified.
 */
export interface PixelSize {
	width: number;
	height: number;
}

/** What one downloaded image turned out to be. `null` sides: the header did not say. */
export interface ImageFacts {
	binaryProperty: string;
	mimeType: string;
	width: number | null;
	height: number | null;
	bytes: number;
}

/** `more`: the bytes so far are the start of a known format, but its size comes later. */
export type SizeReading = PixelSize | 'more' | undefined;

function ascii(head: Buffer, start: number, end: number): string {
	return head.toString('latin1', start, end);
}

function pngSize(head: Buffer): SizeReading {
	if (head.length < 24) return 'more';
	if (ascii(head, 12, 16) !== 'IHDR') return undefined;
	return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

/** Start-of-frame markers carry the size: C0 to CF, except C4 (DHT), C8 (JPG) and CC (DAC). */
function isStartOfFrame(marker: number): boolean {
	return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Walks the JPEG segments (skipping EXIF, ICC and the like by their length) to the first start of frame. */
function jpegSize(head: Buffer): SizeReading {
	let offset = 2;
	for (;;) {
		while (offset < head.length && head[offset] === 0xff && head[offset + 1] === 0xff) offset++;
		if (offset + 4 > head.length) return 'more';
		if (head[offset] !== 0xff) return undefined;
		const marker = head[offset + 1];
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			offset += 2;
			continue;
		}
		if (marker === 0xd9 || marker === 0xda) return undefined;
		if (isStartOfFrame(marker)) {
			if (offset + 9 > head.length) return 'more';
			return { width: head.readUInt16BE(offset + 7), height: head.readUInt16BE(offset + 5) };
		}
		offset += 2 + head.readUInt16BE(offset + 2);
	}
}

function webpSize(head: Buffer): SizeReading {
	if (head.length < 30) return 'more';
	const chunk = ascii(head, 12, 16);
	if (chunk === 'VP8X') return { width: head.readUIntLE(24, 3) + 1, height: head.readUIntLE(27, 3) + 1 };
	if (chunk === 'VP8L') {
		if (head[20] !== 0x2f) return undefined;
		const bits = head.readUInt32LE(21);
		return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
	}
	if (chunk === 'VP8 ') {
		if (head[23] !== 0x9d || head[24] !== 0x01 || head[25] !== 0x2a) return undefined;
		return { width: head.readUInt16LE(26) & 0x3fff, height: head.readUInt16LE(28) & 0x3fff };
	}
	return undefined;
}

function gifSize(head: Buffer): SizeReading {
	return head.length < 10 ? 'more' : { width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
}

const SIZE_READERS: Record<ImageType, (head: Buffer) => SizeReading> = {
	'image/png': pngSize,
	'image/jpeg': jpegSize,
	'image/webp': webpSize,
	'image/gif': gifSize,
};

/** The pixel size in `head`, the first bytes of an image file. */
export function readPixelSize(head: Buffer): SizeReading {
	const type = sniffImageType(head);
	if (!type) return mayBecomeImage(head) ? 'more' : undefined;
	return SIZE_READERS[type](head);
}

/** A JPEG's size may sit behind large EXIF or ICC segments; past this much, it is reported as unknown. */
const HEAD_LIMIT = 1024 * 1024;

/**
 * Counts an image's bytes and reads its pixel size while it streams past,
 * keeping only the header bytes it still needs (at most 1 MB). The header is
 * parsed again each time it has doubled, so tiny chunks cost no more than large ones.
 */
export class ImageMeter {
	bytes = 0;

	private head: Buffer[] = [];

	private headBytes = 0;

	private parsedAt = 0;

	private reading: SizeReading = 'more';

	push(chunk: Buffer): void {
		this.bytes += chunk.length;
		if (this.reading !== 'more' || this.headBytes >= HEAD_LIMIT) return;
		const part = chunk.subarray(0, HEAD_LIMIT - this.headBytes);
		this.head.push(part);
		this.headBytes += part.length;
		if (this.headBytes >= Math.max(32, 2 * this.parsedAt) || this.headBytes >= HEAD_LIMIT) this.parse();
	}

	get size(): PixelSize | undefined {
		if (this.reading === 'more' && this.headBytes > this.parsedAt) this.parse();
		return this.reading === 'more' ? undefined : this.reading;
	}

	private parse(): void {
		const head = Buffer.concat(this.head, this.headBytes);
		this.head = [head];
		this.parsedAt = this.headBytes;
		this.reading = readPixelSize(head);
		if (this.reading === 'more' && this.headBytes >= HEAD_LIMIT) this.reading = undefined;
		if (this.reading !== 'more') this.head = [];
	}
}
