/**
 * Bad input: every bad value fails with one exact, actionable message
 * and never reaches Runbase (the simulator must see zero requests), so nothing
 * is paid for a run that could not be what the user wanted.
 *
 * The table is also written to /tmp/bad-input-table.md for the README.
 */
import { writeFileSync } from 'node:fs';

import { attempt } from './helpers/badInputs';
import { badItemInputs } from './helpers/badItemInputs';
import { badOptionInputs } from './helpers/badOptionInputs';
import { useSimulator } from './helpers/useSimulator';

const table = [...badItemInputs, ...badOptionInputs];

const sim = useSimulator({ pendingMs: 50, processingMs: 200 });

afterAll(() => {
	const lines = [
		'| Input | Message |',
		'|---|---|',
		...seen.map(({ input, message }) => `| ${cell(input)} | ${cell(message)} |`),
	];
	writeFileSync('/tmp/bad-input-table.md', `${lines.join('\n')}\n`);
});

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');

const seen: Array<{ input: string; message: string }> = [];

test.each(table)('$input → $message', async ({ input, parameters, items, noCredential, message }) => {
	const outcome = await attempt(sim, parameters, items, !noCredential);
	seen.push({ input, message: outcome.message });
	expect(outcome.message).toBe(message);
	// The node's own messages come with a description that says what to do.
	if (outcome.result && !noCredential) expect(outcome.description).toEqual(expect.stringMatching(/\S/));
	expect(outcome.result?.items ?? []).toHaveLength(0);
	expect(sim.requests).toHaveLength(0);
	expect(sim.runs.size).toBe(0);
});

test('the table has at least 15 bad inputs', () => {
	expect(table.length).toBeGreaterThanOrEqual(15);
});
