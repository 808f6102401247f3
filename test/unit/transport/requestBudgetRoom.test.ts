/** When a run may have tight checks, and how long a 429 lowers the rate: the budget's view of spare room. */
import { RequestBudget } from '../../../nodes/NanoBanana/transport/requestBudget';
import { far, noJitter } from '../../helpers/budgetTestClock';

test('room for checks: the checks of every run being waited for must fit in the window with what it holds', async () => {
	const budget = new RequestBudget(10, 1000, noJitter);
	expect(budget.hasRoomForChecks(6)).toBe(true);
	for (let i = 0; i < 4; i++) (await budget.acquire({ priority: 0, deadline: far() }))?.answered({ kind: 'accepted' });
	// 4 in the window + 6 for one run fit in 10; a second run waited for needs 6 more.
	const stopFirst = budget.watchRun();
	expect(budget.hasRoomForChecks(6)).toBe(true);
	const stopSecond = budget.watchRun();
	expect(budget.hasRoomForChecks(6)).toBe(false);
	stopSecond();
	stopSecond();
	expect(budget.hasRoomForChecks(6)).toBe(true);
	(await budget.acquire({ priority: 0, deadline: far() }))?.answered({ kind: 'accepted' });
	expect(budget.hasRoomForChecks(6)).toBe(false);
	stopFirst();
});

test('room for checks comes back once the window has passed, without any request in between', async () => {
	const budget = new RequestBudget(4, 100, noJitter);
	for (let i = 0; i < 4; i++) (await budget.acquire({ priority: 0, deadline: far() }))?.answered({ kind: 'accepted' });
	expect(budget.hasRoomForChecks(2)).toBe(false);
	expect(budget.hasRoomForChecks(2, Date.now() + 150)).toBe(true);
});

test('a rate lowered by a 429 is forgotten a minute after the decrease', async () => {
	jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
	try {
		const budget = new RequestBudget(20, 10_000, noJitter);
		const slot = await budget.acquire({ priority: 0, deadline: far() });
		slot?.answered({ kind: 'rateLimited', retryAfterMs: 0 });
		expect(budget.allowedPerWindow).toBe(14);
		jest.setSystemTime(Date.now() + 59_000);
		expect(budget.allowedPerWindow).toBe(14);
		jest.setSystemTime(Date.now() + 2000);
		expect(budget.allowedPerWindow).toBe(20);
	} finally {
		jest.useRealTimers();
	}
});
