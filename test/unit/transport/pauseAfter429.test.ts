/** How long a 429 pauses the key: this process's own requests in the window, and Retry-After as the earliest, say when it frees. */
import { RequestBudget } from '../../../nodes/NanoBanana/transport/requestBudget';
import type { BudgetAnswer, BudgetSlot } from '../../../nodes/NanoBanana/transport/requestBudget';
import { roomAfter429Ms } from '../../../nodes/NanoBanana/transport/budgetTuning';
import { far, noJitter } from '../../helpers/budgetTestClock';

const WINDOW_MS = 10_000;
/** At 20 requests per 10 s. */
const SLOT_MS = 500;

describe('room after a 429', () => {
	const now = 20_000;
	const accepted = (at: number) => ({ grantedAt: at, answeredAt: at, accepted: true });
	const slots = [
		accepted(9_000), // out of the window already
		{ grantedAt: 12_000, answeredAt: 12_000 }, // refused: a lenient limiter never counted it
		{ grantedAt: 13_000 }, // in flight
		accepted(14_000),
		accepted(15_000),
		accepted(16_000),
	];

	test('own requests: when the second oldest accepted one still in the window ages out', () => {
		expect(roomAfter429Ms(undefined, slots, WINDOW_MS, now)).toBe(5_000);
		// One is not enough: it makes up for the refused request, which a limiter may count too.
		expect(roomAfter429Ms(undefined, [accepted(14_000)], WINDOW_MS, now)).toBeUndefined();
		expect(roomAfter429Ms(undefined, [], WINDOW_MS, now)).toBeUndefined();
	});

	test('Retry-After, when present, is the earliest: the later of it and own requests', () => {
		expect(roomAfter429Ms(2_000, slots, WINDOW_MS, now)).toBe(5_000);
		expect(roomAfter429Ms(7_000, slots, WINDOW_MS, now)).toBe(7_000);
		expect(roomAfter429Ms(2_000, [accepted(14_000)], WINDOW_MS, now)).toBe(2_000);
		expect(roomAfter429Ms(2_000, [], WINDOW_MS, now)).toBe(2_000);
	});
});

describe('the pause of a key budget (clock under the test\'s control)', () => {
	let startedAt = 0;
	beforeEach(() => {
		jest.useFakeTimers();
		startedAt = Date.now();
	});
	afterEach(() => jest.useRealTimers());

	/** Asks for a slot and answers it `answer` at `answerAtMs` after the test started; resolves with when it was granted. */
	async function send(budget: RequestBudget, answerAtMs: number, answer: BudgetAnswer): Promise<number> {
		let grantedAt = -1;
		const granted = budget.acquire({ priority: 0, deadline: far() }).then((slot: BudgetSlot | undefined) => {
			grantedAt = Date.now() - startedAt;
			return slot;
		});
		await jest.advanceTimersByTimeAsync(Math.max(0, startedAt + answerAtMs - Date.now()));
		(await granted)?.answered(answer);
		return grantedAt;
	}

	/** Three accepted requests at 0, 1 and 2 s, then one turned away at 3 s. */
	async function refusedAfterThree(budget: RequestBudget, retryAfterMs?: number): Promise<void> {
		await send(budget, 0, { kind: 'accepted' });
		await send(budget, 1000, { kind: 'accepted' });
		await send(budget, 2000, { kind: 'accepted' });
		await send(budget, 3000, { kind: 'rateLimited', retryAfterMs });
	}

	test('without Retry-After: until the second oldest of its own requests ages out, and a slot more', async () => {
		const budget = new RequestBudget(20, WINDOW_MS, noJitter);
		await refusedAfterThree(budget);
		expect(budget.allowedPerWindow).toBe(14);
		// The one answered at 1 s ages out at 11 s: a whole window would have waited until 13 s.
		expect(await send(budget, 12_000, { kind: 'accepted' })).toBe(11_000 + SLOT_MS);
	});

	test('with Retry-After: that long, and a slot more', async () => {
		const budget = new RequestBudget(20, WINDOW_MS, noJitter);
		await refusedAfterThree(budget, 9000);
		expect(await send(budget, 14_000, { kind: 'accepted' })).toBe(12_000 + SLOT_MS);
	});

	test('with a shorter Retry-After: until its own requests free a slot', async () => {
		const budget = new RequestBudget(20, WINDOW_MS, noJitter);
		await refusedAfterThree(budget, 2000);
		// A strict limiter counts the others turned away after this refusal: the room Retry-After promised may be theirs.
		expect(await send(budget, 14_000, { kind: 'accepted' })).toBe(11_000 + SLOT_MS);
	});

	test('with fewer than two of its own requests in the window and no Retry-After: a whole window', async () => {
		const budget = new RequestBudget(20, WINDOW_MS, noJitter);
		await send(budget, 0, { kind: 'accepted' });
		await send(budget, 1000, { kind: 'rateLimited' });
		expect(await send(budget, 12_000, { kind: 'accepted' })).toBe(1000 + WINDOW_MS);
	});

	test('a request refused after that pause shows the window was not free: a whole window then, and no second decrease', async () => {
		const budget = new RequestBudget(20, WINDOW_MS, noJitter);
		await refusedAfterThree(budget);
		expect(await send(budget, 11_500, { kind: 'rateLimited' })).toBe(11_500);
		expect(budget.allowedPerWindow).toBe(14);
		expect(await send(budget, 30_000, { kind: 'accepted' })).toBe(11_500 + WINDOW_MS);
	});

	test('a 429 after requests accepted since the pause is new congestion, even within a window: lower again, own requests tell the pause', async () => {
		const budget = new RequestBudget(20, WINDOW_MS, noJitter);
		await refusedAfterThree(budget);
		await send(budget, 12_000, { kind: 'accepted' });
		await send(budget, 13_000, { kind: 'accepted' });
		await send(budget, 14_000, { kind: 'rateLimited' });
		// 70% of 70%: 9.8 requests per window.
		expect(budget.allowedPerWindow).toBe(9);
		// The second of its accepted requests since (answered at 13 s) ages out at 23 s.
		expect(await send(budget, 30_000, { kind: 'accepted' })).toBe(23_000 + SLOT_MS);
	});
});
