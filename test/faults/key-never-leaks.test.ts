/**
 * Fault suite, rule: the API key never leaks: not in errors, output or execution data,
 * also when Runbase rejects the key or echoes it back.
 *
 * Checks and fixtures: test/helpers/faultChecks.ts (audit, leaks, runMany) and test/helpers/fixtures.ts.
 */
import { all, audit, KEY, leaks, runMany, useFaultSimulator } from '../helpers/faultChecks';

const sim = useFaultSimulator();

describe('the API key never leaks', () => {
	test('a rejected key (401) is not repeated in the error', async () => {
		const wrong = 'sk-wrong-9d8c7b6a5f4e3d2c1b0a';
		const ran = await runMany('wrong key', { count: 3, key: wrong });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		for (const json of errors.values()) {
			expect(json.error).toBe('Runbase rejected the API key');
			expect(json.httpCode).toBe('401');
		}
		expect(sim.stats().runsCreated).toBe(0);
	});

	test.each([
		['ip_not_allowed', "Runbase refused this API key from this server's IP address"],
		['api_key_spend_limit_exceeded', 'This Runbase API key has reached its spend limit'],
		['insufficient_balance', 'Your Runbase balance is too low to start this run'],
	] as const)('key state %s gives a clear error and no run', async (state, message) => {
		sim.configure({ keyStates: { [KEY]: state } });
		const ran = await runMany(`key ${state}`, { count: 2 });
		const { failed, errors } = await audit(ran);
		expect(failed).toEqual(all(ran));
		for (const json of errors.values()) expect(json.error).toBe(message);
		expect(sim.stats().runsCreated).toBe(0);
	});

	test('a key that Runbase echoes back in a run failure is redacted from the output', async () => {
		sim.configure({ failWhen: () => ({ error: { message: `Upstream refused the request signed with ${KEY}`, code: 'upstream' } }) });
		const ran = await runMany('echoed key', { count: 2 });
		expect(leaks(ran)).toEqual([]);
		for (const item of ran.result.items) expect(item.json.error).toMatch(/^Runbase could not generate the image: Upstream refused/);
	});
});
