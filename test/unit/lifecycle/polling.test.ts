import { CompletionEstimator } from '../../../nodes/NanoBanana/lifecycle/completionEstimator';
import { nextCheckDelayMs } from '../../../nodes/NanoBanana/lifecycle/waitForRun';

describe('nextCheckDelayMs', () => {
	test('checks at the poll interval for the first misses, then slower, up to 10 s', () => {
		expect([1, 2, 3].map((misses) => nextCheckDelayMs(misses, 2000))).toEqual([2000, 2000, 2000]);
		expect(nextCheckDelayMs(4, 2000)).toBe(3000);
		expect(nextCheckDelayMs(5, 2000)).toBe(4500);
		expect(nextCheckDelayMs(30, 2000)).toBe(10_000);
	});
	test('checks more tightly while the budget has room to spare', () => {
		expect([1, 2, 3, 4, 5].map((misses) => nextCheckDelayMs(misses, 2000, true))).toEqual([400, 400, 400, 400, 400]);
		expect(nextCheckDelayMs(6, 2000, true)).toBe(600);
		expect(nextCheckDelayMs(1, 200, true)).toBe(200);
		expect(nextCheckDelayMs(30, 2000, true)).toBe(10_000);
	});
	test('an interval above 10 s is kept as the user set it', () => {
		expect(nextCheckDelayMs(30, 20_000)).toBe(20_000);
	});
});

describe('CompletionEstimator', () => {
	const run = (ms: number) => ({ id: 'r', status: 'succeeded', createdAt: new Date(0).toISOString(), completedAt: new Date(ms).toISOString() });
	test('uses the prior until a run has finished', () => {
		expect(new CompletionEstimator().expectedMs(7000)).toBe(7000);
	});
	test('learns from Runbase timestamps: the median when eager, the 80th percentile otherwise', () => {
		const estimator = new CompletionEstimator();
		for (const ms of [5000, 6000, 7000, 8000, 9000]) estimator.record(run(ms), 99_999);
		// Eager, the prior (7 s) counts as five runs: [5, 6, 7 x 6, 8, 9] s; patient, five runs are enough.
		expect(estimator.expectedMs(7000, true)).toBe(7150);
		expect(estimator.expectedMs(7000)).toBe(9150);
	});
	test('for an eager check the prior counts as five runs: one fast run does not move the first check, many do', () => {
		const estimator = new CompletionEstimator();
		estimator.record(run(5000), 0);
		expect(estimator.expectedMs(7000, true)).toBe(7150);
		for (let i = 0; i < 5; i++) estimator.record(run(5000), 0);
		expect(estimator.expectedMs(7000, true)).toBe(5150);
	});
	test('falls back to the observed time without timestamps, and keeps only recent runs', () => {
		const estimator = new CompletionEstimator();
		estimator.record({ id: 'r', status: 'succeeded' }, 4000);
		// Patient: the prior fills in for the four runs missing.
		expect(estimator.expectedMs(1000)).toBe(4150);
		for (let i = 0; i < 60; i++) estimator.record(run(2000), 0);
		expect(estimator.expectedMs(1000)).toBe(2150);
	});
});
