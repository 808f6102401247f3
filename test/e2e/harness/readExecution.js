// @ts-check
'use strict';
/**
 * Reads one execution from an n8n user folder's SQLite database, after the n8n process
 * that ran it is gone. Runs as its own Node 24 process (`node readExecution.js <request
 * JSON> <output file>`), with the sqlite3 and flatted packages of the n8n install, so the
 * native sqlite3 build always matches the Node it was built for, and the caller (jest,
 * the demo) needs neither. The answer is written to a file (temporary name, then renamed).
 *
 * Request: { n8nRoot, database, workflowId, afterId }. Answer: { lastId, record, data }:
 * lastId is the highest execution id in the database, record the newest `cli` execution
 * of workflowId with an id above afterId (a row of execution_entity) or null, data its
 * execution_data.data parsed with flatted (n8n's run data: { resultData, executionData, ... }).
 * Both n8n 1.x and 2.x keep these tables and this serialization.
 */
const fs = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');

/**
 * @typedef {object} ReadRequest
 * @property {string} n8nRoot install folder holding node_modules/n8n
 * @property {string} database path of database.sqlite
 * @property {string} workflowId
 * @property {number} afterId only executions with a higher id count
 * @property {string} [mode] n8n's execution mode: 'cli' (default) or 'webhook'
 */

/**
 * @typedef {object} Database minimal view of sqlite3's Database
 * @property {(sql: string, params: unknown[], callback: (error: Error | null, row: any) => void) => void} get
 * @property {(option: 'busyTimeout', value: number) => void} configure
 * @property {(callback: (error: Error | null) => void) => void} close
 */

/** @param {Database} database @param {string} sql @param {unknown[]} params @returns {Promise<any>} */
function getRow(database, sql, params) {
	return new Promise((resolve, reject) => {
		database.get(sql, params, (error, row) => (error ? reject(error) : resolve(row)));
	});
}

/** @param {ReadRequest} request */
async function readExecution({ n8nRoot, database: databaseFile, workflowId, afterId, mode = 'cli' }) {
	if (!fs.existsSync(databaseFile)) return { lastId: 0, record: null, data: null };
	// Resolve both packages the way n8n itself resolves them.
	const requireFromN8n = createRequire(path.join(n8nRoot, 'node_modules', 'n8n', 'package.json'));
	const sqlite3 = requireFromN8n('sqlite3');
	/** @type {{ parse: (text: string) => unknown }} */
	const flatted = requireFromN8n('flatted');
	/** @type {Database} */
	const database = await new Promise((resolve, reject) => {
		const opened = new sqlite3.Database(databaseFile, sqlite3.OPEN_READWRITE, (/** @type {Error | null} */ error) =>
			error ? reject(error) : resolve(opened),
		);
	});
	try {
		database.configure('busyTimeout', 10000);
		const last = await getRow(database, 'SELECT max(id) AS lastId FROM execution_entity', []);
		const record = await getRow(
			database,
			'SELECT * FROM execution_entity WHERE workflowId = ? AND mode = ? AND id > ? ORDER BY id DESC LIMIT 1',
			[workflowId, mode, afterId],
		);
		let data = null;
		if (record) {
			const row = await getRow(database, 'SELECT data FROM execution_data WHERE executionId = ?', [record.id]);
			if (row && typeof row.data === 'string' && row.data.length > 0) data = flatted.parse(row.data);
		}
		return { lastId: Number(last?.lastId ?? 0), record: record ?? null, data };
	} finally {
		await new Promise((resolve) => database.close(() => resolve(undefined)));
	}
}

async function main() {
	const [requestJson, outputFile] = process.argv.slice(2);
	const answer = await readExecution(JSON.parse(requestJson));
	fs.writeFileSync(`${outputFile}.partial`, JSON.stringify(answer));
	fs.renameSync(`${outputFile}.partial`, outputFile);
}

if (require.main === module) {
	main().catch((error) => {
		process.stderr.write(`${error.stack || error.message}\n`);
		process.exitCode = 1;
	});
}

module.exports = { readExecution };
