/**
 * Reference images in every shape an expression or an edited workflow can give:
 * each is read as the URLs it clearly means, or refused with the node's own error
 * (never a TypeError), and no URL is longer than a URL may be.
 */
import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ModelSpec } from '../../../nodes/NanoBanana/helpers/models';
import { findModel } from '../../../nodes/NanoBanana/helpers/models';
import { checkReferenceImages } from '../../../nodes/NanoBanana/helpers/referenceImages';
import { MAX_REFERENCE_URL_CHARACTERS } from '../../../nodes/NanoBanana/helpers/validation';

const node = { name: 'Nano Banana', type: 'n8n-nodes-runbase.nanoBanana', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;
const nanoBanana = findModel('google/nano-banana') as ModelSpec;
const A = 'https://example.com/a.png';
const B = 'https://example.com/b.png';

const check = (value: unknown) => checkReferenceImages(node, 3, value, nanoBanana);

function refusal(value: unknown): { message: string; description?: string } {
	try {
		check(value);
	} catch (error) {
		expect(error).toBeInstanceOf(NodeOperationError);
		return { message: (error as Error).message, description: (error as NodeOperationError).description ?? undefined };
	}
	throw new Error('expected the reference images to be refused');
}

describe('shapes that mean URLs clearly are read as those URLs', () => {
	test.each<[string, unknown, string[]]>([
		['the node list field', { image: [{ url: A }, { url: B }] }, [A, B]],
		['an empty list field', {}, []],
		['a list field without entries', { image: [] }, []],
		['a list field whose image is null', { image: null }, []],
		['an entry left empty', { image: [{ url: '' }, {}, { url: A }] }, [A]],
		['a null entry, as an empty field', { image: [null, { url: A }] }, [A]],
		['one entry without its list (image: {url})', { image: { url: A } }, [A]],
		['a URL in place of an entry', { image: [A, { url: B }] }, [A, B]],
		['URL text in place of the list', { image: `${A}\n${B}` }, [A, B]],
		['an entry holding a list of URLs', { image: [{ url: [A, B] }] }, [A, B]],
		['a list from an expression', [A, B], [A, B]],
		['text with one URL per line', `${A}\n${B}`, [A, B]],
		['nothing at all', undefined, []],
	])('%s', (_, value, urls) => {
		expect(check(value)).toEqual(urls);
	});
});

describe('shapes that hold no URL are refused with the item named', () => {
	test.each<[string, unknown, string]>([
		['a text that is not a URL under image', { image: 'str' }, 'Reference image 1 is not a web address: "str" [item 3]'],
		['a number under image', { image: 5 }, 'A reference image is a number (5), not a URL [item 3]'],
		['a number as an entry URL', { image: [{ url: 5 }] }, 'A reference image is a number (5), not a URL [item 3]'],
		['a boolean as an entry', { image: [true] }, 'A reference image is a boolean (true), not a URL [item 3]'],
		['an object as an entry URL', { image: [{ url: { href: A } }] }, 'A reference image is an object, not a URL [item 3]'],
		['an entry with other fields but no url', { image: [{ url: A }, { href: B }] }, 'Reference image field 2 has no url, only "href" [item 3]'],
		['an object that is not the list field', { url: A }, 'A reference image is an object, not a URL [item 3]'],
	])('%s', (_, value, message) => {
		const { message: seen, description } = refusal(value);
		expect(seen).toBe(message);
		expect(description).toEqual(expect.stringMatching(/\S/));
	});
});

describe('a reference URL is at most MAX_REFERENCE_URL_CHARACTERS long', () => {
	const urlOfLength = (length: number) => `https://example.com/${'a'.repeat(length - 'https://example.com/'.length)}`;

	test('a URL of exactly the limit is accepted', () => {
		const url = urlOfLength(MAX_REFERENCE_URL_CHARACTERS);
		expect(url).toHaveLength(2048);
		expect(check({ image: [{ url }] })).toEqual([url]);
	});

	test('one character more is refused, naming its position and length', () => {
		const { message } = refusal({ image: [{ url: A }, { url: urlOfLength(MAX_REFERENCE_URL_CHARACTERS + 1) }] });
		expect(message).toBe('Reference image 2 has 2049 characters, more than the 2048 a URL may have [item 3]');
	});

	test('a long data: URL gets the scheme message, which says what to do instead', () => {
		const { message } = refusal(`data:image/png;base64,${'A'.repeat(5000)}`);
		expect(message).toBe('Reference image 1 uses "data:", but only http and https URLs work [item 3]');
	});
});
