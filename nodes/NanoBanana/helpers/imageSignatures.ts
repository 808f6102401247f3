/**
 * The image formats the node accepts, recognised by their first bytes. A declared
 * content type is only a claim: an HTML error page or an SVG (which can carry
 * script) may arrive labelled `image/png`.
 */
export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

/** Any byte: the four bytes of a RIFF file's size. */
const ANY = null;

const latin1 = (text: string) => [...text].map((character) => character.charCodeAt(0));

const SIGNATURES: ReadonlyArray<{ type: ImageType; bytes: ReadonlyArray<number | null> }> = [
	{ type: 'image/png', bytes: [0x89, ...latin1('PNG\r\n\x1a\n')] },
	{ type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
	{ type: 'image/gif', bytes: latin1('GIF87a') },
	{ type: 'image/gif', bytes: latin1('GIF89a') },
	{ type: 'image/webp', bytes: [...latin1('RIFF'), ANY, ANY, ANY, ANY, ...latin1('WEBP')] },
];

/** How many first bytes `sniffImageType` needs to recognise every format. */
export const SIGNATURE_BYTES = Math.max(...SIGNATURES.map(({ bytes }) => bytes.length));

function agreesWith(head: Buffer, bytes: ReadonlyArray<number | null>, length: number): boolean {
	for (let index = 0; index < length; index++) {
		if (bytes[index] !== ANY && head[index] !== bytes[index]) return false;
	}
	return true;
}

/** The format whose signature `head` (the first bytes of a file) begins with; `undefined` for anything else. */
export function sniffImageType(head: Buffer): ImageType | undefined {
	return SIGNATURES.find(({ bytes }) => head.length >= bytes.length && agreesWith(head, bytes, bytes.length))?.type;
}

/** `head` is too short to tell, but agrees so far with a signature: more bytes may make it an image. */
export function mayBecomeImage(head: Buffer): boolean {
	return SIGNATURES.some(({ bytes }) => head.length < bytes.length && agreesWith(head, bytes, head.length));
}

/** What a file that is not an image seems to be, and how it begins, for error messages. */
export interface NonImage {
	/** `an HTML page`, `SVG text`, `text` or `binary data of another format`. */
	kind: string;
	/** `<!doctype html><html>…` for text, `the bytes 00 00 00 1c 66 74 79 70` otherwise. */
	start: string;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const SHOWN_CHARACTERS = 32;
const SHOWN_BYTES = 8;

function isText(sample: Buffer): boolean {
	return sample.every((byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || byte >= 0x20);
}

/** Describes the start of a file that `sniffImageType` did not recognise. */
export function describeNonImage(head: Buffer): NonImage {
	const body = head.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? head.subarray(UTF8_BOM.length) : head;
	const sample = body.subarray(0, 1024);
	if (sample.length === 0 || !isText(sample)) {
		const bytes = head.subarray(0, SHOWN_BYTES).toString('hex').replace(/(..)(?!$)/g, '$1 ');
		return { kind: 'binary data of another format', start: `the bytes ${bytes}` };
	}
	const text = sample.toString('utf8').trimStart();
	// Only printable ASCII reaches the message: the host chose these bytes.
	const shown = text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
	if (shown === '') return { kind: 'text', start: 'white space' };
	const start = shown.length > SHOWN_CHARACTERS ? `${shown.slice(0, SHOWN_CHARACTERS)}…` : shown;
	return { kind: textKind(text.toLowerCase()), start };
}

/** HTML is told by its start, SVG by its root element anywhere in the sample (after an XML prolog or comments). */
function textKind(lower: string): string {
	if (lower.startsWith('<!doctype html') || lower.startsWith('<html')) return 'an HTML page';
	if (lower.includes('<svg')) return 'SVG text';
	if (lower.includes('<html')) return 'an HTML page';
	return 'text';
}
