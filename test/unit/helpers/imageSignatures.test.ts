/**
 * A file is an image by its first bytes, not by what its sender declares, and a
 * file that is not one is described well enough to tell an error page from an SVG.
 */
import { describeNonImage, mayBecomeImage, SIGNATURE_BYTES, sniffImageType } from '../../../nodes/NanoBanana/helpers/imageSignatures';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(20)]);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(20)]);
const WEBP = Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8X', 'latin1'), Buffer.alloc(20)]);
const GIF87 = Buffer.concat([Buffer.from('GIF87a', 'latin1'), Buffer.alloc(20)]);
const GIF89 = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(20)]);

const SVG = '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>';
const HTML = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><svg class="logo"></svg></body></html>';

describe('sniffImageType', () => {
	test.each([
		['PNG', PNG, 'image/png'],
		['JPEG', JPEG, 'image/jpeg'],
		['WebP', WEBP, 'image/webp'],
		['GIF87a', GIF87, 'image/gif'],
		['GIF89a', GIF89, 'image/gif'],
	])('%s is recognised by its first bytes', (_, file, type) => {
		expect(sniffImageType(file)).toBe(type);
		expect(sniffImageType(file.subarray(0, SIGNATURE_BYTES))).toBe(type);
	});

	test.each([
		['HTML', Buffer.from(HTML)],
		['SVG', Buffer.from(SVG)],
		['JSON', Buffer.from('{"error":"not found"}')],
		['a WAVE file (RIFF, but not WebP)', Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'), Buffer.alloc(20)])],
		['AVIF', Buffer.from('0000001c6674797061766966', 'hex')],
		['a PNG signature with a broken line-ending check', Buffer.from('89504e470d0a0a0a', 'hex')],
		['an empty file', Buffer.alloc(0)],
	])('%s is not an image', (_, file) => {
		expect(sniffImageType(file)).toBeUndefined();
	});

	test('a start too short to tell is no image yet, but may become one', () => {
		expect(sniffImageType(PNG.subarray(0, 7))).toBeUndefined();
		expect(mayBecomeImage(PNG.subarray(0, 7))).toBe(true);
		expect(mayBecomeImage(WEBP.subarray(0, 6))).toBe(true);
		expect(mayBecomeImage(Buffer.alloc(0))).toBe(true);
		expect(mayBecomeImage(Buffer.from('<ht'))).toBe(false);
		expect(mayBecomeImage(PNG)).toBe(false);
	});
});

describe('describeNonImage', () => {
	test('an HTML page, also one that holds an inline SVG', () => {
		expect(describeNonImage(Buffer.from(HTML))).toEqual({ kind: 'an HTML page', start: '<!DOCTYPE html> <html><head><tit…' });
	});

	test('SVG behind an XML prolog', () => {
		expect(describeNonImage(Buffer.from(SVG))).toEqual({ kind: 'SVG text', start: '<?xml version="1.0" encoding="UT…' });
	});

	test('other text, after a byte order mark', () => {
		expect(describeNonImage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"error":"gone"}')]))).toEqual({ kind: 'text', start: '{"error":"gone"}' });
	});

	test('only printable ASCII of the host-chosen text is shown', () => {
		expect(describeNonImage(Buffer.from('<html>é\u202e</html>')).start).toBe('<html>??</html>');
	});

	test('binary data is shown as its first bytes in hex', () => {
		expect(describeNonImage(Buffer.from('0000001c6674797061766966', 'hex'))).toEqual({
			kind: 'binary data of another format',
			start: 'the bytes 00 00 00 1c 66 74 79 70',
		});
	});

	test('blank text', () => {
		expect(describeNonImage(Buffer.from(' \n\t '))).toEqual({ kind: 'text', start: 'white space' });
	});
});
