// @ts-check
'use strict';
/**
 * What happened to one `n8n execute`, decided from the execution record in n8n's database
 * (written before the command prints or exits) and from how the process ended. The
 * process's exit code alone is no guide: n8n 2.41 may die with SIGSEGV on its way out
 * after a complete, saved run. stdout serves only for log lines.
 */

/**
 * @typedef {object} LogEntry one line of n8n's output (N8N_LOG_FORMAT=json), or a raw line
 * @property {string} level 'info', 'warn', 'error', ... or 'raw' for a line that is not JSON
 * @property {string} message
 */

/**
 * @typedef {object} ProcessEnd how the `n8n execute` process ended
 * @property {number | null} code
 * @property {string | null} signal
 * @property {boolean} timedOut
 * @property {number} [timeoutMs]
 */

/**
 * @typedef {object} RecordSummary the parts of the execution record that decide the outcome
 * @property {string | number} id
 * @property {string} status n8n's execution status: success, error, canceled, crashed, new, running, waiting
 * @property {boolean} hasStopped the record has a stoppedAt time
 * @property {{ message?: string, description?: string, node?: { name?: string } } | undefined} error resultData.error
 */

/**
 * @typedef {object} Failure
 * @property {'workflow-error' | 'n8n-stopped' | 'no-execution'} kind workflow-error: n8n finished
 *   the run and the workflow failed; n8n-stopped: n8n started the run and ended before finishing it;
 *   no-execution: n8n ended before it started a run
 * @property {string} message what happened, with n8n's own error lines where they help
 * @property {string} hint what to try
 */

/** @typedef {{ status: string, ok: boolean, exitCode: number | null, crashedOnExit: string | null, failure: Failure | null }} Outcome */

/** Splits n8n's output into log entries. @param {string} output @returns {LogEntry[]} */
function parseLogLines(output) {
	/** @type {LogEntry[]} */
	const entries = [];
	for (const line of output.split('\n')) {
		if (!line.trim()) continue;
		let parsed = null;
		try {
			parsed = JSON.parse(line);
		} catch {
			// a line n8n printed without its logger
		}
		if (parsed && typeof parsed.message === 'string') entries.push({ level: String(parsed.level), message: parsed.message });
		else entries.push({ level: 'raw', message: line });
	}
	return entries;
}

/**
 * The last distinct error lines of a log (or its last lines when none is an error), for a failure message.
 * @param {LogEntry[]} entries
 */
function errorLines(entries, count = 8) {
	/** @param {LogEntry[]} chosen */
	const distinctLines = (chosen) => {
		const lines = chosen
			.flatMap((entry) => entry.message.split('\n'))
			.map((line) => line.trim())
			.filter((line) => line && !/^at /.test(line) && !/^=+$/.test(line));
		return [...new Set(lines)].slice(-count);
	};
	const errors = distinctLines(entries.filter((entry) => entry.level === 'error' || entry.level === 'raw'));
	return errors.length ? errors : distinctLines(entries.slice(-3));
}

/** @param {ProcessEnd} end */
function describeEnd(end) {
	if (end.timedOut) return `was stopped by the harness after its time limit (${Math.round((end.timeoutMs ?? 0) / 1000)} s)`;
	if (end.signal) return `was killed by ${end.signal}`;
	return `exited with code ${end.code}`;
}

const FINISHED = ['success', 'error', 'canceled'];

/**
 * @param {RecordSummary | null} record
 * @param {ProcessEnd} end
 * @param {LogEntry[]} logEntries
 * @returns {Outcome}
 */
function decideOutcome(record, end, logEntries) {
	const crashedOnExit = end.signal && !end.timedOut ? end.signal : null;
	const logExcerpt = errorLines(logEntries);
	const withLog = (/** @type {string} */ text) =>
		logExcerpt.length ? `${text}\nn8n's last log lines:\n  ${logExcerpt.join('\n  ')}` : text;
	if (!record) {
		const message = withLog(`n8n ${describeEnd(end)} before it started an execution of the workflow.`);
		const hint =
			'Check that the workflow was imported (n8n import:workflow) and that n8n starts; the lines above say why it stopped.';
		return { status: 'missing', ok: false, exitCode: end.code, crashedOnExit, failure: { kind: 'no-execution', message, hint } };
	}
	if (record.status === 'success') return { status: 'success', ok: true, exitCode: 0, crashedOnExit, failure: null };
	if (FINISHED.includes(record.status) && record.hasStopped) {
		const error = record.error ?? {};
		const where = error.node?.name ? ` in node "${error.node.name}"` : '';
		const reason = error.message ?? (record.status === 'canceled' ? 'n8n canceled the execution' : 'no error message');
		const message = `The workflow failed${where}: ${reason}${error.description ? `\n${error.description}` : ''}`;
		const hint =
			'n8n itself ran fine: fix what the error names (credential, API key, balance, node parameters) and run again.';
		return { status: record.status, ok: false, exitCode: 1, crashedOnExit, failure: { kind: 'workflow-error', message, hint } };
	}
	const message = withLog(
		`n8n ${describeEnd(end)} before execution ${record.id} finished (n8n's database still has it as "${record.status}").`,
	);
	const hint = end.timedOut
		? 'The run took longer than the time limit: check that the image service answers, or allow more time.'
		: "Run it again. If it stops again, read n8n's log lines above; n8n needs about 1 GB of free memory for itself and its task runner.";
	return { status: 'unfinished', ok: false, exitCode: end.code, crashedOnExit, failure: { kind: 'n8n-stopped', message, hint } };
}

module.exports = { parseLogLines, decideOutcome, errorLines };
