import { sleep } from 'n8n-workflow';

/**
 * Waits `ms` milliseconds, or rejects as soon as the execution is cancelled.
 * `sleep` honours the signal itself in current n8n; the race keeps cancellation
 * immediate on older n8n versions whose `sleep` ignores it.
 */
export async function wait(ms: number, cancel?: AbortSignal): Promise<void> {
	cancel?.throwIfAborted();
	if (ms <= 0) return;
	if (!cancel) return await sleep(ms);
	const signal = ownSignal(cancel);

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

/**
 * A signal of the waiter's own that follows `signal`. Many items wait on one execution's signal at
 * once; listeners added to it directly would make Node warn past ten (MaxListenersExceededWarning).
 */
export function ownSignal(signal: AbortSignal): AbortSignal {
	return AbortSignal.any([signal]);
}
