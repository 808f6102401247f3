'use strict';
// Minimal PNG encoder: 8-bit RGB. encodePng: one zlib-compressed IDAT chunk.
// encodeBandedPng: a large image as parts to stream, built from one compressed band of rows.
const zlib = require('zlib');

const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		table[n] = c >>> 0;
	}
	return table;
})();

function crc32(buf) {
	let c = 0xffffffff;
	for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
	const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const out = Buffer.alloc(8 + data.length + 4);
	out.writeUInt32BE(data.length, 0);
	typeAndData.copy(out, 4);
	out.writeUInt32BE(crc32(typeAndData), 8 + data.length);
	return out;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * @param {number} width
 * @param {number} height
 * @param {Buffer} scanlines height rows of (1 filter byte + width*3 RGB bytes)
 * @param {number} [level] zlib level
 */
function encodePng(width, height, scanlines, level = 6) {
	if (scanlines.length !== height * (1 + width * 3)) throw new Error('scanline buffer has the wrong length');
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // colour type: truecolour RGB
	ihdr[10] = 0; // compression
	ihdr[11] = 0; // filter method
	ihdr[12] = 0; // no interlace
	return Buffer.concat([
		SIGNATURE,
		chunk('IHDR', ihdr),
		chunk('IDAT', zlib.deflateSync(scanlines, { level })),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

// ---- large images without large memory ---------------------------------------

const ADLER_MOD = 65521;

function adler32(buf, start = 1) {
	let a = start & 0xffff;
	let b = start >>> 16;
	for (let i = 0; i < buf.length; ) {
		const end = Math.min(buf.length, i + 3800); // no overflow before the modulo
		for (; i < end; i++) {
			a += buf[i];
			b += a;
		}
		a %= ADLER_MOD;
		b %= ADLER_MOD;
	}
	return ((b << 16) | a) >>> 0;
}

/** Adler-32 of data1 + data2 from adler32(data1), adler32(data2) and data2's length (zlib's adler32_combine). */
function adler32Combine(adler1, adler2, len2) {
	const rem = len2 % ADLER_MOD;
	let sum1 = adler1 & 0xffff;
	let sum2 = (rem * sum1) % ADLER_MOD;
	sum1 += (adler2 & 0xffff) + ADLER_MOD - 1;
	sum2 += (adler1 >>> 16) + (adler2 >>> 16) + ADLER_MOD - rem;
	if (sum1 >= ADLER_MOD) sum1 -= ADLER_MOD;
	if (sum1 >= ADLER_MOD) sum1 -= ADLER_MOD;
	if (sum2 >= ADLER_MOD * 2) sum2 -= ADLER_MOD * 2;
	if (sum2 >= ADLER_MOD) sum2 -= ADLER_MOD;
	return ((sum2 << 16) | sum1) >>> 0;
}

/**
 * A PNG whose rows are one band of scanlines repeated (plus a shorter last band), as a list
 * of Buffers to send in order. The band is deflated once, as a self-contained raw-deflate
 * segment ending in a sync flush; the same segment, repeated, is valid deflate data. Each
 * segment is its own IDAT chunk, so the same chunk bytes (and CRC) are reused: a 4K image
 * of tens of MB costs one band of memory and milliseconds to build.
 *
 * @param {number} width
 * @param {number} height
 * @param {(rows: number) => Buffer} bandScanlines `rows` rows of (1 filter byte + width*3 RGB bytes)
 * @param {{bandRows?: number, level?: number}} [opts]
 * @returns {{parts: Buffer[], size: number}}
 */
function encodeBandedPng(width, height, bandScanlines, { bandRows = 64, level = 1 } = {}) {
	const rowLen = 1 + width * 3;
	const full = Math.floor(height / bandRows);
	const restRows = height - full * bandRows;
	const segment = (rows) => {
		const raw = bandScanlines(rows);
		if (raw.length !== rows * rowLen) throw new Error('band has the wrong length');
		const data = zlib.deflateRawSync(raw, { level, finishFlush: zlib.constants.Z_SYNC_FLUSH });
		return { chunk: chunk('IDAT', data), adler: adler32(raw), length: raw.length };
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	const parts = [SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', Buffer.from([0x78, 0x01]))]; // zlib header, fastest
	let adler = 1;
	if (full > 0) {
		const band = segment(bandRows);
		for (let i = 0; i < full; i++) {
			parts.push(band.chunk);
			adler = adler32Combine(adler, band.adler, band.length);
		}
	}
	if (restRows > 0) {
		const rest = segment(restRows);
		parts.push(rest.chunk);
		adler = adler32Combine(adler, rest.adler, rest.length);
	}
	const tail = Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff, 0, 0, 0, 0]); // final empty stored block + Adler-32
	tail.writeUInt32BE(adler, 5);
	parts.push(chunk('IDAT', tail), chunk('IEND', Buffer.alloc(0)));
	return { parts, size: parts.reduce((n, p) => n + p.length, 0) };
}

module.exports = { encodePng, encodeBandedPng, crc32, adler32, adler32Combine };
