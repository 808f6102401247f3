import { createHash } from 'node:crypto';

import { RATE_LIMIT_WINDOW_MS } from '../helpers/constants';
import { RequestBudget } from './requestBudget';

interface Entry {
	budget: RequestBudget;
	/** The Requests per 10 Seconds of every execution using the key now, one per lease. */
	leasedRequestsPerWindow: number[];
	lastReleasedAt: number;
}

/** One budget per API key and base URL, shared by every execution of this n8n process. */
const budgets = new Map<string, Entry>();

/** Decides the first-burst jitter of new budgets; tests fix it to make timing exact. */
let randomForNewBudgets: () => number = Math.random;

/** The registry never holds the key itself, only a hash of it with the base URL. */
function entryKey(baseUrl: string, apiKey: string): string {
	return createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex');
}

/** A key's budget is dropped once no execution uses it and its window is over: memory stays flat. */
function dropIdleEntries(now: number): void {
	for (const [key, entry] of budgets) {
		if (entry.leasedRequestsPerWindow.length === 0 && entry.budget.waiting === 0 && now - entry.lastReleasedAt > RATE_LIMIT_WINDOW_MS) {
			budgets.delete(key);
		}
	}
}

export interface BudgetLease {
	budget: RequestBudget;
	/** Call once when the execution no longer sends requests. */
	release(): void;
}

/** The lowest Requests per 10 Seconds of the executions using the key applies to all of them. */
function applyLowestRequestsPerWindow(entry: Entry): void {
	if (entry.leasedRequestsPerWindow.length === 0) return;
	entry.budget.setRequestsPerWindow(Math.min(...entry.leasedRequestsPerWindow));
}

/**
 * The shared budget for this key, held until `release`. Releasing gives the executions
 * still running the lowest Requests per 10 Seconds among them at once.
 */
export function leaseBudget(baseUrl: string, apiKey: string, requestsPerWindow: number): BudgetLease {
	const now = Date.now();
	dropIdleEntries(now);
	const key = entryKey(baseUrl, apiKey);
	let entry = budgets.get(key);
	if (!entry) {
		entry = {
			budget: new RequestBudget(requestsPerWindow, RATE_LIMIT_WINDOW_MS, randomForNewBudgets),
			leasedRequestsPerWindow: [],
			lastReleasedAt: now,
		};
		budgets.set(key, entry);
	}
	const held = entry;
	held.leasedRequestsPerWindow.push(requestsPerWindow);
	applyLowestRequestsPerWindow(held);
	let released = false;
	return {
		budget: held.budget,
		release: () => {
			if (released) return;
			released = true;
			held.leasedRequestsPerWindow.splice(held.leasedRequestsPerWindow.indexOf(requestsPerWindow), 1);
			held.lastReleasedAt = Date.now();
			applyLowestRequestsPerWindow(held);
		},
	};
}

/** How many keys have a budget now (for tests of the memory bound). */
export function budgetCount(): number {
	return budgets.size;
}

/** Forgets every budget: a fresh process, for tests, whose new budgets draw their jitter from `random`. */
export function clearBudgets(random: () => number = Math.random): void {
	budgets.clear();
	randomForNewBudgets = random;
}
