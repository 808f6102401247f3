/**
 * How the harness names the end of an `n8n execute` (no n8n needed: runs in `npm test`).
 * The record is n8n's saved execution; the process end is how `n8n execute` exited.
 */
import { decideOutcome, parseLogLines } from './outcome';

const exited = (code: number | null, signal: string | null = null) => ({ code, signal, timedOut: false });
const record = (status: string, extra: Record<string, unknown> = {}) => ({
	id: '7',
	status,
	hasStopped: status !== 'running',
	error: undefined,
	...extra,
});

test('a saved success is a success even when n8n then dies with SIGSEGV in process.exit', () => {
	const outcome = decideOutcome(record('success'), exited(null, 'SIGSEGV'), []);
	expect(outcome).toMatchObject({ ok: true, status: 'success', exitCode: 0, crashedOnExit: 'SIGSEGV', failure: null });
});

test('a saved error is the workflow failing, with the node and n8n\'s message', () => {
	const error = { message: 'Runbase rejected the API key', description: 'Open the credential', node: { name: 'Nano Banana' } };
	const outcome = decideOutcome(record('error', { error }), exited(1), []);
	expect(outcome.status).toBe('error');
	expect(outcome.failure).toEqual({
		kind: 'workflow-error',
		message: 'The workflow failed in node "Nano Banana": Runbase rejected the API key\nOpen the credential',
		hint: expect.stringContaining('n8n itself ran fine'),
	});
});

test('a record still running after n8n ended is n8n stopping, with its error lines', () => {
	const logs = parseLogLines(
		[
			JSON.stringify({ level: 'info', message: 'Loading nodes' }),
			JSON.stringify({ level: 'error', message: 'Unrecognized node type: x.y\n    at getNode (file.js:1:1)' }),
			'Segmentation fault',
		].join('\n'),
	);
	const outcome = decideOutcome(record('running'), exited(1), logs);
	expect(outcome.failure?.kind).toBe('n8n-stopped');
	expect(outcome.failure?.message).toBe(
		'n8n exited with code 1 before execution 7 finished (n8n\'s database still has it as "running").\n' +
			"n8n's last log lines:\n  Unrecognized node type: x.y\n  Segmentation fault",
	);
});

test('a run killed at the time limit says so', () => {
	const outcome = decideOutcome(record('running'), { code: null, signal: 'SIGTERM', timedOut: true, timeoutMs: 20_000 }, []);
	expect(outcome.status).toBe('unfinished');
	expect(outcome.failure?.message).toMatch(/^n8n was stopped by the harness after its time limit \(20 s\) before execution 7/);
	expect(outcome.failure?.hint).toMatch(/longer than the time limit/);
});

test('no record at all: n8n ended before it started the run', () => {
	const logs = parseLogLines(JSON.stringify({ level: 'info', message: 'The workflow with the id "x" does not exist.' }));
	const outcome = decideOutcome(null, exited(1), logs);
	expect(outcome.status).toBe('missing');
	expect(outcome.failure?.kind).toBe('no-execution');
	expect(outcome.failure?.message).toContain('The workflow with the id "x" does not exist.');
});
