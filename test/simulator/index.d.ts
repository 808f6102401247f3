// Types for the Runbase API simulator (index.js). See README.md.

export type RequestKind = 'create' | 'poll' | 'download' | 'other';
export type FaultTarget = 'create' | 'poll' | 'any';
export type RunStatus = 'pending' | 'processing' | 'succeeded' | 'failed';
export type KeyState = 'ip_not_allowed' | 'api_key_spend_limit_exceeded' | 'insufficient_balance';
export type RunError = string | { message: string; code?: string };

export interface RunInput {
	prompt: string;
	aspect_ratio?: string;
	image_urls?: string[];
	[field: string]: unknown;
}

export interface Timing {
	pendingMs: number;
	processingMs: number;
}

export interface SimulatorOptions {
	/** Valid keys for `Authorization: Bearer <key>`. Default ['sk-test']. */
	apiKeys?: string[];
	/** Keys listed here are known; their state decides 403/402. */
	keyStates?: Record<string, KeyState>;
	/** Default 300. */
	pendingMs?: number;
	/** Default 700. */
	processingMs?: number;
	/** Shortcut: processing time; pendingMs becomes 50 unless set explicitly. */
	generationMs?: number | null;
	/** Per-run timing, decided at creation. Wins over the three options above. */
	timing?: ((run: { id: string; model: string; input: RunInput }) => Partial<Timing>) | null;
	/** Micro-dollars per run. Default 39000. */
	costUsd?: number;
	/** HTTP status of a successful create. Default 201. */
	createStatus?: number;
	/** Decides at creation that a run ends `failed`. */
	failWhen?: ((input: RunInput) => null | undefined | { error?: RunError }) | null;
	failPromptsMatching?: RegExp | null;
	/** Shape of the default failure error. Default 'object'. */
	failErrorShape?: 'string' | 'object';
	/** Output URLs per run. Default 1. */
	imagesPerRun?: number;
	/** 'small' (few KB) or 'realistic' (about 2 MB of noise). Default 'small'. */
	imageMode?: 'small' | 'realistic';
	/** Content-Type of downloads. Default 'image/png'. */
	imageContentType?: string | ((file: { runId: string; index: number; run: SimRun }) => string);
	/** Serve files from a second server (start-time only). Default false. */
	separateImageHost?: boolean;
	/** Per-key sliding window over creates and polls. Default null (off). */
	rateLimit?: { requests?: number; windowMs?: number; retryAfter?: boolean } | null;
	/** Delay before answering API requests. Default 0. */
	latencyMs?: number;
	/** Seed for pollFaults. Default 1. */
	seed?: number;
	/** Retry-After seconds for burst429. Default 1. */
	retryAfterSeconds?: number;

	// Fault switches. One-shot ones count down and are cleared by reset().
	pollFaults?: { rate: number; statuses?: number[] } | null;
	burst429?: {
		count?: number;
		on?: FaultTarget;
		retryAfter?: boolean;
		retryAfterSeconds?: number;
		code?: 'RATE_LIMITED' | 'USAGE_EXCEEDED';
	} | null;
	/** The next `count` matching requests answer `status` with the documented error body; `afterCreate` creates the run first. */
	forceError?: {
		count?: number;
		on?: FaultTarget;
		status: number;
		code?: string;
		message?: string;
		afterCreate?: boolean;
	} | null;
	dropConnections?: { count?: number; on?: FaultTarget | 'download'; when?: 'before' | 'after' } | null;
	stall?: { count?: number; on?: FaultTarget | 'download'; ms?: number } | null;
	malformedJson?: { count?: number; on?: 'create' | 'poll' | 'any'; kind?: 'truncated' | 'garbage' } | null;
	unknownStatus?: { count?: number; word?: string } | null;
	/** Persistent until set to null. */
	contractBreak?: {
		on?: FaultTarget;
		kind: 'missing_id' | 'urls_empty' | 'urls_not_array' | 'error_body_200' | 'html_200';
	} | null;
	/** Per URL: the first dropFirst attempts drop, the next failFirst answer `status` (default 500). */
	downloadFaults?: { dropFirst?: number; failFirst?: number; status?: number } | null;
	/** Overrides imageContentType for every download. */
	downloadContentType?: string | null;
	/** Download body is exactly this many bytes: the PNG truncated or zero-padded. */
	downloadSizeBytes?: number | null;
	/** Omit Content-Length (chunked transfer). Default false. */
	downloadChunked?: boolean;
}

export interface RecordedRequest {
	host: 'api' | 'images';
	kind: RequestKind;
	method: string;
	/** Path with query string. */
	path: string;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON, the raw string, or undefined when empty. */
	body: unknown;
	/** Status answered; 0 when dropped or the client left; null while unanswered. */
	status: number | null;
	/** Arrival time, ms. */
	at: number;
	/** Run created (create) or addressed (poll, download). */
	runId?: string;
	/** Fault(s) that shaped the answer, comma-separated, e.g. 'stall', 'dropConnections:after'. */
	fault?: string;
	dropped?: boolean;
	/** Bytes of the image served (downloads). */
	bytes?: number;
	stalled?: boolean;
	/** The client closed the connection before an answer. */
	aborted?: boolean;
}

export interface SimRun {
	readonly id: string;
	readonly model: string;
	readonly input: RunInput;
	/** ms timestamp */
	readonly createdAt: number;
	readonly costUsd: number;
	readonly pendingMs: number;
	readonly processingMs: number;
	/** Output URLs (reported only once succeeded). */
	readonly urls: string[];
	/** Error the run will report if it fails, else null. */
	readonly failure: RunError | null;
	/** GET /runs/{id} requests received for this run. */
	polls: number;
	/** Computed from the clock on each read. */
	readonly status: RunStatus;
	readonly completedAt: number | undefined;
	readonly output: { urls: string[] } | undefined;
	readonly error: RunError | undefined;
}

export interface SimulatorStats {
	/** POST /runs requests received. */
	creates: number;
	/** Runs that exist server-side. */
	runsCreated: number;
	polls: number;
	downloads: number;
	/** 429 answers (rate limit and burst429). */
	rateLimited: number;
	byStatus: Record<number, number>;
}

export interface Simulator {
	readonly url: string;
	readonly apiBaseUrl: string;
	readonly imageBaseUrl: string;
	readonly requests: RecordedRequest[];
	readonly runs: Map<string, SimRun>;
	/** Current options, defaults included. */
	readonly options: Readonly<Required<SimulatorOptions>>;
	stats(): SimulatorStats;
	createsForPrompt(prompt: string): number;
	configure(options: SimulatorOptions): Simulator;
	reset(): Simulator;
	close(): Promise<void>;
}

export function startSimulator(options?: SimulatorOptions): Promise<Simulator>;
/** Every option's default (used by tests that restore a shared simulator between cases). */
export const DEFAULTS: Readonly<SimulatorOptions>;
