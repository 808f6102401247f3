import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DASHBOARD_URL, MODEL_ID } from '../helpers/constants';
import type { NanoBananaInput, RunbaseRun } from '../helpers/interfaces';
import { withRunDetails } from '../helpers/runDetails';
import { wait } from '../helpers/wait';
import { readServerError, runbaseApiError } from './apiErrors';
import type { ApiAnswer, ApiOutcome } from './apiRequest';
import { apiRequest, CREDENTIAL_TYPE } from './apiRequest';
import type { RequestBudget } from './requestBudget';
import {
	backoffMs,
	isRateLimited,
	isSafeToResendCreate,
	isWorthRepolling,
	MAX_CREATE_ATTEMPTS,
	MAX_POLL_ATTEMPTS,
	retryAfterMs,
} from './retryPolicy';

const DEFAULT_BASE_URL = 'https://runbase.net/api/v1';

/** Creates always queue behind due polls: finishing a paid run matters more than starting the next. */
const CREATE_PRIORITY_OFFSET = 1e15;

/** Creates and reads runs through one shared request budget, with the retry rules of the README. */
export class RunbaseClient {
	private constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly budget: RequestBudget,
		readonly baseUrl: string,
		private readonly apiKey: string,
	) {}

	static async connect(ctx: IExecuteFunctions, budget: RequestBudget): Promise<RunbaseClient> {
		let credentials: { apiKey?: string; baseUrl?: string };
		try {
			credentials = await ctx.getCredentials<{ apiKey?: string; baseUrl?: string }>(CREDENTIAL_TYPE);
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), 'No Runbase API credential is selected', {
				description: `Open the node and choose or create a Runbase API credential under "Credential to connect with". (${error.message})`,
			});
		}
		if (!credentials.apiKey) {
			throw new NodeOperationError(ctx.getNode(), 'The Runbase API credential has no API key', {
				description: 'Open the credential and paste your key from the Runbase dashboard (it starts with "sk-").',
			});
		}
		const baseUrl = (credentials.baseUrl || DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
		return new RunbaseClient(ctx, budget, baseUrl, credentials.apiKey);
	}

	async createRun(input: NanoBananaInput, itemIndex: number, timeoutMs: number): Promise<RunbaseRun> {
		const body = { model: MODEL_ID, input: { ...input } };
		for (let attempt = 1; ; attempt++) {
			const outcome = await this.send('POST', '/runs', CREATE_PRIORITY_OFFSET + itemIndex, { body, timeoutMs });
			if (isSafeToResendCreate(outcome) && attempt < MAX_CREATE_ATTEMPTS) {
				if (!isRateLimited(outcome)) await wait(backoffMs(attempt), this.signal);
				continue;
			}
			if (!outcome.ok) throw this.createNotAnswered(outcome.code, outcome.message, itemIndex);
			if (outcome.statusCode >= 300) {
				// A failed start may still name the run it created: keep that id so the run is not lost.
				const seenId = (outcome.json as { id?: unknown } | undefined)?.id;
				const runId = typeof seenId === 'string' && seenId !== '' ? seenId : undefined;
				const mayHaveStarted = runId
					? `A run may have started: Runbase named run ${runId} in its answer. Check it with the Get Run operation before running this item again.`
					: `A run may have started anyway: check ${DASHBOARD_URL} before running this item again.`;
				throw withRunDetails(
					runbaseApiError(this.ctx.getNode(), outcome.statusCode, this.redacted(outcome.json), {
						itemIndex,
						extraDescription: outcome.statusCode >= 500 ? mayHaveStarted : undefined,
					}),
					{ runId },
				);
			}
			return this.readRun(outcome, itemIndex, undefined);
		}
	}

	async getRun(
		runId: string,
		itemIndex: number,
		options: { timeoutMs: number; priority: number; deadline: number },
	): Promise<RunbaseRun> {
		const path = `/runs/${encodeURIComponent(runId)}`;
		for (let attempt = 1; ; attempt++) {
			const outcome = await this.send('GET', path, options.priority, { timeoutMs: options.timeoutMs });
			if (isWorthRepolling(outcome) && attempt < MAX_POLL_ATTEMPTS) {
				const pause = isRateLimited(outcome) ? 0 : backoffMs(attempt);
				if (Date.now() + pause < options.deadline) {
					await wait(pause, this.signal);
					continue;
				}
			}
			if (!outcome.ok) {
				throw withRunDetails(
					this.apiFailure(
						`Lost the connection to Runbase while checking run ${runId}`,
						`The run was started and may still finish: collect it later with the Get Run operation and run ID ${runId}. (${this.redact(outcome.message)})`,
						outcome.code,
						itemIndex,
					),
					{ runId },
				);
			}
			if (outcome.statusCode >= 300) {
				throw withRunDetails(
					runbaseApiError(this.ctx.getNode(), outcome.statusCode, this.redacted(outcome.json), {
						itemIndex,
						runId,
						extraDescription:
							outcome.statusCode === 404
								? undefined
								: `Run ${runId} was started: collect it later with the Get Run operation.`,
					}),
					{ runId },
				);
			}
			return this.readRun(outcome, itemIndex, runId);
		}
	}

	/** One request through the shared budget; its slot is counted from the moment the answer arrives. */
	private async send(
		method: IHttpRequestMethods,
		path: string,
		priority: number,
		options: { body?: IDataObject; timeoutMs: number },
	): Promise<ApiOutcome> {
		const answered = await this.budget.acquire(priority);
		try {
			const outcome = await apiRequest(this.ctx, this.baseUrl, method, path, options);
			this.noteRateLimit(outcome);
			return outcome;
		} finally {
			answered();
		}
	}

	/** Removes the API key from any text that may end up in an error or the output. */
	private redact(text: string): string {
		return this.apiKey.length >= 4 ? text.split(this.apiKey).join('[api key]') : text;
	}

	private redacted(json: unknown): unknown {
		return json === undefined ? undefined : JSON.parse(this.redact(JSON.stringify(json)));
	}

	private get signal() {
		return this.ctx.getExecutionCancelSignal();
	}

	private noteRateLimit(outcome: ApiOutcome): void {
		if (isRateLimited(outcome)) {
			this.budget.onRateLimited(retryAfterMs((outcome as ApiAnswer).headers));
		} else if (outcome.ok) {
			this.budget.onAccepted();
		}
	}

	/** Checks a 2xx answer really describes a run; anything else is reported, never guessed. */
	private readRun(answer: ApiAnswer, itemIndex: number, runId: string | undefined): RunbaseRun {
		const what = runId ? `about run ${runId}` : 'when starting the run';
		const mayHaveStarted = runId
			? `Collect the run later with the Get Run operation and run ID ${runId}.`
			: `A run may have started: check ${DASHBOARD_URL} before running this item again.`;
		const json = answer.json as Partial<RunbaseRun> | undefined;
		let problem: string | undefined;
		if (answer.notJson !== undefined) {
			problem = `Runbase's answer ${what} was not JSON. It began with: ${this.redact(answer.notJson).slice(0, 120)}`;
		} else if (!json || typeof json !== 'object' || Array.isArray(json)) {
			problem = `Runbase's answer ${what} was empty or not an object`;
		} else if (json.error !== undefined && json.id === undefined) {
			const server = readServerError(json);
			problem = `Runbase answered with an error ${what}: ${this.redact(server.message ?? server.code ?? 'no details')}`;
		} else if (typeof json.id !== 'string' || json.id === '') {
			problem = `Runbase's answer ${what} has no run ID`;
		} else if (typeof json.status !== 'string') {
			problem = `Runbase's answer ${what} has no status`;
		}
		if (problem) {
			throw withRunDetails(
				this.apiFailure(problem, mayHaveStarted, String(answer.statusCode), itemIndex),
				{ runId },
			);
		}
		// Every text from Runbase reaches the output or an error from here, so the key is removed once.
		return this.redacted(json) as RunbaseRun;
	}

	private createNotAnswered(code: string, message: string, itemIndex: number): NodeApiError {
		if (isSafeToResendCreate({ ok: false, code, message })) {
			return this.apiFailure(
				`Could not reach Runbase at ${this.baseUrl}`,
				`No run was started. Check the Base URL in the Runbase API credential and this server's internet access. (${this.redact(message)})`,
				code,
				itemIndex,
			);
		}
		return this.apiFailure(
			'The connection to Runbase broke while starting the run',
			`A run may have started and been charged. It was not sent again so you do not pay twice: check ${DASHBOARD_URL} before running this item again. (${this.redact(message)})`,
			code,
			itemIndex,
		);
	}

	private apiFailure(message: string, description: string, code: string, itemIndex: number) {
		// `code` is kept under another key: n8n would swap the message for a generic one.
		return new NodeApiError(this.ctx.getNode(), { message, networkError: code } as JsonObject, {
			message,
			description,
			itemIndex,
		});
	}
}
