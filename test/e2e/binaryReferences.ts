/**
 * Reference images from binary data in real n8n: a photo uploaded to a Webhook (multipart
 * form) is edited by Nano Banana, and the result is refined by a second Nano Banana with no
 * node in between (examples/edit-uploaded-photo.json). The simulator fetches every reference
 * as Runbase does and records the bytes it received. Run per line by
 * binaryReferences-2x / -1x.e2e.test.ts.
 */
import { createHash } from 'node:crypto';

import { binaryInput, pngFile } from '../helpers/referenceFiles';
import type { Simulator } from '../simulator';
import { example, startE2e } from './fixtures';
import type { E2eSetup, Workflow } from './fixtures';
import type { N8nLine, N8nServer } from './n8n';

export const editPhoto = example('edit-uploaded-photo.json');

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The uploaded photo: a real PNG. */
export const PHOTO = pngFile(24, 16, 5);

/** The same workflow, with Send Binary Images As set on both Nano Banana nodes. */
export function withRoute(id: string, path: string, binaryRoute: string): Workflow {
	const workflow: Workflow = JSON.parse(JSON.stringify(editPhoto));
	workflow.id = id;
	workflow.name = `${workflow.name} (${binaryRoute})`;
	const webhook = workflow.nodes[0];
	webhook.parameters = { ...webhook.parameters, path };
	(webhook as { webhookId?: string }).webhookId = `${id}-hook`;
	for (const node of workflow.nodes.filter((candidate) => candidate.type.endsWith('.nanoBanana'))) {
		node.parameters = { ...node.parameters, options: { binaryRoute } };
	}
	return workflow;
}

/** Uploads the photo as a browser form does (multipart/form-data), with a wish in a text field. */
export async function uploadPhoto(server: N8nServer, workflow: Workflow): Promise<{ status: number; type: string | null; body: Buffer }> {
	const form = new FormData();
	const { mimeType, fileName } = binaryInput(PHOTO);
	form.append('photo', new Blob([new Uint8Array(PHOTO)], { type: mimeType }), fileName);
	form.append('wish', 'Add a soft shadow.');
	const { path } = workflow.nodes[0].parameters as { path: string };
	const response = await fetch(server.webhookUrl(path), { method: 'POST', body: form, signal: AbortSignal.timeout(120_000) });
	return { status: response.status, type: response.headers.get('content-type'), body: Buffer.from(await response.arrayBuffer()) };
}

/** The bytes of the image a simulator run produced, fetched from its own loopback file host. */
export async function outputImage(sim: Simulator, runId: string | undefined): Promise<Buffer> {
	const url = runId ? sim.runs.get(runId)?.output?.urls[0] : undefined;
	if (!url) throw new Error(`run ${String(runId)} has no image`);
	return Buffer.from(await (await fetch(url)).arrayBuffer());
}

/** The simulator and a running n8n (of `line`) that answers these webhook workflows. */
export async function startUploadServer(workflows: Workflow[], { env = {}, line }: { env?: Record<string, string>; line?: N8nLine } = {}): Promise<{ setup: E2eSetup; server: N8nServer }> {
	const setup = await startE2e(workflows, { pendingMs: 100, processingMs: 500 }, env, { line });
	for (const workflow of workflows) await setup.instance.publishWorkflow(workflow.id);
	const server = await setup.instance.startServer();
	for (const workflow of workflows) await server.waitForWebhook((workflow.nodes[0].parameters as { path: string }).path, { method: 'POST' });
	return { setup, server };
}
