/** The run ledger lives as long as its execution uses it, holds hashes, and goes when it cannot be needed. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { clearLedgers, fingerprintOf, ledgerFor, releaseLedger } from '../../../nodes/NanoBanana/lifecycle/runLedger';

const HOUR = 3600_000;
const context = (executionId: string) =>
	({
		getExecutionId: () => executionId,
		getNode: () => ({ name: 'Nano Banana' }),
		getWorkflowDataProxy: () => ({ $thisRunIndex: 0 }),
	}) as unknown as IExecuteFunctions;

beforeEach(() => {
	clearLedgers();
	jest.useFakeTimers({ now: new Date('2026-12-05T00:00:00Z') });
});
afterEach(() => jest.useRealTimers());

test('a ledger in use for more than 2 hours is kept: each use keeps it alive', () => {
	const ledger = ledgerFor(context('long'));
	ledger.recordCreated(0, 'f0', 'run_0', 'pending');
	for (let hour = 1; hour <= 5; hour++) {
		jest.setSystemTime(Date.now() + 1.5 * HOUR);
		ledger.recordCreated(hour, `f${hour}`, `run_${hour}`, 'pending');
		ledgerFor(context(`other-${hour}`));
	}
	expect(ledgerFor(context('long')).earlier(0, 'f0')?.runId).toBe('run_0');
});

test('an unused ledger goes after 2 hours, and a succeeded execution releases it at once', () => {
	ledgerFor(context('idle')).recordCreated(0, 'f', 'run_idle', 'succeeded');
	jest.setSystemTime(Date.now() + 2 * HOUR + 1);
	ledgerFor(context('someone else'));
	expect(ledgerFor(context('idle')).earlier(0, 'f')).toBeUndefined();

	ledgerFor(context('done')).recordCreated(0, 'f', 'run_done', 'succeeded');
	releaseLedger(context('done'));
	expect(ledgerFor(context('done')).collectable()).toEqual([]);
});

test('a start on its way, or whose answer never came, is remembered without a run ID; a refused one is forgotten', () => {
	const ledger = ledgerFor(context('uncertain'));
	ledger.recordStarting(0, 'a');
	ledger.recordUncertain(0, 'a');
	ledger.recordStarting(1, 'b');
	ledger.forget(1, 'b');
	ledger.recordUncertain(2, 'c', 'run_c');
	expect(ledger.unnamed()).toEqual([{ itemIndex: 0, fingerprint: 'a', status: 'unknown', runId: undefined }]);
	expect(ledger.collectable().map((entry) => entry.runId)).toEqual(['run_c']);
});

test('fingerprints are fixed-size hashes, whatever the request holds', () => {
	const huge = { model: 'm', input: { prompt: 'x'.repeat(32_000), image_urls: ['data:image/png;base64,' + 'A'.repeat(1_000_000)] } };
	expect(fingerprintOf(huge)).toMatch(/^[0-9a-f]{64}$/);
	expect(fingerprintOf(huge)).toBe(fingerprintOf(JSON.parse(JSON.stringify(huge))));
});
