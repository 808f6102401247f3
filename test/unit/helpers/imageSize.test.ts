/**
 * Pixel sizes come from the image's own header, whatever its format, and a
 * header split over many chunks (or behind a large EXIF block) still reads.
 */
import { ImageMeter, readPixelSize } from '../../../nodes/NanoBanana/helpers/imageSize';

const u16be = (value: number) => Buffer.from([value >> 8, value & 0xff]);
const u16le = (value: number) => Buffer.from([value & 0xff, value >> 8]);
const u24le = (value: number) => Buffer.from([value & 0xff, (value >> 8) & 0xff, value >> 16]);

function png(width: number, height: number): Buffer {
	const ihdr = Buffer.alloc(25);
	ihdr.writeUInt32BE(13, 0);
	ihdr.write('IHDR', 4, 'latin1');
	ihdr.writeUInt32BE(width, 8);
	ihdr.writeUInt32BE(height, 12);
	ihdr.set([8, 2, 0, 0, 0], 16);
	return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), ihdr, Buffer.alloc(100)]);
}

/** A JPEG segment: marker, big-endian length (which counts itself), payload. */
const segment = (marker: number, payload: Buffer) => Buffer.concat([Buffer.from([0xff, marker]), u16be(payload.length + 2), payload]);

function jpeg(width: number, height: number, { exifBytes = 0, frameMarker = 0xc0 } = {}): Buffer {
	const parts = [Buffer.from([0xff, 0xd8]), segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'))];
	// EXIF and ICC data can fill whole 64 KB segments before the frame header.
	for (let left = exifBytes; left > 0; left -= 65_000) parts.push(segment(0xe1, Buffer.alloc(Math.min(left, 65_000), 0x45)));
	parts.push(segment(0xdb, Buffer.alloc(65, 1)));
	parts.push(segment(frameMarker, Buffer.concat([Buffer.from([8]), u16be(height), u16be(width), Buffer.from([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])])));
	parts.push(segment(0xda, Buffer.alloc(10)), Buffer.alloc(50, 0x77), Buffer.from([0xff, 0xd9]));
	return Buffer.concat(parts);
}

function riff(chunk: string, payload: Buffer): Buffer {
	const body = Buffer.concat([Buffer.from(chunk, 'latin1'), Buffer.from(new Uint32Array([payload.length]).buffer), payload]);
	return Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.from(new Uint32Array([body.length + 4]).buffer), Buffer.from('WEBP', 'latin1'), body]);
}

const webpExtended = (width: number, height: number) => riff('VP8X', Buffer.concat([Buffer.from([0x10, 0, 0, 0]), u24le(width - 1), u24le(height - 1), Buffer.alloc(20)]));

function webpLossless(width: number, height: number): Buffer {
	const bits = (width - 1) | ((height - 1) << 14);
	return riff('VP8L', Buffer.concat([Buffer.from([0x2f]), Buffer.from(new Uint32Array([bits >>> 0]).buffer), Buffer.alloc(20)]));
}

const webpLossy = (width: number, height: number) =>
	riff('VP8 ', Buffer.concat([Buffer.from([0x50, 0x05, 0x00, 0x9d, 0x01, 0x2a]), u16le(width), u16le(height), Buffer.alloc(20)]));

const gif = (width: number, height: number) => Buffer.concat([Buffer.from('GIF89a', 'latin1'), u16le(width), u16le(height), Buffer.alloc(20)]);

test.each([
	['PNG', png(5376, 3072), { width: 5376, height: 3072 }],
	['baseline JPEG', jpeg(4096, 2304), { width: 4096, height: 2304 }],
	['progressive JPEG (SOF2)', jpeg(1536, 672, { frameMarker: 0xc2 }), { width: 1536, height: 672 }],
	['JPEG behind 200 KB of EXIF', jpeg(3584, 4608, { exifBytes: 200_000 }), { width: 3584, height: 4608 }],
	['WebP, extended (VP8X)', webpExtended(12288, 1536), { width: 12288, height: 1536 }],
	['WebP, lossless (VP8L)', webpLossless(2048, 512), { width: 2048, height: 512 }],
	['WebP, lossy (VP8)', webpLossy(1344, 768), { width: 1344, height: 768 }],
	['GIF', gif(832, 1248), { width: 832, height: 1248 }],
])('%s: size from the header', (_, file, size) => {
	expect(readPixelSize(file)).toEqual(size);
});

test('a header cut short asks for more; other files have no size', () => {
	expect(readPixelSize(png(10, 10).subarray(0, 20))).toBe('more');
	expect(readPixelSize(jpeg(10, 10, { exifBytes: 70_000 }).subarray(0, 40_000))).toBe('more');
	expect(readPixelSize(Buffer.from('<html><body>Not found</body></html>'))).toBeUndefined();
	expect(readPixelSize(Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'), Buffer.alloc(30)]))).toBeUndefined();
});

test('the meter reads the size across chunks of any size and counts every byte', () => {
	const file = Buffer.concat([jpeg(4096, 4096, { exifBytes: 150_000 }), Buffer.alloc(1_000_000, 0x33)]);
	for (const chunkSize of [1, 7, 1000, 65_536]) {
		const meter = new ImageMeter();
		for (let offset = 0; offset < file.length; offset += chunkSize) meter.push(file.subarray(offset, offset + chunkSize));
		expect(meter.size).toEqual({ width: 4096, height: 4096 });
		expect(meter.bytes).toBe(file.length);
	}
});

test('the meter gives up past 1 MB of header instead of holding the whole file', () => {
	const meter = new ImageMeter();
	meter.push(jpeg(800, 600, { exifBytes: 1_200_000 }));
	expect(meter.size).toBeUndefined();
	const unknown = new ImageMeter();
	unknown.push(Buffer.alloc(5_000_000, 0x20));
	expect(unknown.size).toBeUndefined();
	expect(unknown.bytes).toBe(5_000_000);
});
