import { RequestBudget } from '../../../nodes/NanoBanana/transport/requestBudget';
import { REQUEST_GAP_MS } from '../../../nodes/NanoBanana/transport/budgetTuning';
import { far, noJitter } from '../../helpers/budgetTestClock';

test('while a request is unanswered the next goes out a request gap after it; answered at once, at once', async () => {
	const budget = new RequestBudget(20, 10_000, noJitter);
	const answeredAtOnce: number[] = [];
	for (const priority of [1, 2, 3]) {
		(await budget.acquire({ priority, deadline: far() }))?.answered({ kind: 'accepted' });
		answeredAtOnce.push(Date.now());
	}
	// Three accepted answers let four be in flight: these go out while the earlier ones are unanswered.
	const granted: number[] = [];
	await Promise.all(
		[4, 5, 6].map(async (priority) => {
			if (await budget.acquire({ priority, deadline: far() })) granted.push(Date.now());
		}),
	);
	const gaps = granted.slice(1).map((at, index) => at - granted[index]);
	// A few ms of timer slack: without the gap these would be 0 to 1 ms apart.
	expect(Math.min(...gaps)).toBeGreaterThanOrEqual(REQUEST_GAP_MS - 5);
	expect(answeredAtOnce[2] - answeredAtOnce[0]).toBeLessThan(REQUEST_GAP_MS);
});
