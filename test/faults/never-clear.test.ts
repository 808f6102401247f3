/**
 * Fault suite, rule: a fault that never clears ends each item with a clear error in time,
 * no hang: server errors, unknown status words, failed runs, failing downloads, contract breaks.
 *
 * Checks and fixtures: test/helpers/faultChecks.ts (audit, leaks, runMany) and test/helpers/fixtures.ts.
 */
import type { SimulatorOptions } from '../simulator';
import { all, audit, runMany, runsFor, useFaultSimulator } from '../helpers/faultChecks';

const sim = useFaultSimulator();

describe('faults that never clear: a clear error in time, no hang', () => {
	test('every poll answers 5xx: each item fails by its deadline, naming its run; polls back off with jitter', async () => {
		sim.configure({ pollFaults: { rate: 1, statuses: [500, 502, 503] } });
		const ran = await runMany('poll 5xx forever', { count: 8, options: { timeout: 5 } });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		expect(ran.elapsedMs).toBeLessThan(5_000 + 3_000);
		for (const [index, json] of errors) {
			const run = runsFor(sim, ran.prompts[index])[0];
			expect(json.runId).toBe(run.id);
			expect(json.error).toBe(`Run ${run.id} did not finish within 5 seconds`);
			expect(json.description).toMatch(/The last status check failed: Runbase answered HTTP 50[023]\./);
			expect(json.description).toContain(`collect it later with the Get Run operation and run ID ${run.id}`);
		}
		// Back-off: the gaps between retried polls of a run grow, and differ between runs (jitter).
		const gaps = [...sim.runs.keys()].map((id) => {
			const at = sim.requests.filter((request) => request.kind === 'poll' && request.runId === id).map((request) => request.at);
			return at.slice(1).map((time, i) => time - at[i]);
		});
		for (const runGaps of gaps) {
			expect(runGaps.length).toBeGreaterThanOrEqual(2);
			expect(runGaps[0]).toBeGreaterThanOrEqual(300);
			expect(runGaps[1]).toBeGreaterThan(runGaps[0]);
		}
		expect(new Set(gaps.map((runGaps) => Math.round(runGaps[0] / 20))).size).toBeGreaterThan(1);
	});

	test('a status word the node does not know, forever: times out and reports the word', async () => {
		sim.configure({ unknownStatus: { count: 100_000, word: 'queued_for_gpu' } });
		const ran = await runMany('unknown status forever', { count: 6, options: { timeout: 2 } });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		expect(ran.elapsedMs).toBeLessThan(2_000 + 3_000);
		for (const [index, json] of errors) {
			const run = runsFor(sim, ran.prompts[index])[0];
			expect(json.error).toBe(`Run ${run.id} did not finish within 2 seconds`);
			expect(json.description).toContain('"queued_for_gpu" (a status this node does not know)');
			expect(json).toMatchObject({ runId: run.id, status: 'queued_for_gpu' });
		}
	});

	test('runs that end failed, with the error as a string, as {message, code}, or as a bare code', async () => {
		const reasons: Record<string, { error: string | { message: string; code?: string } } | null> = {
			'#1:': { error: 'Prompt blocked by the safety filter' },
			'#3:': { error: { message: 'A reference image could not be fetched', code: 'invalid_reference' } },
			'#5:': { error: { code: 'content_policy' } as unknown as { message: string } },
		};
		sim.configure({
			failWhen: (input) => Object.entries(reasons).find(([marker]) => input.prompt.includes(marker))?.[1] ?? null,
		});
		const ran = await runMany('failed runs', { count: 6 });
		const { ok, errors } = await audit(ran);
		expect(ok).toEqual([0, 2, 4]);
		const expected: Record<number, string> = {
			1: 'Runbase could not generate the image: Prompt blocked by the safety filter',
			3: 'Runbase could not generate the image: A reference image could not be fetched',
			5: 'Runbase could not generate the image: content_policy',
		};
		for (const [index, json] of errors) {
			const run = runsFor(sim, ran.prompts[index])[0];
			expect(json.error).toBe(expected[index]);
			expect(json).toMatchObject({ runId: run.id, status: 'failed' });
			expect(json.description).toContain('refunds failed runs');
		}
		expect(sim.stats().creates).toBe(6);
	});

	test('runs that fail with the simulator default error in both shapes', async () => {
		for (const failErrorShape of ['string', 'object'] as const) {
			sim.reset();
			sim.configure({ failPromptsMatching: /#[02]:/, failErrorShape });
			const ran = await runMany(`default failure ${failErrorShape}`, { count: 4 });
			const { ok, errors } = await audit(ran);
			expect(ok).toEqual([1, 3]);
			for (const json of errors.values()) {
				expect(json.error).toBe('Runbase could not generate the image: The model could not generate an image for this prompt');
			}
		}
	});

	test('a download that keeps failing after the run succeeded keeps the run: id, status and URLs', async () => {
		sim.configure({ downloadFaults: { failFirst: 100, status: 500 } });
		const ran = await runMany('download fails', { count: 6 });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		for (const [index, json] of errors) {
			const run = runsFor(sim, ran.prompts[index])[0];
			expect(json).toMatchObject({ runId: run.id, status: 'succeeded', urls: run.urls });
			expect(json.error).toBe(`Run ${run.id} succeeded, but downloading its image failed`);
			expect(json.description).toContain('The image host answered HTTP 500');
			expect(json.description).toContain(run.urls[0]);
		}
		// Transient download errors are retried (3 tries per image), the run is never re-created.
		expect(sim.stats()).toMatchObject({ downloads: 18, creates: 6 });
	}, 20_000);

	const contractBreaks: Array<{ name: string; brk: NonNullable<SimulatorOptions['contractBreak']>; message: RegExp; description: RegExp }> = [
		{
			name: 'create answer without an id',
			brk: { kind: 'missing_id', on: 'create' },
			message: /^Runbase's answer when starting the run has no run ID$/,
			description: /may have started/,
		},
		{
			name: 'poll answer without an id',
			brk: { kind: 'missing_id', on: 'poll' },
			message: /^Runbase's answer about run run_\w+ has no run ID$/,
			description: /Get Run operation and run ID run_/,
		},
		{
			name: 'succeeded with output.urls empty',
			brk: { kind: 'urls_empty' },
			message: /^Runbase reported run run_\w+ as succeeded but sent no usable image URLs \(output\.urls was an empty list\)$/,
			description: /Get Run operation with run ID run_/,
		},
		{
			name: 'succeeded with output.urls not an array',
			brk: { kind: 'urls_not_array' },
			message: /^Runbase reported run run_\w+ as succeeded but sent no usable image URLs \(output\.urls was string\)$/,
			description: /Get Run operation with run ID run_/,
		},
		{
			name: 'a 200 with an error body on polls',
			brk: { kind: 'error_body_200', on: 'poll' },
			message: /^Runbase answered with an error about run run_\w+: Something went wrong$/,
			description: /Get Run operation and run ID run_/,
		},
		{
			name: 'a 200 with an error body on create',
			brk: { kind: 'error_body_200', on: 'create' },
			message: /^Runbase answered with an error when starting the run: Something went wrong$/,
			description: /may have started/,
		},
		{
			name: 'a 200 HTML page (proxy login) on polls',
			brk: { kind: 'html_200', on: 'poll' },
			message: /^Run run_\w+ did not finish within 4 seconds$/,
			description: /The last status check failed: Runbase's answer was not JSON\. It began with: <!doctype html>.*Get Run operation and run ID run_/,
		},
		{
			name: 'a 200 HTML page (proxy login) on create',
			brk: { kind: 'html_200', on: 'create' },
			message: /^Runbase's answer when starting the run was not JSON\. It began with: <!doctype html>/,
			description: /may have started/,
		},
	];

	test.each(contractBreaks)('contract break: $name', async ({ brk, message, description }) => {
		sim.configure({ contractBreak: brk });
		const ran = await runMany(`contract ${brk.kind} ${brk.on ?? ''}`, { count: 6, options: { timeout: 4 } });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		expect(ran.elapsedMs).toBeLessThan(4_000 + 3_000);
		expect(sim.stats().creates).toBe(6);
		// A create whose answer broke the contract was still handled: the run exists, and it is not created again.
		expect(sim.stats().runsCreated).toBe(6);
		for (const json of errors.values()) {
			expect(json.error).toMatch(message);
			expect(json.description).toMatch(description);
		}
		expect(sim.stats().downloads).toBe(0);
	}, 20_000);
});
