/**
 * Fault suite, rule: a create fault after which a run may exist is never sent again,
 * and the error says a run may have started (naming it when its id was seen).
 *
 * Checks and fixtures: test/helpers/faultChecks.ts (audit, leaks, runMany) and test/helpers/fixtures.ts.
 */
import { all, audit, runMany, runsFor, useFaultSimulator } from '../helpers/faultChecks';

const sim = useFaultSimulator();

describe('create faults after which a run may exist: never sent again, and the error says so', () => {
	test('5xx on create although the run started: not re-sent, error warns and names the run id it saw', async () => {
		sim.configure({ createStatus: 500 });
		const ran = await runMany('create 500', { count: 6 });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		expect(sim.stats().creates).toBe(6);
		for (const [index, json] of errors) {
			expect(json.error).toBe('Runbase had a server error (HTTP 500)');
			expect(json.description).toContain(`Run ${String(json.runId)} was started and may still finish`);
			// The 500 answer carried the run's id: the item must keep it so the run can be collected.
			expect(json.runId).toBe(runsFor(sim, ran.prompts[index])[0].id);
		}
	});

	test('response lost after the run was created (connection dropped after handling)', async () => {
		sim.configure({ dropConnections: { count: 3, on: 'create', when: 'after' } });
		const ran = await runMany('create lost response', { count: 10 });
		const { ok, errors } = await audit(ran);
		expect(ok).toHaveLength(7);
		expect(sim.stats()).toMatchObject({ creates: 10, runsCreated: 10 });
		for (const json of errors.values()) {
			expect(json.error).toBe('The connection to Runbase broke while starting the run');
			expect(json.description).toMatch(/may have started and been charged\. It was not sent again/);
		}
	});

	test('connection dropped before an answer on create', async () => {
		sim.configure({ dropConnections: { count: 3, on: 'create', when: 'before' } });
		const ran = await runMany('create dropped', { count: 10 });
		const { ok, errors } = await audit(ran);
		expect(ok).toHaveLength(7);
		expect(sim.stats()).toMatchObject({ creates: 10, runsCreated: 7 });
		for (const json of errors.values()) expect(json.description).toMatch(/may have started/i);
	});

	test('create stalls past the request timeout', async () => {
		sim.configure({ stall: { count: 2, on: 'create', ms: 15_000 } });
		const ran = await runMany('create stall', { count: 8, options: { requestTimeout: 1 } });
		const { ok, errors } = await audit(ran);
		expect(ok).toHaveLength(6);
		expect(sim.stats().creates).toBe(8);
		for (const json of errors.values()) expect(json.description).toMatch(/may have started/i);
	});

	test.each(['truncated', 'garbage'] as const)('create answered 200 with %s JSON: the run id seen is reported', async (kind) => {
		sim.configure({ malformedJson: { count: 3, on: 'create', kind } });
		const ran = await runMany(`create ${kind} json`, { count: 8 });
		const { ok, errors } = await audit(ran);
		expect(ok).toHaveLength(5);
		expect(sim.stats()).toMatchObject({ creates: 8, runsCreated: 8 });
		for (const [index, json] of errors) {
			const runId = runsFor(sim, ran.prompts[index])[0].id;
			expect(`${String(json.runId)} ${String(json.error)} ${String(json.description)}`).toContain(runId);
			expect(json.error).toMatch(/^Runbase's answer when starting the run was not JSON/);
			expect(json.description).toMatch(/may have started/i);
		}
	});

	test('429 on every create: retried until the Timeout, then a clear error, no run', async () => {
		sim.configure({ burst429: { count: 1000, on: 'create', retryAfter: true, retryAfterSeconds: 1 } });
		const ran = await runMany('create 429 forever', { count: 3, options: { timeout: 4 } });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		expect(sim.stats().runsCreated).toBe(0);
		for (const json of errors.values()) {
			// Whichever comes first: the deadline while waiting, or a Retry-After that would pass it.
			expect(json.error).toMatch(/^(The run could not be started before the Timeout|Runbase asked to wait 1 second, longer than this item's Timeout allows)$/);
			expect(json.description).toContain('No run was started and nothing was charged.');
		}
	}, 30_000);
});
