/**
 * The run ID of Get Run becomes one path segment of GET /runs/{id}: every ID the
 * check lets through must stay that segment, and dot segments must never pass.
 */
import type { INode } from 'n8n-workflow';

import { checkRunId } from '../../../nodes/NanoBanana/helpers/validation';

const node = { name: 'Nano Banana', type: 'n8n-nodes-runbase.nanoBanana', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;
const BASE = 'https://api.runbase.example/api/v1/';

/** The path the client requests for a run ID, as URL normalisation resolves it. */
const requestedPath = (runId: string) => new URL(`runs/${encodeURIComponent(runId)}`, BASE).pathname;

test.each(['.', '..', '...', ' .. ', '.'.repeat(200)])('the run ID "%s" is refused: it is only dots', (runId) => {
	expect(() => checkRunId(node, 2, runId)).toThrow(`The run ID "${runId.trim().slice(0, 80)}" is made only of dots [item 2]`);
});

test('encoding alone would not protect the path: it leaves dots as they are', () => {
	expect(encodeURIComponent('..')).toBe('..');
	expect(requestedPath('..')).toBe('/api/v1/');
});

test.each(['run_2abc', 'run-1.2', '.run', 'run..', 'a', 'x'.repeat(200)])('the run ID "%s" passes and stays one path segment', (runId) => {
	const checked = checkRunId(node, 0, runId);
	expect(checked).toBe(runId);
	expect(encodeURIComponent(checked)).toBe(checked);
	expect(requestedPath(checked)).toBe(`/api/v1/runs/${checked}`);
});

test.each(['run_1/../other', 'run%2e%2e', '%2e%2e', 'run 1', 'run?x=1', 'run#1', 'x'.repeat(201)])('the run ID "%s" is refused', (runId) => {
	expect(() => checkRunId(node, 0, runId)).toThrow(/^The run ID ".*" has characters a run ID never has \[item 0\]$/);
});
