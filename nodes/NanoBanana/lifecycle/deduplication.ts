import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * Deduplication Key: a trigger that fires twice for one event (a CRM redelivering a
 * webhook, say) gets the run already made for that key instead of paying again.
 * Within one n8n process the first item with a key holds it while its run starts,
 * and duplicates wait for that run. Across processes and queue-mode workers it
 * holds once the first execution has ended: the key is kept in the workflow's
 * static data, which n8n saves after every execution that is not a manual one.
 */
const STATIC_KEY = 'runbaseDeduplication';
const MAX_KEPT = 1000;

interface Seen {
	runId?: string;
	at: number;
	/** While the first item with this key starts its run. */
	starting?: Promise<string | undefined>;
}

const seen = new Map<string, Seen>();

/** The first item with a key: it reports the run it started, or that it started none. */
export interface DeduplicationClaim {
	started(runId: string): void;
	abandoned(): void;
}

export type Deduplicated = { runId: string; claim?: undefined } | { runId?: undefined; claim: DeduplicationClaim };

function stored(ctx: IExecuteFunctions): Record<string, { runId: string; at: number }> {
	const data = ctx.getWorkflowStaticData('node');
	const value = data[STATIC_KEY];
	if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, { runId: string; at: number }>;
	data[STATIC_KEY] = {};
	return data[STATIC_KEY] as Record<string, { runId: string; at: number }>;
}

function keep(ctx: IExecuteFunctions, key: string, runId: string, windowMs: number): void {
	const now = Date.now();
	const entries = Object.entries(stored(ctx)).filter(([other, entry]) => other !== key && now - entry.at < windowMs);
	entries.push([key, { runId, at: now }]);
	ctx.getWorkflowStaticData('node')[STATIC_KEY] = Object.fromEntries(entries.slice(-MAX_KEPT)) as IDataObject;
	if (seen.size > MAX_KEPT * 10) seen.delete(seen.keys().next().value as string);
}

/** The run already made for this key within the window, or the claim to make it. */
export async function deduplicate(ctx: IExecuteFunctions, key: string, windowMs: number): Promise<Deduplicated> {
	const scope = `${ctx.getWorkflow().id ?? ''}\n${ctx.getNode().name}\n${key}`;
	for (;;) {
		const now = Date.now();
		const mine = seen.get(scope);
		if (mine?.starting) {
			const runId = await mine.starting;
			if (runId) return { runId };
			continue;
		}
		if (mine?.runId && now - mine.at < windowMs) return { runId: mine.runId };
		const saved = stored(ctx)[key];
		if (saved && typeof saved.runId === 'string' && now - saved.at < windowMs) return { runId: saved.runId };
		let settle: (runId: string | undefined) => void = () => {};
		seen.set(scope, { at: now, starting: new Promise((resolve) => (settle = resolve)) });
		return {
			claim: {
				started: (runId) => {
					seen.set(scope, { runId, at: Date.now() });
					keep(ctx, key, runId, windowMs);
					settle(runId);
				},
				abandoned: () => {
					seen.delete(scope);
					settle(undefined);
				},
			},
		};
	}
}

/** Forgets every key: a fresh process, for tests. */
export function clearDeduplication(): void {
	seen.clear();
}
