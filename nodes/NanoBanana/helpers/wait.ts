import { sleep } from 'n8n-workflow';

/**
 * Waits `ms` milliseconds, or rejects as soon as the execution is cancelled.
 * `sleep` honours the signal itself in current n8n; the race keeps cancellation
 * immediate on older n8n versions whose `sleep` ignores it.
 */
export async function wait(ms: number, signal?: AbortSignal): Promise<void> {
	signal?.throwIfAborted();
	if (ms <= 0) return;
	if (!signal) return await sleep(ms);

	let onAbort = () => {};
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(signal.reason);
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms, signal), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}
