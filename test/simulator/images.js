'use strict';
// Output images by aspect ratio, generated once per (mode, ratio) and cached.
const { encodePng } = require('./png');
const { mulberry32 } = require('./prng');

const SIZES = {
	'1:1': [1024, 1024],
	'2:3': [832, 1248],
	'3:2': [1248, 832],
	'3:4': [864, 1184],
	'4:3': [1184, 864],
	'4:5': [896, 1152],
	'5:4': [1152, 896],
	'9:16': [768, 1344],
	'16:9': [1344, 768],
	'21:9': [1536, 672],
};
const ASPECT_RATIOS = [...Object.keys(SIZES), 'auto'];

/** 'auto' and a missing ratio both give 1024x1024. */
function sizeFor(ratio) {
	return SIZES[ratio] || SIZES['1:1'];
}

// Vertical gradient; every row is one repeated colour, so it deflates to a few KB.
function smallScanlines(width, height) {
	const rowLen = 1 + width * 3;
	const buf = Buffer.alloc(height * rowLen);
	for (let y = 0; y < height; y++) {
		const v = Math.round((y / Math.max(1, height - 1)) * 255);
		const row = y * rowLen;
		for (let x = 0; x < width; x++) {
			const p = row + 1 + x * 3;
			buf[p] = 40 + (v >> 2);
			buf[p + 1] = 90 + (v >> 1);
			buf[p + 2] = 255 - (v >> 1);
		}
	}
	return buf;
}

// Noise on a vertical gradient. Each row uses three 16-value ranges (one per
// channel), about 5.6 bits of entropy per byte that deflate cannot remove, so a
// 16:9 image lands near 2.2 MB, like the real service.
function realisticScanlines(width, height) {
	const rowLen = 1 + width * 3;
	const buf = Buffer.alloc(height * rowLen);
	const random = mulberry32(width * 7919 + height);
	for (let y = 0; y < height; y++) {
		const row = y * rowLen;
		const g = Math.floor((y / height) * 200);
		const base = [30 + g, 60 + (g >> 1), 220 - (g >> 1)];
		for (let x = 0; x < width; x++) {
			const p = row + 1 + x * 3;
			const bits = (random() * 0x1000) >>> 0; // 12 random bits, 4 per channel
			buf[p] = base[0] + (bits & 15);
			buf[p + 1] = base[1] + ((bits >>> 4) & 15);
			buf[p + 2] = base[2] + ((bits >>> 8) & 15);
		}
	}
	return buf;
}

const cache = new Map();

/** @returns {{png: Buffer, width: number, height: number}} */
function imageFor(mode, ratio) {
	const [width, height] = sizeFor(ratio);
	const realistic = mode === 'realistic';
	const key = `${realistic ? 'realistic' : 'small'}:${width}x${height}`;
	let image = cache.get(key);
	if (!image) {
		const png = realistic
			? encodePng(width, height, realisticScanlines(width, height), 1)
			: encodePng(width, height, smallScanlines(width, height), 9);
		image = { png, width, height };
		cache.set(key, image);
	}
	return image;
}

module.exports = { SIZES, ASPECT_RATIOS, sizeFor, imageFor };
