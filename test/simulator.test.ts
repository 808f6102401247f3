/**
 * The simulator's own checks (`node test/simulator.selftest.js`) run with the
 * tests, so a change to the simulator cannot quietly change what every other
 * test measures against.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

test('the Runbase simulator passes its self-test', () => {
	const selftest = spawnSync(process.execPath, [path.join(__dirname, 'simulator.selftest.js')], {
		encoding: 'utf8',
		timeout: 110_000,
	});
	const failures = selftest.stdout.split('\n').filter((line) => line.startsWith('FAIL'));
	expect({ failures, status: selftest.status, stderr: selftest.stderr }).toEqual({ failures: [], status: 0, stderr: '' });
	expect(selftest.stdout).toMatch(/^(\d+)\/\1 passed/m);
}, 120_000);
