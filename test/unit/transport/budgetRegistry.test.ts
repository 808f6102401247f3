import { budgetCount, clearBudgets, leaseBudget } from '../../../nodes/NanoBanana/transport/budgetRegistry';

beforeEach(() => clearBudgets());

test('executions with the same key and base URL share one budget; another key gets its own', () => {
	const a = leaseBudget('http://api', 'sk-one', 20);
	const b = leaseBudget('http://api', 'sk-one', 20);
	const c = leaseBudget('http://api', 'sk-two', 20);
	const d = leaseBudget('http://other', 'sk-one', 20);
	expect(a.budget).toBe(b.budget);
	expect(c.budget).not.toBe(a.budget);
	expect(d.budget).not.toBe(a.budget);
	expect(budgetCount()).toBe(3);
});

test('the lowest Requests per 10 Seconds of the executions using a key applies, and no longer once its execution ends', () => {
	const a = leaseBudget('http://api', 'sk-one', 20);
	const b = leaseBudget('http://api', 'sk-one', 5);
	const c = leaseBudget('http://api', 'sk-one', 10);
	expect(a.budget.allowedPerWindow).toBe(5);
	b.release();
	expect(a.budget.allowedPerWindow).toBe(10);
	c.release();
	expect(a.budget.allowedPerWindow).toBe(20);
});

test('a lease released twice gives back its own Requests per 10 Seconds only', () => {
	const a = leaseBudget('http://api', 'sk-one', 5);
	const b = leaseBudget('http://api', 'sk-one', 5);
	leaseBudget('http://api', 'sk-one', 20);
	b.release();
	b.release();
	expect(a.budget.allowedPerWindow).toBe(5);
});

test('the next execution on a key gets its own Requests per 10 Seconds, not the one of an execution that ended', () => {
	leaseBudget('http://api', 'sk-one', 2).release();
	const next = leaseBudget('http://api', 'sk-one', 20);
	expect(next.budget.allowedPerWindow).toBe(20);
});

test('unused budgets are dropped once their window is over, so memory does not grow with keys', () => {
	const realNow = Date.now;
	try {
		for (let i = 0; i < 100; i++) leaseBudget('http://api', `sk-${i}`, 20).release();
		expect(budgetCount()).toBe(100);
		Date.now = () => realNow() + 11_000;
		const held = leaseBudget('http://api', 'sk-new', 20);
		expect(budgetCount()).toBe(1);
		held.release();
	} finally {
		Date.now = realNow;
	}
});

test('a budget in use is kept', () => {
	const realNow = Date.now;
	try {
		leaseBudget('http://api', 'sk-busy', 20);
		Date.now = () => realNow() + 60_000;
		leaseBudget('http://api', 'sk-other', 20);
		expect(budgetCount()).toBe(2);
	} finally {
		Date.now = realNow;
	}
});
