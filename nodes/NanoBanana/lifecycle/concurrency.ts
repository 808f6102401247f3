/** Runs `worker` over `items` with at most `limit` running at once, starting them in order. */
export async function forEachConcurrently<T>(
	items: T[],
	limit: number,
	worker: (item: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	const lane = async () => {
		while (next < items.length) await worker(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
