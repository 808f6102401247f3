'use strict';
// Minimal PNG encoder: 8-bit RGB, one zlib-compressed IDAT chunk.
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

module.exports = { encodePng, crc32 };
