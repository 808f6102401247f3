import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import { hostAndPort } from '../helpers/addressPolicy';
import { RATE_LIMIT_WINDOW_MS } from '../helpers/constants';
import type { RunbaseRun } from '../helpers/interfaces';
import { runError } from '../helpers/runErrors';
import { wait } from '../helpers/wait';
import { runbaseApiError } from './apiErrors';
import type { ApiOutcome } from './apiRequest';
import { apiRequest } from './apiRequest';
import type { Connection } from './connection';
import { SSRF_BLOCKED } from './n8nSsrf';
import type { BudgetAnswer, RequestBudget } from './requestBudget';
import {
	backoffMs,
	isRateLimited,
	isUsageCapped,
	isWorthReconnecting,
	isWorthRepolling,
	isTlsFailure,
	MAX_UNREACHABLE_ATTEMPTS,
	retryAfterMs,
	wasNotSent,
} from './retryPolicy';
import { notJsonProblem, readRun } from './runAnswer';

/** The limits of one item's request: whose it is, how long it may wait, how long one try may take. */
export interface RequestLimits {
	itemIndex: number;
	/** The item's Timeout, as epoch ms: waiting for the budget or a Retry-After ends here. */
	deadline: number;
	timeoutMs: number;
}

/** A status check either read the run, or ran out of time; then `problem` says what the last try met. */
export type PollResult = { run: RunbaseRun; problem?: undefined } | { run?: undefined; problem: string };

const DEADLINE = Symbol('deadline');

function budgetAnswer(outcome: ApiOutcome): BudgetAnswer {
	if (isRateLimited(outcome)) return { kind: 'rateLimited', retryAfterMs: retryAfterMs((outcome as { headers: IDataObject }).headers) };
	return outcome.ok ? { kind: 'accepted' } : { kind: 'noAnswer' };
}

/** What to change when a request never left this machine. */
function notSentAdvice(code: string): string {
	if (code === SSRF_BLOCKED) {
		return "n8n's SSRF protection blocked the request to the Base URL: ask your n8n administrator to allow the API's host (N8N_SSRF_ALLOWED_HOSTNAMES or N8N_SSRF_ALLOWED_IP_RANGES).";
	}
	if (isTlsFailure(code)) {
		return "Runbase's TLS certificate was not accepted: check the Base URL in the Runbase API credential, and any proxy between n8n and Runbase that replaces certificates.";
	}
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return "The Base URL's host name was not found: check the Base URL in the Runbase API credential and this server's DNS.";
	return "Check the Base URL in the Runbase API credential and this server's internet access.";
}

function describeOutcome(outcome: ApiOutcome, connection: Connection): string {
	if (!outcome.ok) return `the connection failed (${outcome.code})`;
	if (isRateLimited(outcome)) return 'Runbase answered 429 (rate limited)';
	if (outcome.statusCode < 300 && outcome.notJson !== undefined) {
		return notJsonProblem(outcome.notJson, '', connection);
	}
	return `Runbase answered HTTP ${outcome.statusCode}`;
}

/**
 * Creates and reads runs through the key's shared request budget. Nothing here
 * gives up on a count of attempts: a create turned away with 429 and a status
 * check of a paid run are both tried again until the item's deadline.
 */
export class RunbaseClient {
	/**
	 * @param signal ends waiting (for the budget, a Retry-After, a back-off) when the execution is
	 * cancelled or has decided to fail; a request already on its way still gets its answer.
	 */
	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly budget: RequestBudget,
		private readonly connection: Connection,
		private readonly signal: AbortSignal,
	) {}

	/** The API's host and port: image downloads may go there even when it is a private address. */
	get apiHostAndPort(): string {
		return hostAndPort(this.connection.baseUrl) ?? '';
	}

	/** Counts a run being waited for on the key, until the returned function is called. */
	watchRun(): () => void {
		return this.budget.watchRun();
	}

	/** True when `checksPerRun` more checks for every run being waited for fit in the key's window now. */
	hasRoomForChecks(checksPerRun: number): boolean {
		return this.budget.hasRoomForChecks(checksPerRun);
	}

	/**
	 * Starts a run. Finishing a paid run matters more than starting the next, so a start queues
	 * behind the status checks due until one window after its run would have been done: a check
	 * that misses the window's refill waits a whole window more. A start kept waiting longer than
	 * that by a busy key goes ahead of later checks, so its run generates while they go out,
	 * instead of after them.
	 */
	async createRun(body: IDataObject, limits: RequestLimits & { expectedRunMs: number }): Promise<RunbaseRun> {
		let priority = Date.now() + limits.expectedRunMs + RATE_LIMIT_WINDOW_MS;
		const node = this.ctx.getNode();
		const { itemIndex } = limits;
		for (let unreachable = 0; ; ) {
			const outcome = await this.send('POST', '/runs', priority, limits, body);
			if (outcome === DEADLINE) {
				throw runError(node, {
					message: 'The run could not be started before the Timeout',
					detail: "Runbase's rate limit for this key stayed busy, so the run was never sent. Raise Timeout, lower the number of items sent at once, or give this workflow its own key.",
					runStarted: 'notStarted',
					itemIndex,
				});
			}
			if (isRateLimited(outcome)) {
				const retryAfter = this.checkRetryAfterFits(outcome, limits, 'notStarted');
				// Its turn had come. A pause without Retry-After can last a whole window and let every
				// check fall due meanwhile: the start keeps its place ahead of them, so this run and its
				// whole generation are not pushed to the end. After a Retry-After the start keeps the
				// place its run's expected time gave it (CHANGELOG 0.2.0 has the figures).
				if (retryAfter === undefined) priority = Math.min(priority, Date.now());
				continue;
			}
			if (isWorthReconnecting(outcome) && ++unreachable < MAX_UNREACHABLE_ATTEMPTS) {
				await wait(Math.min(backoffMs(unreachable), limits.deadline - Date.now()), this.signal);
				continue;
			}
			if (!outcome.ok) {
				const notSent = wasNotSent(outcome);
				throw runError(node, {
					message: notSent ? `Could not reach Runbase at ${this.connection.baseUrl}` : 'The connection to Runbase broke while starting the run',
					detail: notSent
						? `${notSentAdvice(outcome.code)} (${this.connection.redact(outcome.message)})`
						: `(${this.connection.redact(outcome.message)})`,
					runStarted: notSent ? 'notStarted' : 'mayHaveStarted',
					itemIndex,
					response: { networkError: outcome.code },
				});
			}
			if (outcome.statusCode >= 300) {
				// A failed start may still name the run it created: keep that id so the run is not lost.
				const seenId = (outcome.json as { id?: unknown } | undefined)?.id;
				const runId = typeof seenId === 'string' && seenId !== '' ? this.connection.redact(seenId) : undefined;
				const mayHaveStarted = outcome.statusCode >= 500 || runId !== undefined;
				throw runbaseApiError(node, outcome.statusCode, this.connection.redactJson(outcome.json), {
					itemIndex,
					runStarted: runId ? 'started' : mayHaveStarted ? 'mayHaveStarted' : 'notStarted',
					run: { runId },
					notJson: outcome.notJson && this.connection.redact(outcome.notJson),
				});
			}
			return readRun(node, outcome, itemIndex, undefined, this.connection);
		}
	}

	/** Reads a run, trying again through 429s, 5xx answers and broken connections until the deadline. */
	async getRun(runId: string, limits: RequestLimits & { priority: number }): Promise<PollResult> {
		const node = this.ctx.getNode();
		const path = `/runs/${encodeURIComponent(runId)}`;
		let problem = "the key's rate limit left no room for it before the Timeout";
		for (let failures = 0; ; ) {
			const outcome = await this.send('GET', path, limits.priority, limits);
			if (outcome === DEADLINE) return { problem };
			if (isUsageCapped(outcome) || !isWorthRepolling(outcome)) {
				if (outcome.ok && outcome.statusCode >= 300) {
					throw runbaseApiError(node, outcome.statusCode, this.connection.redactJson(outcome.json), {
						itemIndex: limits.itemIndex,
						runStarted: outcome.statusCode === 404 ? 'notFound' : 'started',
						run: { runId },
						notJson: outcome.notJson && this.connection.redact(outcome.notJson),
					});
				}
				return { run: readRun(node, outcome as Exclude<ApiOutcome, { ok: false }>, limits.itemIndex, runId, this.connection) };
			}
			problem = describeOutcome(outcome, this.connection);
			if (isRateLimited(outcome)) {
				this.checkRetryAfterFits(outcome, limits, 'started', runId);
				continue;
			}
			const pause = Math.min(backoffMs(++failures), limits.deadline - Date.now());
			if (pause <= 0) return { problem };
			await wait(pause, this.signal);
		}
	}

	/**
	 * A Retry-After that ends past the item's deadline ends the item now, instead of after a useless wait.
	 * Returns the Retry-After (ms), if the 429 had one.
	 */
	private checkRetryAfterFits(outcome: ApiOutcome, limits: RequestLimits, runStarted: 'notStarted' | 'started', runId?: string): number | undefined {
		const retryAfter = retryAfterMs((outcome as { headers: IDataObject }).headers);
		if (retryAfter === undefined || Date.now() + retryAfter <= limits.deadline) return retryAfter;
		const seconds = Math.ceil(retryAfter / 1000);
		throw runError(this.ctx.getNode(), {
			message: `Runbase asked to wait ${seconds} second${seconds === 1 ? '' : 's'}, longer than this item's Timeout allows`,
			detail: `Runbase rate limited this key (429) with Retry-After ${seconds} s. Raise Timeout, or spread the workflows that use this key over time.`,
			runStarted,
			run: { runId },
			itemIndex: limits.itemIndex,
			httpCode: '429',
		});
	}

	/** One request through the key's budget; its slot is counted from the moment the answer arrives. */
	private async send(
		method: IHttpRequestMethods,
		path: string,
		priority: number,
		limits: RequestLimits,
		body?: IDataObject,
	): Promise<ApiOutcome | typeof DEADLINE> {
		const slot = await this.budget.acquire({ priority, deadline: limits.deadline, signal: this.signal });
		if (!slot) return DEADLINE;
		let outcome: ApiOutcome = { ok: false, code: 'CANCELLED', message: 'The execution was cancelled' };
		try {
			outcome = await apiRequest(this.ctx, this.connection.baseUrl, method, path, { body, timeoutMs: limits.timeoutMs });
			return outcome;
		} finally {
			slot.answered(budgetAnswer(outcome));
		}
	}
}
