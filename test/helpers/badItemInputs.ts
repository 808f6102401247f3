/** Bad item input (prompt, reference images, aspect ratio): each with the exact message the user sees. */
import { eleven, generate, references } from './badInputs';
import type { BadInput } from './badInputs';

export const badItemInputs: BadInput[] = [
	{
		input: 'Prompt left empty in the editor',
		parameters: generate({ prompt: '' }),
		message: `The 'Nano Banana' node has issues:\n- Parameter "Prompt" is required.`,
	},
	{
		input: 'Prompt mapped to an empty field (`{{ $json.prompt }}` = "")',
		parameters: generate({ prompt: '={{ $json.prompt }}' }),
		items: [{ prompt: '' }],
		message: 'The prompt is empty [item 0]',
	},
	{
		input: 'Prompt of only spaces, tabs and newlines',
		parameters: generate({ prompt: ' \t\n  ' }),
		message: 'The prompt is empty [item 0]',
	},
	{
		input: 'Prompt mapped to a field the item does not have',
		parameters: generate({ prompt: '={{ $json.missing }}' }),
		items: [{ prompt: 'x' }],
		message: 'The prompt is empty [item 0]',
	},
	{
		input: 'Prompt that is an object (`{{ $json.prompt }}` = {text: "lamp"})',
		parameters: generate({ prompt: '={{ $json.prompt }}' }),
		items: [{ prompt: { text: 'lamp' } }],
		message: 'The prompt is an object, not text [item 0]',
	},
	{
		input: 'Prompt that is a list',
		parameters: generate({ prompt: '={{ $json.prompt }}' }),
		items: [{ prompt: ['a', 'b'] }],
		message: 'The prompt is a list, not text [item 0]',
	},
	{
		input: '11 reference images (11 URL fields)',
		parameters: generate({ referenceImages: references(...eleven) }),
		message: 'There are 11 reference images, but Nano Banana accepts at most 10 [item 0]',
	},
	{
		input: '11 reference images from one expression (a list)',
		parameters: generate({ referenceImages: references('={{ $json.urls }}') }),
		items: [{ urls: eleven }],
		message: 'There are 11 reference images, but Nano Banana accepts at most 10 [item 0]',
	},
	{
		input: 'Reference image that is not a URL ("lamp.png")',
		parameters: generate({ referenceImages: references('lamp.png') }),
		message: 'Reference image 1 is not a web address: "lamp.png" [item 0]',
	},
	{
		input: 'Reference image with ftp: (second of two)',
		parameters: generate({ referenceImages: references('https://example.com/a.png', 'ftp://example.com/b.png') }),
		message: 'Reference image 2 uses "ftp:", but only http and https URLs work [item 0]',
	},
	{
		input: 'Reference image with javascript:',
		parameters: generate({ referenceImages: references('javascript:alert(1)') }),
		message: 'Reference image 1 uses "javascript:", but only http and https URLs work [item 0]',
	},
	{
		input: 'Reference image with file:',
		parameters: generate({ referenceImages: references('file:///etc/passwd') }),
		message: 'Reference image 1 uses "file:", but only http and https URLs work [item 0]',
	},
	{
		input: 'Reference list given as a number (`{{ 42 }}`)',
		parameters: generate({ referenceImages: references('={{ 42 }}') }),
		message: 'A reference image is a number (42), not a URL [item 0]',
	},
	{
		input: 'Reference image mapped to an object',
		parameters: generate({ referenceImages: references('={{ $json.ref }}') }),
		items: [{ ref: { url: 'https://example.com/a.png' } }],
		message: 'A reference image is an object, not a URL [item 0]',
	},
	{
		input: 'Unknown aspect ratio from an expression ("7:5")',
		parameters: generate({ aspectRatio: '={{ $json.ratio }}' }),
		items: [{ ratio: '7:5' }],
		message: 'The aspect ratio "7:5" is not supported [item 0]',
	},
	{
		input: 'Aspect ratio mapped to a number',
		parameters: generate({ aspectRatio: '={{ 1.5 }}' }),
		message: 'The aspect ratio "1.5" is not supported [item 0]',
	},
	{
		input: 'Bad third item of three (empty prompt)',
		parameters: generate({ prompt: '={{ $json.prompt }}' }),
		items: [{ prompt: 'a lamp' }, { prompt: 'a chair' }, { prompt: '' }],
		message: 'The prompt is empty [item 2]',
	},
	{
		input: 'Reference image with a user name and password (https://user:secret@cdn.example.com/a.png)',
		parameters: generate({ referenceImages: references('https://user:secret@cdn.example.com/a.png') }),
		message: 'Reference image 1 contains a user name or password [item 0]',
	},
	{
		input: 'Reference image on a private address (http://192.168.1.20/lamp.png)',
		parameters: generate({ referenceImages: references('http://192.168.1.20/lamp.png') }),
		message: 'Reference image 1 points at a local or private address (192.168.1.20) [item 0]',
	},
	{
		input: 'Reference image on the cloud metadata address',
		parameters: generate({ referenceImages: references('http://169.254.169.254/latest/meta-data') }),
		message: 'Reference image 1 points at a local or private address (169.254.169.254) [item 0]',
	},
	{
		input: 'Reference image given as a data: URL',
		parameters: generate({ referenceImages: references('data:image/png;base64,iVBORw0KGgo=') }),
		message: 'Reference image 1 uses "data:", but only http and https URLs work [item 0]',
	},
	{
		input: 'Prompt of 40,000 characters (a whole document mapped by mistake)',
		parameters: generate({ prompt: '={{ "x".repeat(40000) }}' }),
		message: 'The prompt has 40000 characters, more than the 32000 the node sends [item 0]',
	},
	{
		input: 'Reference image URL of 3,020 characters (second of two)',
		parameters: generate({ referenceImages: references('https://example.com/a.png', `https://example.com/${'a'.repeat(3000)}`) }),
		message: 'Reference image 2 has 3020 characters, more than the 2048 a URL may have [item 0]',
	},
	{
		input: 'Reference image URL of 5,020 characters from an expression',
		parameters: generate({ referenceImages: references('={{ "https://example.com/" + "a".repeat(5000) }}') }),
		message: 'Reference image 1 has 5020 characters, more than the 2048 a URL may have [item 0]',
	},
	{
		input: 'Reference image field holding a number in a workflow edited by hand ({image: [{url: 5}]})',
		parameters: generate({ referenceImages: { image: [{ url: 5 }] } }),
		message: 'A reference image is a number (5), not a URL [item 0]',
	},
];
