// Types for the Runbase API simulator (index.js). See README.md.

export type RequestKind = 'create' | 'poll' | 'download' | 'other';
export type FaultTarget = 'create' | 'poll' | 'any';
export type RunStatus = 'pending' | 'processing' | 'succeeded' | 'failed';
export type KeyState =
	| 'ip_not_allowed'
	| 'api_key_spend_limit_exceeded'
	| 'insufficient_balance'
	/** Every create and poll answers 429 USAGE_EXCEEDED (no Retry-After). */
	| 'usage_exceeded'
	/** Creates answer 429 USAGE_EXCEEDED (no Retry-After); polls work. */
	| 'usage_exceeded_creates';
export type ModelId = 'google/nano-banana' | 'google/nano-banana-2' | 'google/nano-banana-pro';
export type Resolution = '1K' | '2K' | '4K';
export type RunError = string | { message: string; code?: string };
export type FetchReferencesMode = 'loopback' | 'strict' | 'off';

/** One reference image whose bytes the simulator received (fetched from loopback or decoded from data:). */
export interface ReceivedReference {
	/** The run it belongs to; undefined when the create was refused (400), e.g. because of this very reference. */
	runId?: string;
	/** Its index in input.image_urls. */
	index: number;
	source: 'url' | 'data';
	/** The URL as sent; for data: a short form without the payload, e.g. 'data:image/png;base64,… (1234 characters)'. */
	url: string;
	/** What its first bytes say: 'image/png', 'image/jpeg', 'image/webp', 'image/gif', or null (not an image: refused). */
	mimeType: string | null;
	/** What the sender declared: the Content-Type header (url), the media type of the data: URI (data). */
	contentType: string | undefined;
	/** The bytes received (after redirects; decoded for data:). */
	bytes: Buffer;
	/** Hex SHA-256 of bytes. */
	sha256: string;
}

export interface RunInput {
	prompt: string;
	aspect_ratio?: string;
	/** nano-banana-2 and nano-banana-pro only. */
	resolution?: Resolution;
	image_urls?: string[];
	[field: string]: unknown;
}

export interface Timing {
	pendingMs: number;
	processingMs: number;
}

export interface ModelSpec {
	aspectRatios: string[];
	/** null: the model takes no `resolution` (sending one is 400 invalid_input). */
	resolutions: Resolution[] | null;
	defaultResolution: Resolution | null;
	maxImageUrls: number;
}

export interface RateLimitOptions {
	/** Default 20. */
	requests?: number;
	/** Default 10000. */
	windowMs?: number;
	/** Send Retry-After (seconds until the window has room). Default true. */
	retryAfter?: boolean;
	/**
	 * false (default, lenient): a request answered 429 uses no budget.
	 * true (strict, like many gateways): every request that reaches the limiter counts, refused ones too.
	 */
	countRejected?: boolean;
}

/**
 * Options of startSimulator() and configure(). "Persistent" ones stay as set until configure() changes
 * them or reset() puts them back to what startSimulator() got; one-shot fault switches count down.
 */
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
	/** Per-run timing, decided at creation. Wins over the three options above (a processingMs it returns is not scaled). */
	timing?: ((run: { id: string; model: string; input: RunInput; resolution: Resolution | null }) => Partial<Timing>) | null;
	/**
	 * Multipliers on processingMs (or generationMs), keyed by model id and by resolution; a run's factor is
	 * model x resolution (no resolution counts as '1K'). Entries given are merged over the defaults
	 * {'google/nano-banana': 1, 'google/nano-banana-2': 1.5, 'google/nano-banana-pro': 2.5, '1K': 1, '2K': 1.3, '4K': 2};
	 * null turns every factor off (all 1).
	 */
	processingFactors?: Record<string, number> | null;
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
	/** 'small' (few KB) or 'realistic' (noise: about 2 MB at 1K 16:9, 8.6 MB at 2K, 33 MB at 4K). Default 'small'. */
	imageMode?: 'small' | 'realistic';
	/** Content-Type of downloads. Default 'image/png'. */
	imageContentType?: string | ((file: { runId: string; index: number; run: SimRun }) => string);
	/** Serve files from a second server (start-time only: configure() throws on a change, reset() keeps it). Default false. */
	separateImageHost?: boolean;
	/** Per-key sliding window over creates and polls. Default null (off). */
	rateLimit?: RateLimitOptions | null;
	/** Delay before answering API requests. Default 0. */
	latencyMs?: number;
	/** Seed for pollFaults. Default 1. */
	seed?: number;
	/** Retry-After seconds for burst429. Default 1. */
	retryAfterSeconds?: number;
	/**
	 * What POST /runs does with `input.image_urls` before it creates the run (README "Reference images").
	 * The simulator only ever connects to loopback hosts (127.0.0.0/8, `localhost`, `[::1]`).
	 * - 'loopback' (default): loopback http(s) URLs are fetched and data: URIs decoded, each must be an
	 *   image (PNG, JPEG, WebP, GIF by its first bytes) else 400 invalid_input; other hosts are accepted
	 *   unfetched, as before.
	 * - 'strict': the same, and any other host counts as unreachable (400 invalid_input, no network attempt).
	 * - 'off': nothing is fetched, decoded, checked or recorded.
	 * Persistent: reset() puts it back to the start value.
	 */
	fetchReferences?: FetchReferencesMode;
	/** false: a data: URI in image_urls is 400 invalid_input "data: URIs are not accepted; pass a public URL". Default true. Persistent. */
	acceptDataUris?: boolean;
	/** How long a loopback reference may take to arrive before it counts as unreachable. Default 5000. Persistent. */
	referenceTimeoutMs?: number;
	/**
	 * Largest request body on the API host, in bytes; above it the answer is 413 payload_too_large,
	 * before latency, auth and faults (like a gateway). Default 20971520 (20 MiB); null = no cap. Persistent.
	 */
	maxBodyBytes?: number | null;

	// Fault switches. One-shot ones count down and are cleared by reset(), also when given to startSimulator().
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
	/** Persistent until set to null or reset(). */
	contractBreak?: {
		on?: FaultTarget;
		kind: 'missing_id' | 'missing_status' | 'urls_empty' | 'urls_not_array' | 'error_body_200' | 'html_200';
	} | null;
	/** Per URL: the first dropFirst attempts drop, the next failFirst answer `status` (default 500). */
	downloadFaults?: { dropFirst?: number; failFirst?: number; status?: number } | null;
	/** Every download answers 302 to `<redirectDownloads><path>?redirected=1`, which is then served (origin, e.g. http://localhost:1234). Default null. Persistent. */
	redirectDownloads?: string | null;
	/** Every download answers these bytes instead of the image (with imageContentType as its type), e.g. an HTML page. Default null. Persistent. */
	downloadBody?: string | null;
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
	/** Parsed JSON, the raw string, or undefined when empty or above maxBodyBytes. */
	body: unknown;
	/** Size of the request body in bytes (the whole of it, also when above maxBodyBytes). */
	bodyBytes: number;
	/** Status answered; 0 when dropped or the client left; null while unanswered. */
	status: number | null;
	/** Arrival time, ms. */
	at: number;
	/** Run created (create) or addressed (poll, download). */
	runId?: string;
	/** Fault(s) that shaped the answer, comma-separated, e.g. 'stall', 'dropConnections:after'; also 'rateLimit' and 'usageExceeded' 429s. */
	fault?: string;
	/** API key from `Authorization: Bearer <key>` (API host only; valid or not). */
	key?: string;
	/** `error.code` of a JSON error answer, e.g. 'RATE_LIMITED', 'USAGE_EXCEEDED', 'run_not_found'. */
	errorCode?: string;
	/** When the answer was fully handed to the OS (ms); undefined for dropped or abandoned requests. */
	finishedAt?: number;
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
	/** After processingFactors. */
	readonly processingMs: number;
	/** When it leaves pending: createdAt + pendingMs (ms). */
	readonly processingAt: number;
	/** When it becomes succeeded (or failed), i.e. the image is ready on the server: createdAt + pendingMs + processingMs (ms). */
	readonly readyAt: number;
	/** When a poll was first answered with the final status (ms); undefined until then. */
	readonly reportedAt: number | undefined;
	/** Resolution it runs at; null for google/nano-banana. */
	readonly resolution: Resolution | null;
	/** Pixel size of its images. */
	readonly width: number;
	readonly height: number;
	/** Output URLs (reported only once succeeded). */
	readonly urls: string[];
	/** Error the run will report if it fails, else null. */
	readonly failure: RunError | null;
	/** Reference images received for it, in index order (the ones accepted unfetched are not listed). */
	readonly references: ReceivedReference[];
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
	/** 429 answers (rate limit, burst429, USAGE_EXCEEDED). */
	rateLimited: number;
	byStatus: Record<number, number>;
	/** Per API key as sent (API host requests with a Bearer key). */
	byKey: Record<string, KeyStats>;
}

export interface KeyStats {
	/** API requests with this key (creates, polls, other). */
	requests: number;
	creates: number;
	polls: number;
	/** Answered 429, any code. */
	rateLimited: number;
	/** Answered 429 USAGE_EXCEEDED. */
	usageExceeded: number;
	/** rateLimited / requests (0 when none). */
	share429: number;
}

export interface Simulator {
	readonly url: string;
	readonly apiBaseUrl: string;
	/** Where output URLs point; a test may change it to send them elsewhere. */
	imageBaseUrl: string;
	readonly requests: RecordedRequest[];
	readonly runs: Map<string, SimRun>;
	/** Every reference image received, runs and refused creates alike (create by create, index order within one); reset() empties it. */
	readonly references: ReceivedReference[];
	/** Current options, defaults included. */
	readonly options: Readonly<Required<SimulatorOptions>>;
	stats(): SimulatorStats;
	createsForPrompt(prompt: string): number;
	/** Changes options (shallow merge); they stay until changed again or reset(). */
	configure(options: SimulatorOptions): Simulator;
	/**
	 * Back to how the simulator started: clears requests, runs, references, the rate-limit window and
	 * every fault (one-shot switches are not re-armed, even those given to startSimulator()), re-seeds,
	 * and puts every option back to what startSimulator() got (the defaults for the rest), undoing
	 * configure(). separateImageHost never changes; imageBaseUrl, a field, is not an option: it stays.
	 */
	reset(): Simulator;
	close(): Promise<void>;
}

export function startSimulator(options?: SimulatorOptions): Promise<Simulator>;
/** Every option's default (reset() uses them for the options startSimulator() did not get). */
export const DEFAULTS: Readonly<SimulatorOptions>;
/** The models the simulator knows and what each accepts. */
export const MODELS: Readonly<Record<ModelId, ModelSpec>>;
/** Pixel size of the images a run of `model` with `input` gets (the same as the served PNG). */
export function imageSize(model: ModelId | string, input?: Partial<RunInput>): { width: number; height: number };
/**
 * The policy for reference URLs: the address the simulator connects to for a URL hostname (as
 * `new URL(u).hostname` spells it), or null when it is not loopback (127.0.0.0/8, `localhost`, `[::1]`).
 */
export function loopbackAddress(hostname: string): string | null;
