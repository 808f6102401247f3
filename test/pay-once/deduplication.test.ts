/**
 * Deduplication Key: a trigger that fires twice for one event gets the run already made,
 * re-read and delivered again and marked reused, instead of paying again: concurrently in
 * one process, and in a later execution (another process) through the workflow's static data.
 */
import type { IDataObject } from 'n8n-workflow';

import { runWorkflow } from '../helpers/engine';
import { useSimulator } from '../helpers/useSimulator';

const sim = useSimulator({ pendingMs: 20, processingMs: 200 });

const webhook = async (leads: string[], staticData?: IDataObject, returnAs = 'urls') =>
	await runWorkflow({
		items: leads.map((leadId) => ({ leadId, prompt: `A banner for ${leadId}` })),
		parameters: {
			prompt: '={{ $json.prompt }}',
			returnAs,
			options: { firstCheck: 0.2, pollInterval: 0.2, deduplicationKey: '={{ $json.leadId }}' },
		},
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		mode: 'webhook',
		staticData,
	});

test('duplicates running at the same time share one run', async () => {
	const { items, error } = await webhook(['lead-1', 'lead-1', 'lead-1']);
	expect(error).toBeUndefined();
	expect(sim.stats().creates).toBe(1);
	expect(items.map((item) => [item.json.status, item.json.runId, item.json.reused])).toEqual([
		['succeeded', items[0].json.runId, undefined],
		['succeeded', items[0].json.runId, true],
		['succeeded', items[0].json.runId, true],
	]);
});

test('a webhook delivered again later gets the run of the first delivery, downloaded again', async () => {
	const first = await webhook(['lead-2']);
	const again = await webhook(['lead-2'], first.staticData, 'binary');
	expect(sim.stats().creates).toBe(1);
	expect(again.items[0].json).toMatchObject({ status: 'succeeded', runId: first.items[0].json.runId, reused: true });
	expect(again.items[0].binary?.data.mimeType).toBe('image/png');
});

test('a key outside its window, and another key, make new images', async () => {
	const first = await webhook(['lead-3']);
	const aged = JSON.parse(JSON.stringify(first.staticData)) as IDataObject;
	for (const entry of Object.values(((aged['node:Nano Banana'] as IDataObject).runbaseDeduplication ?? {}) as Record<string, { at: number }>)) {
		entry.at -= 25 * 3600_000;
	}
	await webhook(['lead-3'], aged);
	await webhook(['lead-4'], first.staticData);
	expect(sim.createsForPrompt('A banner for lead-3')).toBe(2);
	expect(sim.createsForPrompt('A banner for lead-4')).toBe(1);
});
