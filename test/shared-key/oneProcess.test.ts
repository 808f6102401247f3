/**
 * A CRM firing 30 webhooks makes 30 one-item executions at once in one n8n
 * process, all on one key: they share the key's budget, so Runbase's limit is
 * met without 429 storms, under both kinds of rate limiter.
 */
import { runWorkflow } from '../helpers/engine';
import { expectNoDoubleCreate, expectNoRunLost, oneItem, rateLimited, share429 } from '../helpers/sharedKey';
import { useSimulator } from '../helpers/useSimulator';

const sim = useSimulator({ pendingMs: 50, processingMs: 1500 });

test.each([
	['lenient', false],
	['strict', true],
])('30 one-item executions at once share one budget (%s limiter)', async (_, countRejected) => {
	sim.configure({ rateLimit: rateLimited(countRejected) });
	const credentials = { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl };
	const results = await Promise.all(
		Array.from({ length: 30 }, async (_, index) =>
			await runWorkflow({ ...oneItem(`Lead ${index}`), credentials, shareProcessState: true }),
		),
	);
	expect(results.map((result) => result.error?.message)).toEqual(Array(30).fill(undefined));
	expect(results.map((result) => result.items[0]?.json.status)).toEqual(Array(30).fill('succeeded'));
	expectNoRunLost(sim, results);
	expectNoDoubleCreate(sim);
	expect(sim.runs.size).toBe(30);
	// One budget sees every request of the key: it never overruns the window.
	expect(share429(sim)).toBe(0);
}, 180_000);
