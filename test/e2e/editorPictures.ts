/**
 * The browser test's pictures: where its screenshots go, the images of the run the editor
 * started (read through n8n's REST API), the gallery page of docs/generated.png, and the
 * copy of the README's pictures into docs/ (RUNBASE_UPDATE_DOCS=1).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import type { Browser } from './harness/browser';
import type { N8nRest } from './harness/rest';
import * as n8n from './n8n';
import type { Item } from './n8n';
import type { Box } from './editorPage';
import { REPO_ROOT } from './packTarball';
import { imageSize } from './pngSize';
import { galleryHtml } from './screenshotGallery';

export const SCREENSHOTS = path.join(REPO_ROOT, '.test-results', 'editor-screenshots');
const DOCS = path.join(REPO_ROOT, 'docs');
/** docs/<name> ← the screenshot that makes it */
const DOCS_PICTURES: Record<string, string> = {
	'workflow.png': 'docs-workflow.png',
	'node.png': 'docs-node.png',
	'credential.png': 'docs-credential.png',
	'generated.png': 'docs-generated.png',
};

type Card = { json: Item['json']; src: string; size: ReturnType<typeof imageSize> };
type RunData = { resultData: { runData: Record<string, Array<{ data: { main: Item[][] } }>> } };

/** The canvas box with room for the node labels (two lines for the trigger) and the trigger's bolt. */
export function workflowClip(box: Box): Box {
	const left = Math.max(0, Math.floor(box.x - 80));
	const top = Math.max(0, Math.floor(box.y - 36));
	return { x: left, y: top, width: Math.ceil(box.x + box.width + 30) - left, height: Math.ceil(box.y + box.height + 86) - top };
}

/**
 * The executions of a workflow and the output images of `node` in the newest one, with
 * their bytes, read like the editor reads them (GET /rest/executions, /rest/binary-data).
 */
export async function executionImages(rest: N8nRest, workflowId: string, node: string) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = (await rest.call('GET', `/rest/executions?filter=${filter}`)) as { results: Array<{ id: string; status: string }> };
	const execution = (await rest.call('GET', `/rest/executions/${list.results[0].id}`)) as { data: string; mode: string };
	// n8n keeps run data serialized with flatted: parse it with n8n's own copy.
	const flatted = createRequire(path.join(n8n.runtimeInfo().root, 'node_modules', 'n8n', 'package.json'))('flatted') as {
		parse: (text: string) => RunData;
	};
	const items = flatted.parse(execution.data).resultData.runData[node][0].data.main[0];
	const cards: Card[] = [];
	const downloads: number[] = [];
	for (const item of items) {
		const binary = item.binary!.data;
		const response = await fetch(`${rest.url}/rest/binary-data?id=${encodeURIComponent(binary.id!)}&action=download`, {
			headers: { cookie: rest.cookieHeader(), 'browser-id': rest.browserId },
		});
		downloads.push(response.status);
		const bytes = Buffer.from(await response.arrayBuffer());
		cards.push({ json: item.json, src: `data:${binary.mimeType};base64,${bytes.toString('base64')}`, size: imageSize(bytes) });
	}
	return { statuses: list.results.map((entry) => entry.status), mode: execution.mode, downloads, cards };
}

/** Renders the gallery of docs/generated.png in the browser's page and screenshots it. */
export async function shootGallery(browser: Browser, cards: Card[], version: string) {
	const page = browser.page;
	await page.setContent(galleryHtml(cards, version));
	await page.waitForFunction(() => Array.from(document.images).every((image) => image.complete && image.naturalWidth > 0));
	const file = path.join(browser.screenshotDir, 'docs-generated.png');
	await page.locator('#gallery').screenshot({ path: file });
	browser.shots.push(file);
}

/** With RUNBASE_UPDATE_DOCS=1, copies the README's pictures from the screenshots into docs/. */
export function updateDocsPictures(screenshotDir: string) {
	if (process.env.RUNBASE_UPDATE_DOCS !== '1') return;
	mkdirSync(DOCS, { recursive: true });
	for (const [target, source] of Object.entries(DOCS_PICTURES)) copyFileSync(path.join(screenshotDir, source), path.join(DOCS, target));
	process.stderr.write(`[e2e] README pictures updated: ${Object.keys(DOCS_PICTURES).map((name) => `docs/${name}`).join(', ')}\n`);
}
