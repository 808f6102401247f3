// @ts-check
'use strict';
/**
 * The one way the demo and the e2e tests get an execution's result and its images.
 *
 * After `n8n execute` has ended, the execution is read from n8n's SQLite database
 * (./readExecution.js, in its own Node 24 process) and its binary data from the files
 * the items point to (N8N_DEFAULT_BINARY_DATA_MODE=filesystem: `binary.<field>.id` is
 * `filesystem-v2:<file id>`, a path under the binary data folder). Inline binary data
 * (`binary.<field>.data` as base64, n8n's 'default' mode, the default of n8n 1.x) works
 * too. Nothing is parsed from the process's stdout except log lines: a multi-megabyte
 * stdout line does not always reach the pipe before `n8n execute` calls process.exit().
 */
const fsp = require('node:fs/promises');
const path = require('node:path');

const { decideOutcome, parseLogLines } = require('./outcome');
const { runCommand } = require('./processes');

/**
 * @typedef {object} BinaryData an item's binary field as n8n stores it
 * @property {string} [data] base64 (inline mode) or the storage mode's name
 * @property {string} [id] `<mode>:<file id>` when stored outside the item
 * @property {string} mimeType
 * @property {string} [fileName]
 * @property {string} [fileExtension]
 * @property {string} [fileSize]
 */
/** @typedef {{ json: Record<string, unknown>, binary?: Record<string, BinaryData> }} Item */
/** @typedef {{ data?: Record<string, Item[][]>, error?: { message: string } }} NodeRun */
/** @typedef {{ message: string, description?: string, node?: { name?: string } }} ExecutionError */
/** @typedef {{ resultData: { runData: Record<string, NodeRun[]>, error?: ExecutionError, lastNodeExecuted?: string } }} RunData */
/**
 * @typedef {object} ExecutionResult the execution as n8n saved it
 * @property {string} id
 * @property {string} status success, error, canceled, crashed, new, running or waiting
 * @property {string} mode
 * @property {string | null} startedAt
 * @property {string | null} stoppedAt
 * @property {RunData | undefined} data
 */
/**
 * @typedef {object} ExecutionImage one binary field of one output item, with its bytes
 * @property {string} node
 * @property {number} runIndex
 * @property {number} outputIndex
 * @property {number} itemIndex
 * @property {string} field binary property name ('data' for Nano Banana)
 * @property {string | undefined} fileName
 * @property {string} mimeType
 * @property {Buffer} bytes
 * @property {'file' | 'inline'} storedAs
 */

class ExecutionRun {
	/**
	 * @param {{ result: ExecutionResult | null, images: ExecutionImage[], outcome: import('./outcome').Outcome,
	 *   end: import('./processes').Finished, logEntries: import('./outcome').LogEntry[] }} parts
	 */
	constructor({ result, images, outcome, end, logEntries }) {
		/** n8n's saved execution, null when n8n never started one */
		this.result = result;
		/** Every binary field of every output item, bytes included */
		this.images = images;
		/** 'success', 'error', 'canceled' (the workflow failed), 'unfinished' (n8n stopped first) or 'missing' (no execution) */
		this.status = outcome.status;
		this.ok = outcome.ok;
		/** Why the run did not succeed, and what to try; null on success */
		this.failure = outcome.failure;
		/** The exit code n8n meant: 0 or 1 once the run finished, even when the process then crashed */
		this.exitCode = outcome.exitCode;
		/** The signal that killed n8n after a finished run (n8n 2.41 sometimes segfaults in process.exit) */
		this.crashedOnExit = outcome.crashedOnExit;
		this.signal = end.signal;
		this.timedOut = end.timedOut;
		this.logEntries = logEntries;
		/** Log messages, for diagnostics only */
		this.logs = logEntries.map((entry) => entry.message);
	}

	/** Output items of a node. @param {string} node */
	items(node, runIndex = 0, outputIndex = 0) {
		return this.result?.data?.resultData.runData[node]?.[runIndex]?.data?.main?.[outputIndex] ?? [];
	}

	/** The images a node output, in item order. @param {string} node */
	imagesOf(node) {
		return this.images.filter((image) => image.node === node);
	}

	/** One item's image. @param {string} node @param {number} itemIndex */
	image(node, itemIndex, field = 'data', runIndex = 0, outputIndex = 0) {
		return this.images.find(
			(image) =>
				image.node === node &&
				image.itemIndex === itemIndex &&
				image.field === field &&
				image.runIndex === runIndex &&
				image.outputIndex === outputIndex,
		);
	}
}

/**
 * Reads stored binary data from the first storage folder that holds it.
 * @param {string} binaryId `<mode>:<file id>`
 * @param {string[]} storageRoots
 */
async function readStoredBinary(binaryId, storageRoots) {
	const separator = binaryId.indexOf(':');
	const mode = binaryId.slice(0, separator);
	const fileId = binaryId.slice(separator + 1);
	if (!mode.startsWith('filesystem')) {
		throw new Error(`binary data "${binaryId}" is stored in mode "${mode}"; the harness reads only filesystem and inline data`);
	}
	for (const root of storageRoots) {
		const file = path.resolve(root, fileId);
		if (path.relative(root, file).startsWith('..')) continue;
		const bytes = await fsp.readFile(file).catch(() => null);
		if (bytes) return bytes;
	}
	throw new Error(`binary data file "${fileId}" not found under ${storageRoots.join(' or ')}`);
}

/**
 * Every output item of every node, with where it sits.
 * @param {RunData | undefined} data
 * @returns {Generator<{ node: string, runIndex: number, outputIndex: number, itemIndex: number, item: Item }>}
 */
function* outputItems(data) {
	for (const [node, runs] of Object.entries(data?.resultData.runData ?? {})) {
		for (const [runIndex, nodeRun] of runs.entries()) {
			for (const [outputIndex, output] of (nodeRun.data?.main ?? []).entries()) {
				for (const [itemIndex, item] of (output ?? []).entries()) yield { node, runIndex, outputIndex, itemIndex, item };
			}
		}
	}
}

/**
 * Every binary field of every output item of every node, with its bytes.
 * @param {RunData | undefined} data @param {string[]} storageRoots
 * @returns {Promise<ExecutionImage[]>}
 */
async function collectImages(data, storageRoots) {
	/** @type {Map<string, Promise<Buffer>>} the same file once, however many nodes pass it on */
	const files = new Map();
	/** @type {Promise<ExecutionImage>[]} */
	const images = [];
	for (const { item, ...position } of outputItems(data)) {
		for (const [field, binary] of Object.entries(item.binary ?? {})) {
			const place = { ...position, field, fileName: binary.fileName, mimeType: binary.mimeType };
			if (binary.id) {
				let file = files.get(binary.id);
				if (!file) files.set(binary.id, (file = readStoredBinary(binary.id, storageRoots)));
				images.push(file.then((bytes) => ({ ...place, bytes, storedAs: /** @type {const} */ ('file') })));
			} else {
				const bytes = Buffer.from(binary.data ?? '', 'base64');
				images.push(Promise.resolve({ ...place, bytes, storedAs: /** @type {const} */ ('inline') }));
			}
		}
	}
	return await Promise.all(images);
}

/**
 * @typedef {object} ExecutionSource where to read an ended `n8n execute` from
 * @property {string} nodeBin Node 24
 * @property {string} n8nRoot the n8n install folder (its sqlite3 and flatted are used)
 * @property {string} userFolder N8N_USER_FOLDER of the instance
 * @property {string[]} binaryStorageRoots folders that may hold filesystem binary data
 * @property {string} workflowId
 * @property {number} afterId executions up to this id belong to earlier runs
 * @property {'cli' | 'webhook' | 'retry'} [mode] how n8n started it: 'cli' (`n8n execute`, default), 'webhook', 'retry'
 * @property {NodeJS.ProcessEnv} env
 */

/**
 * Builds the ExecutionRun of an ended `n8n execute` process.
 * @param {ExecutionSource} source
 * @param {import('./processes').Finished & { timeoutMs?: number }} end
 * @returns {Promise<{ run: ExecutionRun, lastId: number }>}
 */
async function loadExecution(source, end) {
	const database = path.join(source.userFolder, '.n8n', 'database.sqlite');
	const answerFile = path.join(source.userFolder, `execution-${Date.now()}-${process.pid}.json`);
	const request = { n8nRoot: source.n8nRoot, database, workflowId: source.workflowId, afterId: source.afterId, mode: source.mode };
	const script = path.join(__dirname, 'readExecution.js');
	await runCommand(source.nodeBin, [script, JSON.stringify(request), answerFile], { env: source.env, timeoutMs: 120000 });
	const answer = JSON.parse(await fsp.readFile(answerFile, 'utf8'));
	await fsp.rm(answerFile, { force: true });
	const record = answer.record;
	/** @type {ExecutionResult | null} */
	const result = record
		? {
				id: String(record.id),
				status: record.status,
				mode: record.mode,
				startedAt: record.startedAt,
				stoppedAt: record.stoppedAt,
				data: answer.data ?? undefined,
			}
		: null;
	const summary = result && {
		id: result.id,
		status: result.status,
		hasStopped: Boolean(result.stoppedAt),
		error: result.data?.resultData.error,
	};
	const logEntries = parseLogLines(`${end.stdout}\n${end.stderr}`);
	const outcome = decideOutcome(summary, end, logEntries);
	const images = result ? await collectImages(result.data, source.binaryStorageRoots) : [];
	return { run: new ExecutionRun({ result, images, outcome, end, logEntries }), lastId: answer.lastId };
}

module.exports = { ExecutionRun, loadExecution, collectImages };
