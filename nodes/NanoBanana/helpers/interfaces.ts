/** A run as `GET /runs/{id}` and `POST /runs` describe it. Fields the API leaves open stay `unknown`. */
export interface RunbaseRun {
	id: string;
	model?: string;
	status: string;
	costUsd?: number;
	output?: { urls?: unknown };
	error?: unknown;
	createdAt?: string;
	completedAt?: string;
}

/** The `input` of a create request; `resolution` only for models that take one. */
export interface NanoBananaInput {
	prompt: string;
	aspect_ratio: string;
	resolution?: string;
	image_urls?: string[];
}

export type ReturnAs = 'binary' | 'urls';

/** Per-item settings, read from the node's parameters and checked before any request. */
export interface RunSettings {
	returnAs: ReturnAs;
	waitForCompletion: boolean;
	binaryPropertyName: string;
	firstCheckMs: number;
	pollIntervalMs: number;
	timeoutMs: number;
	requestTimeoutMs: number;
	downloadTimeoutMs: number;
	maxImageBytes: number;
	/** Deduplication Key and Window: the same key within the window gets the run already made. */
	deduplication?: { key: string; windowMs: number };
}

/** Settings that belong to the whole execution, read from the first item. */
export interface ExecutionSettings {
	concurrency: number;
	requestsPerWindow: number;
	/** Max Spend per Execution in micro-dollars (Runbase's unit); undefined: no cap. */
	maxSpendMicro?: number;
}
