import { splitReferenceList } from '../../../nodes/NanoBanana/helpers/validation';

test.each([
	['one URL', 'https://a.example/1.png', ['https://a.example/1.png']],
	['one per line', 'https://a.example/1.png\nhttps://b.example/2.png', ['https://a.example/1.png', 'https://b.example/2.png']],
	['Windows line ends and blank lines', 'https://a.example/1.png\r\n\r\n https://b.example/2.png ', ['https://a.example/1.png', 'https://b.example/2.png']],
	['commas before a new scheme', 'https://a.example/1.png, https://b.example/2.png', ['https://a.example/1.png', 'https://b.example/2.png']],
	['commas inside a URL', 'https://a.example/img,w_200,h_100/1.png', ['https://a.example/img,w_200,h_100/1.png']],
	['only spaces', '   ', []],
])('%s', (_, text, expected) => {
	expect(splitReferenceList(text)).toEqual(expected);
});
