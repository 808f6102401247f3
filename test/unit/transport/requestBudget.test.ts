import { RequestBudget } from '../../../nodes/NanoBanana/transport/requestBudget';
import type { BudgetAnswer, BudgetSlot } from '../../../nodes/NanoBanana/transport/requestBudget';
import { pauseAfter429Ms, REQUEST_GAP_MS } from '../../../nodes/NanoBanana/transport/budgetTuning';
import { far, noJitter } from '../../helpers/budgetTestClock';

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Asks for `count` slots at once and records the order and time they are granted. */
function request(budget: RequestBudget, priorities: number[]) {
	const granted: Array<{ priority: number; at: number; slot: BudgetSlot }> = [];
	const done = Promise.all(
		priorities.map(async (priority) => {
			const slot = await budget.acquire({ priority, deadline: far() });
			if (slot) granted.push({ priority, at: Date.now(), slot });
		}),
	);
	return { granted, done };
}

test('grants as many requests as a window allows, then one slot per answer that leaves the window', async () => {
	const budget = new RequestBudget(3, 300, noJitter);
	const start = Date.now();
	const times: number[] = [];
	await Promise.all(
		[1, 2, 3, 4].map(async (priority) => {
			const slot = await budget.acquire({ priority, deadline: far() });
			times.push(Date.now() - start);
			slot?.answered({ kind: 'accepted' });
		}),
	);
	expect(times.slice(0, 3).every((time) => time < 200)).toBe(true);
	// The fourth waited until the first answer was a whole window old.
	expect(times[3]).toBeGreaterThanOrEqual(290);
});

test('slow start: only one request goes out until its answer shows the window has room', async () => {
	const budget = new RequestBudget(20, 10_000, noJitter);
	const { granted } = request(budget, [1, 2, 3, 4, 5, 6]);
	// Longer than the request gap, shorter than a quiet spell (which would start slow again).
	await sleep(REQUEST_GAP_MS + 100);
	expect(granted).toHaveLength(1);
	granted[0].slot.answered({ kind: 'accepted' });
	await sleep(REQUEST_GAP_MS + 100);
	// Each accepted answer allows one more in flight: 1, then 2, then 3 ...
	expect(granted).toHaveLength(3);
	for (const grant of granted.slice(1)) grant.slot.answered({ kind: 'accepted' });
	await sleep(3 * REQUEST_GAP_MS);
	expect(granted).toHaveLength(6);
});

test('a new budget sends its first request at once and holds the rest of its first burst back a random while', async () => {
	const budget = new RequestBudget(20, 10_000, () => 0.3);
	const start = Date.now();
	const times: number[] = [];
	await Promise.all(
		[1, 2, 3].map(async (priority) => {
			const slot = await budget.acquire({ priority, deadline: far() });
			times.push(Date.now() - start);
			slot?.answered({ kind: 'accepted' });
		}),
	);
	expect(times[0]).toBeLessThan(100);
	// 0.3 of the 1 s first-burst jitter; later requests of this budget are never held back so again.
	expect(times[1]).toBeGreaterThanOrEqual(290);
	const later = Date.now();
	await budget.acquire({ priority: 4, deadline: far() });
	expect(Date.now() - later).toBeLessThan(100);
});

test('when slots are scarce the lowest priority number goes first', async () => {
	const budget = new RequestBudget(1, 100, noJitter);
	const first = await budget.acquire({ priority: 0, deadline: far() });
	const { granted, done } = request(budget, [30, 10, 20]);
	await sleep(20);
	first?.answered({ kind: 'accepted' });
	for (let i = 0; i < 3; i++) {
		await sleep(130);
		granted[i]?.slot.answered({ kind: 'accepted' });
	}
	await done;
	expect(granted.map((grant) => grant.priority)).toEqual([10, 20, 30]);
});

test('a request still in flight holds its slot however long it takes', async () => {
	const budget = new RequestBudget(1, 50, noJitter);
	await budget.acquire({ priority: 0, deadline: far() });
	const second = budget.acquire({ priority: 0, deadline: Date.now() + 200 });
	await expect(second).resolves.toBeUndefined();
});

test('a waiter whose deadline passes gets no slot, and the others are not disturbed', async () => {
	const budget = new RequestBudget(1, 10_000, noJitter);
	const held = await budget.acquire({ priority: 0, deadline: far() });
	const early = budget.acquire({ priority: 1, deadline: Date.now() + 100 });
	const late = budget.acquire({ priority: 2, deadline: Date.now() + 5_000 });
	await expect(early).resolves.toBeUndefined();
	held?.answered({ kind: 'noAnswer' });
	expect(budget.waiting).toBe(1);
	void late;
});

test('cancelling one request withdraws it alone', async () => {
	const budget = new RequestBudget(1, 200, noJitter);
	const held = await budget.acquire({ priority: 0, deadline: far() });
	const controller = new AbortController();
	const cancelled = budget.acquire({ priority: 1, deadline: far(), signal: controller.signal });
	const other = budget.acquire({ priority: 2, deadline: far() });
	controller.abort(new Error('cancelled'));
	await expect(cancelled).rejects.toThrow('cancelled');
	held?.answered({ kind: 'accepted' });
	await expect(other).resolves.toBeDefined();
});

test('a 429 with Retry-After pauses every request for that long and lowers the rate to 70%', async () => {
	const budget = new RequestBudget(10, 1000, noJitter);
	const slot = await budget.acquire({ priority: 0, deadline: far() });
	slot?.answered({ kind: 'rateLimited', retryAfterMs: 300 });
	expect(budget.allowedPerWindow).toBe(7);
	const asked = Date.now();
	await budget.acquire({ priority: 0, deadline: far() });
	expect(Date.now() - asked).toBeGreaterThanOrEqual(290);
});

test('a 429 without Retry-After pauses until the window has cleared', async () => {
	const budget = new RequestBudget(10, 400, noJitter);
	const slot = await budget.acquire({ priority: 0, deadline: far() });
	const answeredAt = Date.now();
	slot?.answered({ kind: 'rateLimited' });
	await budget.acquire({ priority: 0, deadline: far() });
	expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(390);
});

test('429s of requests sent before the last decrease count as one event', async () => {
	const budget = new RequestBudget(16, 1000, noJitter);
	const slots = await Promise.all(Array.from({ length: 7 }, async () => await budget.acquire({ priority: 0, deadline: far() })));
	for (const slot of slots) slot?.answered({ kind: 'rateLimited', retryAfterMs: 100 });
	expect(budget.allowedPerWindow).toBe(11);
});

test('after a pause requests are released evenly at the new rate, not all at once', async () => {
	const budget = new RequestBudget(8, 400, noJitter);
	const slot = await budget.acquire({ priority: 0, deadline: far() });
	slot?.answered({ kind: 'rateLimited', retryAfterMs: 50 });
	const { granted, done } = request(budget, [1, 2, 3]);
	await done;
	// Rate 5 per 400 ms: one grant every 80 ms.
	expect(granted[1].at - granted[0].at).toBeGreaterThanOrEqual(70);
	expect(granted[2].at - granted[1].at).toBeGreaterThanOrEqual(70);
});

test('accepted answers raise the rate again, up to Requests per 10 Seconds', async () => {
	const budget = new RequestBudget(4, 50, noJitter);
	const slot = await budget.acquire({ priority: 0, deadline: far() });
	slot?.answered({ kind: 'rateLimited', retryAfterMs: 0 });
	expect(budget.allowedPerWindow).toBe(2);
	for (let i = 0; i < 40; i++) {
		const next = await budget.acquire({ priority: 0, deadline: far() });
		next?.answered({ kind: 'accepted' });
	}
	expect(budget.allowedPerWindow).toBe(4);
});

test('a pause ends a random 0 to 2 slot intervals late, so clients turned away together arrive apart', () => {
	// 20 requests per 10 s: one slot interval is 0.5 s.
	expect(pauseAfter429Ms(undefined, 10_000, 20, () => 0)).toBe(10_000);
	// Without Retry-After: the whole window, then the spread.
	expect(pauseAfter429Ms(undefined, 10_000, 20, () => 0.5)).toBe(10_500);
	// With Retry-After: one slot more, then the spread.
	expect(pauseAfter429Ms(1000, 10_000, 20, () => 0)).toBe(1500);
	expect(pauseAfter429Ms(1000, 10_000, 20, () => 0.5)).toBe(2000);
	expect(pauseAfter429Ms(1000, 10_000, 20, () => 0.999)).toBeCloseTo(2499, 0);
	// Never beyond the cap.
	expect(pauseAfter429Ms(3_600_000, 10_000, 20, () => 0)).toBe(60_000);
	expect(pauseAfter429Ms(59_000, 10_000, 20, () => 0.9)).toBe(60_000);
});

describe('when Requests per 10 Seconds changes (clock under the test\'s control)', () => {
	const WINDOW_MS = 10_000;

	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	/**
	 * One request after another, each answered `answer`; the clock moves `stepMs` per request (a whole
	 * window unless told; less keeps a test within the minute a lowered rate is remembered).
	 */
	async function send(budget: RequestBudget, count: number, answer: BudgetAnswer, stepMs = WINDOW_MS): Promise<void> {
		for (let i = 0; i < count; i++) {
			const granted = budget.acquire({ priority: 0, deadline: far() });
			await jest.advanceTimersByTimeAsync(stepMs);
			(await granted)?.answered(answer);
		}
	}

	test('a lowered Requests per 10 Seconds applies at once, and so does raising it again', async () => {
		const budget = new RequestBudget(20, WINDOW_MS, noJitter);
		budget.setRequestsPerWindow(2);
		expect(budget.allowedPerWindow).toBe(2);
		await send(budget, 5, { kind: 'accepted' });
		budget.setRequestsPerWindow(20);
		expect(budget.allowedPerWindow).toBe(20);
	});

	test('raising Requests per 10 Seconds lets requests already waiting for the window go at once (a request gap apart)', async () => {
		const budget = new RequestBudget(1, WINDOW_MS, noJitter);
		(await budget.acquire({ priority: 0, deadline: far() }))?.answered({ kind: 'accepted' });
		const { granted } = request(budget, [1]);
		await jest.advanceTimersByTimeAsync(0);
		expect(granted).toHaveLength(0);
		budget.setRequestsPerWindow(20);
		await jest.advanceTimersByTimeAsync(REQUEST_GAP_MS);
		expect(granted).toHaveLength(1);
	});

	test('a rate lowered by a 429 still recovers gradually after a lower Requests per 10 Seconds is lifted', async () => {
		const budget = new RequestBudget(20, WINDOW_MS, noJitter);
		await send(budget, 1, { kind: 'rateLimited', retryAfterMs: 0 });
		expect(budget.allowedPerWindow).toBe(14);
		budget.setRequestsPerWindow(2);
		// Answers at 2 per window say nothing about room at 14: the rate stays where the 429 left it.
		await send(budget, 5, { kind: 'accepted' }, WINDOW_MS / 2);
		budget.setRequestsPerWindow(20);
		expect(budget.allowedPerWindow).toBe(14);
		await send(budget, 20, { kind: 'accepted' }, 1000);
		expect(budget.allowedPerWindow).toBe(15);
	});

	test('a 429 under a lowered Requests per 10 Seconds: the rate recovers to it, then follows it when it is lifted', async () => {
		const budget = new RequestBudget(20, WINDOW_MS, noJitter);
		budget.setRequestsPerWindow(10);
		await send(budget, 1, { kind: 'rateLimited', retryAfterMs: 0 });
		expect(budget.allowedPerWindow).toBe(7);
		budget.setRequestsPerWindow(20);
		// Still recovering from the 429: lifting the lower limit does not skip that.
		expect(budget.allowedPerWindow).toBe(7);
		budget.setRequestsPerWindow(10);
		await send(budget, 30, { kind: 'accepted' }, 1500);
		expect(budget.allowedPerWindow).toBe(10);
		budget.setRequestsPerWindow(20);
		expect(budget.allowedPerWindow).toBe(20);
	});
});
