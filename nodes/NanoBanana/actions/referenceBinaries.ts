import { createHash } from 'node:crypto';

import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { BinaryRoute, BinaryRouteChoice } from '../helpers/binaryReferences';
import {
	ALL_IMAGE_FIELDS,
	checkBinaryReferenceSize,
	checkInlineRequestSize,
	chooseBinaryRoute,
	dataUriLength,
} from '../helpers/binaryReferences';
import type { ImageType } from '../helpers/imageSignatures';
import { describeNonImage, SIGNATURE_BYTES, sniffImageType } from '../helpers/imageSignatures';
import { invalid } from '../helpers/validation';

/** One binary field of the input item, checked, with the way it will reach Runbase. */
export interface BinaryReference {
	field: string;
	mimeType: ImageType;
	route: BinaryRoute;
	/** The signed link n8n serves, for the `link` route. */
	link?: string;
	/** Names this exact image across a retry of the node: n8n's id of the stored file, or a hash of the bytes. */
	identity: string;
	binary: IBinaryData;
}

export interface ReferenceContext {
	choice: BinaryRouteChoice;
	/** The host of the API's Base URL. */
	apiHost: string;
	/** How long a link stays valid: the item's Timeout and a minute. */
	linkSeconds: number;
}

const ACCEPTED_TYPES = new Set<string>(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/** The fields `*` stands for: every binary the item declares as PNG, JPEG, WebP or GIF. */
function expandFields(binaries: Record<string, IBinaryData>, names: string[]): string[] {
	if (names[0] !== ALL_IMAGE_FIELDS) return names;
	return Object.keys(binaries).filter((field) => ACCEPTED_TYPES.has(binaries[field].mimeType?.toLowerCase()));
}

async function sizeOf(ctx: IExecuteFunctions, binary: IBinaryData): Promise<number> {
	if (typeof binary.bytes === 'number') return binary.bytes;
	if (binary.id) return (await ctx.helpers.getBinaryMetadata(binary.id)).fileSize;
	return Buffer.byteLength(binary.data, 'base64');
}

/** The first bytes of the file, without reading the rest of it. */
async function headOf(ctx: IExecuteFunctions, binary: IBinaryData): Promise<Buffer> {
	if (!binary.id) return Buffer.from(binary.data.slice(0, 4 * Math.ceil(SIGNATURE_BYTES / 3) + 4), 'base64');
	const stream = await ctx.helpers.getBinaryStream(binary.id, 64);
	for await (const chunk of stream) {
		stream.destroy();
		return Buffer.from(chunk as Buffer);
	}
	return Buffer.alloc(0);
}

/** The host of the signed link n8n would give, or undefined where it gives none (binary data in memory). */
function signedLink(ctx: IExecuteFunctions, binary: IBinaryData, seconds: number): string | undefined {
	if (!binary.id) return undefined;
	return ctx.helpers.createBinarySignedUrl(binary, `${seconds}s`);
}

/**
 * Reads and checks the binary fields named as references, before any request: each
 * must exist, be a PNG, JPEG, WebP or GIF by its first bytes, and fit the size limits.
 * Only the first bytes are read: a large image is never held in memory here.
 */
export async function readBinaryReferences(ctx: IExecuteFunctions, itemIndex: number, names: string[], context: ReferenceContext): Promise<BinaryReference[]> {
	if (names.length === 0) return [];
	const node = ctx.getNode();
	const binaries = ctx.getInputData()[itemIndex]?.binary ?? {};
	const available = Object.keys(binaries);
	const fields = expandFields(binaries, names);
	if (fields.length === 0) {
		throw invalid(node, itemIndex, 'The item has no PNG, JPEG, WebP or GIF binary field for Binary Reference Images *', available.length ? `Its binary fields are ${available.join(', ')}.` : 'It has no binary data at all: check the node before this one.');
	}
	const references: BinaryReference[] = [];
	let inlineBytes = 0;
	for (const field of fields) {
		const binary = Object.hasOwn(binaries, field) ? binaries[field] : undefined;
		if (!binary) {
			throw invalid(node, itemIndex, `The item has no binary field "${field}"`, available.length ? `Its binary fields are ${available.join(', ')}: name one of them in Binary Reference Images.` : 'It has no binary data at all: check the node before this one, or clear Binary Reference Images.');
		}
		const bytes = await sizeOf(ctx, binary);
		checkBinaryReferenceSize(node, itemIndex, field, bytes);
		const head = await headOf(ctx, binary);
		const mimeType = sniffImageType(head);
		if (!mimeType) {
			const { kind, start } = describeNonImage(head);
			throw invalid(node, itemIndex, `Binary field "${field}" is not a PNG, JPEG, WebP or GIF image: it is ${kind} (it begins with ${start}), although it says ${binary.mimeType || 'nothing'}`, 'Reference images must be PNG, JPEG, WebP or GIF. Convert the file, e.g. with an Edit Image node, or name another binary field.');
		}
		const link = signedLink(ctx, binary, context.linkSeconds);
		const linkHost = link ? new URL(link).hostname : undefined;
		const route = chooseBinaryRoute(node, itemIndex, context.choice, { field, stored: !!binary.id, linkHost, apiHost: context.apiHost });
		if (route === 'inline') inlineBytes += dataUriLength(bytes, mimeType);
		const identity = binary.id ?? `sha256:${createHash('sha256').update(binary.data).digest('hex')}`;
		references.push({ field, mimeType, route, link: route === 'link' ? link : undefined, identity, binary });
	}
	checkInlineRequestSize(node, itemIndex, inlineBytes);
	return references;
}

/** The address Runbase gets for a reference: its link, or its bytes as a `data:` URI, read only now. */
export async function referenceAddress(ctx: IExecuteFunctions, itemIndex: number, reference: BinaryReference): Promise<string> {
	if (reference.route === 'link' && reference.link) return reference.link;
	const base64 = reference.binary.id
		? (await ctx.helpers.getBinaryDataBuffer(itemIndex, reference.field)).toString('base64')
		: reference.binary.data;
	return `data:${reference.mimeType};base64,${base64}`;
}
