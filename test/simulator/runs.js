'use strict';
// A run's lifecycle is a pure function of the clock: no timers.

function isoAt(ms) {
	return new Date(ms).toISOString();
}

/**
 * @param {object} p
 * @param {string} p.id
 * @param {string} p.model
 * @param {object} p.input
 * @param {number} p.costUsd
 * @param {{pendingMs: number, processingMs: number}} p.timing
 * @param {string[]} p.urls
 * @param {null | string | object} p.failure error reported once the run has failed
 * @param {string | null} [p.resolution] resolution it runs at (null: the model takes none)
 * @param {{width: number, height: number}} [p.size] pixel size of its images
 * @param {object[]} [p.references] reference images the simulator received for it (see references.js)
 */
function createRun({ id, model, input, costUsd, timing, urls, failure, resolution = null, size, references = [] }) {
	const createdAt = Date.now();
	const processingAt = createdAt + timing.pendingMs;
	const doneAt = processingAt + timing.processingMs;
	return {
		id,
		model,
		input,
		createdAt,
		costUsd,
		pendingMs: timing.pendingMs,
		processingMs: timing.processingMs,
		/** When it leaves pending (ms timestamp). */
		processingAt,
		/** When it becomes succeeded (or failed): the image is ready on the server (ms timestamp). */
		readyAt: doneAt,
		/** First time a poll was answered with the final status (ms timestamp), else undefined. */
		reportedAt: undefined,
		resolution,
		width: size ? size.width : undefined,
		height: size ? size.height : undefined,
		urls,
		failure,
		references,
		polls: 0,
		get status() {
			const now = Date.now();
			if (now < processingAt) return 'pending';
			if (now < doneAt) return 'processing';
			return failure ? 'failed' : 'succeeded';
		},
		get completedAt() {
			return Date.now() >= doneAt ? doneAt : undefined;
		},
		get output() {
			return this.status === 'succeeded' ? { urls: [...urls] } : undefined;
		},
		get error() {
			return this.status === 'failed' ? failure : undefined;
		},
	};
}

/** The GET /runs/{id} body. */
function runView(run) {
	const status = run.status;
	const view = { id: run.id, model: run.model, status, costUsd: run.costUsd, createdAt: isoAt(run.createdAt) };
	if (status === 'succeeded' || status === 'failed') view.completedAt = isoAt(run.completedAt);
	if (status === 'succeeded') view.output = run.output;
	if (status === 'failed') view.error = run.error;
	return view;
}

module.exports = { createRun, runView };
