'use strict';
// Output images by pixel size, generated once per (mode, size) and cached.
//  - up to MAX_WHOLE_PIXELS (every 1K size): one PNG Buffer, as before;
//  - larger (2K, 4K): a banded PNG (png.js encodeBandedPng) streamed from about one
//    compressed band of memory, built in milliseconds, with the full realistic byte size.
const { encodePng, encodeBandedPng } = require('./png');
const { mulberry32 } = require('./prng');
const { SIZES_1K, MODELS, sizeFor } = require('./models');

/** The documented 1K sizes of google/nano-banana (kept for older callers). */
const SIZES = Object.fromEntries(Object.entries(SIZES_1K).filter(([ratio]) => MODELS['google/nano-banana'].aspectRatios.includes(ratio)));
const ASPECT_RATIOS = MODELS['google/nano-banana'].aspectRatios;
const MAX_WHOLE_PIXELS = 2_000_000;
const BAND_ROWS = 64;

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
// 16:9 image lands near 2.2 MB at 1K (and near 35 MB at 4K), like the real service.
function realisticScanlines(width, height, seed = width * 7919 + height) {
	const rowLen = 1 + width * 3;
	const buf = Buffer.alloc(height * rowLen);
	const random = mulberry32(seed);
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

function build(realistic, width, height) {
	if (width * height <= MAX_WHOLE_PIXELS) {
		const png = realistic
			? encodePng(width, height, realisticScanlines(width, height), 1)
			: encodePng(width, height, smallScanlines(width, height), 9);
		return { png, parts: [png], size: png.length, width, height };
	}
	const band = realistic ? (rows) => realisticScanlines(width, rows, width * 7919 + height + rows) : (rows) => smallScanlines(width, rows);
	const { parts, size } = encodeBandedPng(width, height, band, { bandRows: BAND_ROWS, level: realistic ? 1 : 9 });
	return { png: null, parts, size, width, height };
}

const cache = new Map();

/**
 * @param {'small' | 'realistic'} mode
 * @param {string} [ratio] aspect ratio; 'auto' or none = 1:1
 * @param {string | null} [resolution] '1K' (default), '2K' (2x each side) or '4K' (4x)
 * @returns {{png: Buffer | null, parts: Buffer[], size: number, width: number, height: number}}
 *   `parts` concatenated are the PNG file (`png` too when it is one Buffer); `size` its byte length.
 */
function imageFor(mode, ratio, resolution) {
	const [width, height] = sizeFor(ratio, resolution);
	const realistic = mode === 'realistic';
	const key = `${realistic ? 'realistic' : 'small'}:${width}x${height}`;
	let image = cache.get(key);
	if (!image) {
		image = build(realistic, width, height);
		cache.set(key, image);
	}
	return image;
}

module.exports = { SIZES, ASPECT_RATIOS, sizeFor, imageFor };
