/**
 * Bad input among good items: the bad ones fail alone and before any request,
 * the good ones still produce their images.
 */
import type { IDataObject } from 'n8n-workflow';

import { attempt, generate, KEY, references } from './helpers/badInputs';
import { binaryBuffer, runWorkflow } from './helpers/engine';
import { FAST_POLLING, PNG_SIGNATURE } from './helpers/fixtures';
import { useSimulator } from './helpers/useSimulator';

const sim = useSimulator({ pendingMs: 50, processingMs: 200 });

describe('a mix of good and bad items', () => {
	const prompts: unknown[] = ['mix: a red lamp', '', 'mix: a blue lamp', { text: 'object' }, 'mix: a green lamp', '   '];
	const bad = new Map<number, string>([
		[1, 'The prompt is empty [item 1]'],
		[3, 'The prompt is an object, not text [item 3]'],
		[5, 'The prompt is empty [item 5]'],
	]);

	test('with Continue On Fail: good items get images, bad items get an error paired with their own index', async () => {
		const result = await runWorkflow({
			parameters: generate({ prompt: '={{ $json.prompt }}' }),
			items: prompts.map((prompt) => ({ prompt }) as IDataObject),
			credentials: { apiKey: KEY, baseUrl: sim.apiBaseUrl },
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(prompts.length);
		for (const [index, item] of result.items.entries()) {
			expect(item.pairedItem).toEqual({ item: index });
			if (bad.has(index)) {
				expect(item.json.error).toBe(bad.get(index));
				expect(item.json.description).toEqual(expect.stringMatching(/\S/));
				expect(item.binary).toBeUndefined();
			} else {
				expect(item.json).toMatchObject({ status: 'succeeded', prompt: prompts[index] });
				expect((await binaryBuffer(item)).subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
			}
		}
		// Bad items never reached Runbase; each good one made exactly one run.
		expect(sim.stats().creates).toBe(3);
		for (const index of [0, 2, 4]) expect(sim.createsForPrompt(prompts[index] as string)).toBe(1);
	}, 15_000);

	test('without Continue On Fail: the first bad item fails the execution before any request', async () => {
		const outcome = await attempt(
			sim,
			generate({ prompt: '={{ $json.prompt }}' }),
			prompts.map((prompt) => ({ prompt }) as IDataObject),
			true,
		);
		expect(outcome.message).toBe('The prompt is empty [item 1]');
		expect(outcome.result?.items).toHaveLength(0);
		expect(sim.requests).toHaveLength(0);
	}, 15_000);

	test('a bad option on one item only (per-item Timeout) fails that item alone with Continue On Fail', async () => {
		const result = await runWorkflow({
			parameters: generate({ prompt: '={{ $json.prompt }}' }, { timeout: '={{ $json.timeout }}' }),
			items: [
				{ prompt: 'opt: lamp one', timeout: 20 },
				{ prompt: 'opt: lamp two', timeout: 0 },
			],
			credentials: { apiKey: KEY, baseUrl: sim.apiBaseUrl },
			continueOnFail: true,
		});
		expect(result.items[0].json.status).toBe('succeeded');
		expect(result.items[1].json.error).toBe('Timeout must be between 1 and 3600 seconds, but is 0 [item 1]');
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
		expect(sim.createsForPrompt('opt: lamp two')).toBe(0);
	}, 15_000);

	test('bad reference images (too long, not a URL) fail their items alone with Continue On Fail', async () => {
		const items = [
			{ prompt: 'ref: lamp one', ref: '' },
			{ prompt: 'ref: lamp two', ref: `https://example.com/${'a'.repeat(3000)}` },
			{ prompt: 'ref: lamp three', ref: 'https://cdn.example.com/lamp.png' },
			{ prompt: 'ref: lamp four', ref: 5 },
		];
		const result = await runWorkflow({
			parameters: generate({ prompt: '={{ $json.prompt }}', referenceImages: references('={{ $json.ref }}') }),
			items,
			credentials: { apiKey: KEY, baseUrl: sim.apiBaseUrl },
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.error)).toEqual([
			undefined,
			'Reference image 1 has 3020 characters, more than the 2048 a URL may have [item 1]',
			undefined,
			'A reference image is a number (5), not a URL [item 3]',
		]);
		for (const index of [0, 2]) {
			expect(result.items[index].json.status).toBe('succeeded');
			expect((await binaryBuffer(result.items[index])).subarray(0, 8).toString('hex')).toBe(PNG_SIGNATURE);
		}
		expect(result.items.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(sim.stats().creates).toBe(2);
	}, 15_000);

	test('Get Run IDs made only of dots fail their items alone, and no request leaves the runs path', async () => {
		const started = await runWorkflow({
			parameters: generate({ prompt: 'dots: a lamp' }, { waitForCompletion: false }),
			credentials: { apiKey: KEY, baseUrl: sim.apiBaseUrl },
		});
		const runId = started.items[0].json.runId as string;
		const earlier = sim.requests.length;

		const result = await runWorkflow({
			parameters: { operation: 'getRun', runId: '={{ $json.runId }}', options: FAST_POLLING },
			items: [{ runId: '..' }, { runId }, { runId: '.' }],
			credentials: { apiKey: KEY, baseUrl: sim.apiBaseUrl },
			continueOnFail: true,
		});
		expect(result.items.map((item) => item.json.error)).toEqual([
			'The run ID ".." is made only of dots [item 0]',
			undefined,
			'The run ID "." is made only of dots [item 2]',
		]);
		expect(result.items[1].json).toMatchObject({ runId, status: 'succeeded' });
		const apiPaths = sim.requests.slice(earlier).filter((request) => request.host === 'api').map((request) => request.path);
		expect(apiPaths.length).toBeGreaterThan(0);
		for (const path of apiPaths) expect(path).toMatch(new RegExp(`/runs/${runId}$`));
	}, 15_000);
});
