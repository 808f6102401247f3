/** The pure rules of binary reference images: which fields, which route, which sizes. */
import type { INode } from 'n8n-workflow';

import {
	checkBinaryReferenceSize,
	checkInlineRequestSize,
	chooseBinaryRoute,
	dataUriLength,
	MAX_BINARY_REFERENCE_BYTES,
	MAX_INLINE_REQUEST_BYTES,
	parseBinaryFieldNames,
} from '../../../nodes/NanoBanana/helpers/binaryReferences';

const node = { name: 'Nano Banana' } as INode;

describe('parseBinaryFieldNames', () => {
	test.each([
		['', []],
		[undefined, []],
		['data', ['data']],
		[' data, data_1 ', ['data', 'data_1']],
		['data data_1\ndata_2', ['data', 'data_1', 'data_2']],
		[['data', 'logo'], ['data', 'logo']],
		['data, data', ['data']],
		['*', ['*']],
	])('%j gives %j', (value, names) => {
		expect(parseBinaryFieldNames(node, 0, value)).toEqual(names);
	});

	test.each([
		[5, /holds a number \(5\), not field names \[item 2\]$/],
		['toString', /cannot name "toString"/],
		['*, data', /mixes \* with field names/],
	])('%j is refused', (value, message) => {
		expect(() => parseBinaryFieldNames(node, 2, value)).toThrow(message);
	});
});

describe('chooseBinaryRoute', () => {
	const stored = { field: 'data', stored: true, apiHost: 'runbase.net' };

	test('Auto takes a link to a public n8n, inline for a local n8n or a binary held in memory', () => {
		expect(chooseBinaryRoute(node, 0, 'auto', { ...stored, linkHost: 'n8n.example.com' })).toBe('link');
		expect(chooseBinaryRoute(node, 0, 'auto', { ...stored, linkHost: 'localhost' })).toBe('inline');
		expect(chooseBinaryRoute(node, 0, 'auto', { ...stored, linkHost: '192.168.1.20' })).toBe('inline');
		expect(chooseBinaryRoute(node, 0, 'auto', { ...stored, stored: false })).toBe('inline');
	});

	test('an API inside the network (a self-hosted gateway, tests) can fetch a local link', () => {
		expect(chooseBinaryRoute(node, 0, 'auto', { ...stored, linkHost: '127.0.0.1', apiHost: '127.0.0.1' })).toBe('link');
		expect(chooseBinaryRoute(node, 0, 'link', { ...stored, linkHost: '10.0.0.8', apiHost: '10.0.0.9' })).toBe('link');
	});

	test('Link to a local n8n with a public API fails before any request, saying what to do', () => {
		expect(() => chooseBinaryRoute(node, 1, 'link', { ...stored, linkHost: 'localhost' })).toThrow(
			'Runbase cannot reach this n8n: the link to binary field "data" would point at localhost, a local or private address [item 1]',
		);
		try {
			chooseBinaryRoute(node, 1, 'link', { ...stored, linkHost: '172.17.0.2' });
		} catch (error) {
			expect((error as { description: string }).description).toMatch(/Set WEBHOOK_URL to n8n's public https address .* or set Send Binary Images As to Inline/);
		}
	});

	test('Link with binary data in memory fails; Inline is always inline', () => {
		expect(() => chooseBinaryRoute(node, 0, 'link', { ...stored, stored: false })).toThrow(/keeps binary data in memory/);
		expect(chooseBinaryRoute(node, 0, 'inline', { ...stored, linkHost: 'n8n.example.com' })).toBe('inline');
	});
});

describe('sizes', () => {
	test('a data: URI is its prefix and the base64 of the bytes', () => {
		expect(dataUriLength(3, 'image/png')).toBe('data:image/png;base64,'.length + 4);
		expect(dataUriLength(4, 'image/png')).toBe('data:image/png;base64,'.length + 8);
		expect(dataUriLength(1000, 'image/jpeg')).toBe(`data:image/jpeg;base64,${Buffer.alloc(1000).toString('base64')}`.length);
	});

	test('empty and oversized references, and inline requests over the cap, are refused', () => {
		expect(() => checkBinaryReferenceSize(node, 0, 'data', 0)).toThrow('Binary field "data" is empty [item 0]');
		expect(() => checkBinaryReferenceSize(node, 0, 'data', MAX_BINARY_REFERENCE_BYTES)).not.toThrow();
		expect(() => checkBinaryReferenceSize(node, 0, 'data', MAX_BINARY_REFERENCE_BYTES + 1)).toThrow(/has 50\.0 MB, more than the 50\.0 MB a reference image may have/);
		expect(() => checkInlineRequestSize(node, 0, MAX_INLINE_REQUEST_BYTES)).not.toThrow();
		expect(() => checkInlineRequestSize(node, 0, MAX_INLINE_REQUEST_BYTES + 1)).toThrow(/more than the 20\.0 MB the node sends in one request/);
	});
});
