/**
 * A lone run gets the same check schedule whatever the key's budget went through
 * before: tight checks (0.4 s apart) when they fit in the window, decided once per
 * run, so a schedule never turns slow halfway.
 */
import { freshProcess, runWorkflow } from '../helpers/engine';
import { oneItem } from '../helpers/sharedKey';
import { useSimulator } from '../helpers/useSimulator';

const sim = useSimulator({ pendingMs: 50, processingMs: 3000 });

/** Times of the status checks of each run, from its create. */
function checkTimes(): number[][] {
	const api = sim.requests.filter((request) => request.host === 'api');
	return [...sim.runs.values()].map((run) => {
		const created = api.find((request) => request.kind === 'create' && request.runId === run.id)!.at;
		return api.filter((request) => request.kind === 'poll' && request.runId === run.id).map((request) => request.at - created);
	});
}

const gaps = (times: number[]) => times.slice(1).map((at, index) => at - times[index]);

test('one execution after another: the second run gets tight checks although the first left its checks in the window', async () => {
	freshProcess();
	const runTimes = [4500, 5000];
	sim.configure({ timing: () => ({ pendingMs: 50, processingMs: runTimes.shift() ?? 3000 }) });
	const credentials = { apiKey: 'sk-test', baseUrl: sim.apiBaseUrl };
	// Polls every 2 s unless the run gets tight checks, so the two schedules cannot be mistaken.
	for (const prompt of ['first', 'second']) {
		const result = await runWorkflow({ ...oneItem(prompt, { pollInterval: 2 }), credentials, shareProcessState: true });
		expect(result.items[0].json.status).toBe('succeeded');
	}
	const [first, second] = checkTimes();
	// The first run left about ten requests in the key's window of 20 when the second started.
	expect(first.length).toBeGreaterThanOrEqual(9);
	for (const times of [first, second]) {
		const between = gaps(times);
		// Tight from the first check on: five checks 0.4 s apart, then slower by half each time.
		expect(between.slice(0, 5).every((gap) => gap < 1000)).toBe(true);
		// Never slow halfway: no gap more than 1.5 times the one before (plus timer slack).
		between.slice(1).forEach((gap, index) => expect(gap).toBeLessThan(between[index] * 1.5 + 300));
	}
	expect(sim.stats().rateLimited).toBe(0);
}, 60_000);
