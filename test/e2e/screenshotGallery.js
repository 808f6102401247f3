// @ts-check
'use strict';
/** The HTML page the editor test renders for docs/generated.png: the demo's images with their fields. */

/** @type {Record<string, string>} */
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** @param {unknown} text */
const esc = (text) => String(text).replace(/[&<>"]/g, (character) => ENTITIES[character]);

/**
 * @typedef {object} Card one generated image with its item's JSON
 * @property {Record<string, unknown>} json
 * @property {string} src data: URL of the image
 * @property {{ width: number, height: number } | undefined} size
 */

/** The gallery page of docs/generated.png. @param {Card[]} cards @param {string} version */
function galleryHtml(cards, version) {
	const HEIGHT = 300;
	const figures = cards
		.map(({ json, src, size }) => {
			const width = size ? Math.round((size.width / size.height) * HEIGHT) : HEIGHT;
			const pixels = size ? `${size.width}&times;${size.height}` : '?';
			return `<figure style="width:${Math.max(width, 280)}px">
  <div class="frame"><img src="${src}" width="${width}" height="${HEIGHT}"></div>
  <figcaption>
    <div class="prompt">${esc(json.prompt)}</div>
    <div class="meta"><code>${esc(json.runId)}</code></div>
    <div class="meta"><code>${esc(json.model)}</code> &middot; ${esc(json.aspectRatio)} &middot; ${pixels} px &middot; $${Number(json.costUsd).toFixed(3)}</div>
  </figcaption>
</figure>`;
		})
		.join('\n');
	return `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #fff; font-family: "DejaVu Sans", Arial, sans-serif; }
  #gallery { display: inline-block; padding: 22px 26px 18px; background: #f5f5f7; }
  h1 { font-size: 17px; margin: 0 0 14px; color: #222; font-weight: 600; }
  h1 span { color: #777; font-weight: 400; font-size: 14px; }
  .row { display: flex; gap: 22px; align-items: flex-start; }
  figure { margin: 0; background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 10px; }
  .frame { height: ${HEIGHT}px; display: flex; justify-content: center; }
  img { border-radius: 4px; display: block; }
  figcaption { margin-top: 9px; font-size: 13px; color: #333; line-height: 1.4; }
  .prompt { margin-bottom: 5px; }
  .meta { color: #666; font-size: 12px; }
  code { font-family: "DejaVu Sans Mono", monospace; font-size: 11.5px; }
</style></head><body><div id="gallery">
<h1>Nano Banana output: 3 binary image items <span>(examples/demo.json in n8n ${esc(version)}, images from the local Runbase simulator)</span></h1>
<div class="row">
${figures}
</div></div></body></html>`;
}

module.exports = { galleryHtml };
