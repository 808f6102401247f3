/**
 * Fault suite, rule: a transient fault on an API answer (5xx, 429, drops, stalls, broken JSON,
 * unknown status words, an odd create status) costs time, never an item: every item still gets its images,
 * from exactly one run.
 *
 * Checks and fixtures: test/helpers/faultChecks.ts (audit, leaks, runMany) and test/helpers/fixtures.ts.
 */
import { all, audit, runsFor, requestsWithFault, runMany, useFaultSimulator } from '../helpers/faultChecks';

const sim = useFaultSimulator();

describe('transient faults: every item still gets its images, from exactly one run', () => {
	test('no fault (baseline): 10 items, 10 creates', async () => {
		const ran = await runMany('baseline', { count: 10 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(sim.stats()).toMatchObject({ creates: 10, runsCreated: 10, downloads: 10 });
	});

	test('a third of the polls answer 500 / 502 / 503 (502 and 503 as a proxy HTML page)', async () => {
		sim.configure({ pollFaults: { rate: 0.35, statuses: [500, 502, 503] } });
		const ran = await runMany('poll 5xx', { count: 10 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(requestsWithFault(sim, 'pollFaults', 'poll').length).toBeGreaterThanOrEqual(3);
		expect(sim.stats().creates).toBe(10);
	});

	test('a burst of 429 with Retry-After on creates and polls', async () => {
		sim.configure({ burst429: { count: 6, on: 'any', retryAfter: true, retryAfterSeconds: 1 } });
		const ran = await runMany('429 retry-after', { count: 10 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(sim.stats().rateLimited).toBe(6);
		expect(sim.stats().runsCreated).toBe(10);
		// 429 is the one create answer that is re-sent: the server certainly started nothing.
		expect(sim.stats().creates).toBe(10 + requestsWithFault(sim, 'burst429', 'create').length);
	});

	test('a burst of 429 without Retry-After (each signal pauses a whole window, with jitter)', async () => {
		sim.configure({ burst429: { count: 3, on: 'any', retryAfter: false } });
		const ran = await runMany('429 no retry-after', { count: 10, options: { timeout: 50 } });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(sim.stats().rateLimited).toBe(3);
	}, 60_000);

	test('429 USAGE_EXCEEDED on polls: not retried, each item names its paid run, the others finish', async () => {
		sim.configure({ burst429: { count: 4, on: 'poll', retryAfter: false, code: 'USAGE_EXCEEDED' } });
		const ran = await runMany('429 usage', { count: 8 });
		const { ok, failed, errors } = await audit(ran);
		expect(failed).toHaveLength(4);
		expect(ok).toHaveLength(4);
		for (const [index, json] of errors) {
			expect(json.error).toBe('This Runbase API key has reached its usage cap (USAGE_EXCEEDED)');
			expect(json.runId).toBe(runsFor(sim, ran.prompts[index])[0].id);
		}
		expect(sim.stats().creates).toBe(8);
	});

	test("Runbase's own sliding-window limit that the node was not told about", async () => {
		sim.configure({ rateLimit: { requests: 8, windowMs: 1500, retryAfter: true } });
		const ran = await runMany('server limit', { count: 10, options: { timeout: 25 } });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(sim.stats().rateLimited).toBeGreaterThan(0);
		expect(sim.stats().runsCreated).toBe(10);
	}, 40_000);

	test('dropped connections on polls', async () => {
		sim.configure({ dropConnections: { count: 4, on: 'poll' } });
		const ran = await runMany('poll drops', { count: 8 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(requestsWithFault(sim, 'dropConnections', 'poll')).toHaveLength(4);
		expect(sim.stats().creates).toBe(8);
	});

	test('polls that stall past the request timeout', async () => {
		sim.configure({ stall: { count: 3, on: 'poll', ms: 15_000 } });
		const ran = await runMany('poll stalls', { count: 8, options: { requestTimeout: 1 } });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(requestsWithFault(sim, 'stall', 'poll')).toHaveLength(3);
		expect(ran.elapsedMs).toBeLessThan(10_000);
	});

	test.each(['truncated', 'garbage'] as const)('polls answering 200 with %s JSON', async (kind) => {
		sim.configure({ malformedJson: { count: 4, on: 'poll', kind } });
		const ran = await runMany(`poll ${kind} json`, { count: 8 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(requestsWithFault(sim, 'malformedJson', 'poll')).toHaveLength(4);
	});

	test('a status word the node does not know, for a while: treated as still running', async () => {
		sim.configure({ unknownStatus: { count: 6, word: 'queued_for_gpu' } });
		const ran = await runMany('unknown status', { count: 8 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
		expect(requestsWithFault(sim, 'unknownStatus')).toHaveLength(6);
	});

	test.each([200, 202])('a create answered %i instead of 201', async (createStatus) => {
		sim.configure({ createStatus });
		const ran = await runMany(`create ${createStatus}`, { count: 4 });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
	});

	test('a storm of mixed faults over 12 items', async () => {
		sim.configure({
			pollFaults: { rate: 0.2 },
			burst429: { count: 3, on: 'any', retryAfter: true, retryAfterSeconds: 1 },
			dropConnections: { count: 2, on: 'poll' },
			malformedJson: { count: 2, on: 'poll', kind: 'truncated' },
			unknownStatus: { count: 3 },
			downloadFaults: { dropFirst: 1 },
		});
		const ran = await runMany('storm', { count: 12, options: { timeout: 25 } });
		const { ok } = await audit(ran);
		expect(ok).toEqual(all(ran));
	}, 40_000);
});
