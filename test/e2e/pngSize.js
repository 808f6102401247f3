// @ts-check
'use strict';
// Pixel size of a PNG (IHDR) or JPEG (SOF marker) image.
/**
 * @param {Buffer} buffer
 * @returns {{ width: number, height: number } | undefined}
 */
function imageSize(buffer) {
	if (buffer.length > 24 && buffer.readUInt32BE(0) === 0x89504e47) {
		return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
	}
	if (buffer[0] === 0xff && buffer[1] === 0xd8) {
		let offset = 2;
		while (offset + 9 < buffer.length) {
			const marker = buffer[offset + 1];
			const length = buffer.readUInt16BE(offset + 2);
			if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
				return { width: buffer.readUInt16BE(offset + 7), height: buffer.readUInt16BE(offset + 5) };
			}
			offset += 2 + length;
		}
	}
	return undefined;
}

module.exports = { imageSize };
