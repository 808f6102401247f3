import type { IDataObject } from 'n8n-workflow';

/** Marks an error with the run it belongs to, so a failed item still says which run it paid for. */
export function withRunDetails<T extends Error & { context: IDataObject }>(
	error: T,
	details: { runId?: string; status?: string; urls?: string[] },
): T {
	for (const [key, value] of Object.entries(details)) {
		if (value !== undefined) error.context[key] = value;
	}
	return error;
}
