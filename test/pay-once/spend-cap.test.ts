/**
 * Max Spend per Execution: exactly as many runs start as the cap allows, at the price
 * Runbase reports for the model; the rest are not started and say that nothing was charged.
 */
import { runWorkflow } from '../helpers/engine';
import { useSimulator } from '../helpers/useSimulator';

const sim = useSimulator({ pendingMs: 20, processingMs: 150 });

const run = async (maxSpend: number | undefined, count: number, shareProcessState = false) =>
	await runWorkflow({
		items: Array.from({ length: count }, (_, index) => ({ prompt: `Lamp ${index}` })),
		parameters: {
			prompt: '={{ $json.prompt }}',
			returnAs: 'urls',
			options: { firstCheck: 0.2, pollInterval: 0.2, concurrency: count, ...(maxSpend === undefined ? {} : { maxSpend }) },
		},
		credentials: { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl },
		continueOnFail: true,
		shareProcessState,
	});

test('a $0.10 cap at $0.039 a run starts two runs of five; the others are not started and cost nothing', async () => {
	const { items } = await run(0.1, 5);
	expect(sim.stats().creates).toBe(2);
	expect(items.filter((item) => item.json.status === 'succeeded')).toHaveLength(2);
	const refused = items.filter((item) => item.json.error);
	expect(refused).toHaveLength(3);
	for (const item of refused) {
		expect(item.json.error).toBe('Max Spend per Execution ($0.10) is reached');
		expect(item.json.description).toMatch(/^The runs this execution started cost \$0\.078, and this one would cost about \$0\.039 more\. .*No run was started and nothing was charged\.$/);
	}
});

test('the price seen is remembered, and every execution has a cap of its own', async () => {
	await run(0.1, 3, true);
	sim.reset();
	const second = await run(0.05, 3, true);
	expect(sim.stats().creates).toBe(1);
	expect(second.items.filter((item) => item.json.error)).toHaveLength(2);
});

test('without the option there is no cap', async () => {
	await run(undefined, 6);
	expect(sim.stats().creates).toBe(6);
});
