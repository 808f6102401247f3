import { splitReferenceList } from '../../../nodes/NanoBanana/helpers/referenceImages';

test.each([
	['one URL', 'https://a.example/1.png', ['https://a.example/1.png']],
	['one per line', 'https://a.example/1.png\nhttps://b.example/2.png', ['https://a.example/1.png', 'https://b.example/2.png']],
	['Windows line ends and blank lines', 'https://a.example/1.png\r\n\r\n https://b.example/2.png ', ['https://a.example/1.png', 'https://b.example/2.png']],
	['commas before a new scheme', 'https://a.example/1.png, https://b.example/2.png', ['https://a.example/1.png', 'https://b.example/2.png']],
	['commas inside a URL', 'https://a.example/img,w_200,h_100/1.png', ['https://a.example/img,w_200,h_100/1.png']],
	['a comma and a scheme-like word inside a URL', 'https://a.example/i,x:1.png', ['https://a.example/i,x:1.png']],
	['spaces between URLs', 'https://a.example/1.png https://b.example/2.png', ['https://a.example/1.png', 'https://b.example/2.png']],
	['only spaces', '   ', []],
])('%s', (_, text, expected) => {
	expect(splitReferenceList(text)).toEqual(expected);
});
