import type { INode } from 'n8n-workflow';

import { runError } from '../helpers/runErrors';

/** What a run of each model and resolution cost when this process last saw one, in micro-dollars. */
const lastCost = new Map<string, number>();

const dollars = (micro: number) => `$${(micro / 1_000_000).toFixed(micro % 10_000 === 0 ? 2 : 3)}`;

/** A create's share of the cap: settled with the cost Runbase reports, or released when nothing started. */
export interface SpendReservation {
	settle(costMicro: unknown): void;
	release(): void;
}

/**
 * Max Spend per Execution. Runbase charges when a run is created and reports the cost
 * (`costUsd`) then, so each create reserves the cost last seen for its model and
 * resolution, and an item that would go past the cap is not started. The first run of
 * a kind in this process goes alone to learn the price, and may pass the cap by its own cost.
 */
export class SpendCap {
	private committed = 0;
	private readonly learning = new Map<string, Promise<void>>();

	constructor(private readonly capMicro: number | undefined) {}

	async reserve(kind: string, node: INode, itemIndex: number): Promise<SpendReservation | undefined> {
		if (this.capMicro === undefined) return undefined;
		while (!lastCost.has(kind) && this.learning.has(kind)) await this.learning.get(kind);
		const expected = lastCost.get(kind);
		const committedBefore = this.committed;
		if (committedBefore >= this.capMicro || committedBefore + (expected ?? 0) > this.capMicro) {
			throw runError(node, {
				message: `Max Spend per Execution (${dollars(this.capMicro)}) is reached`,
				detail: `The runs this execution started cost ${dollars(committedBefore)}${expected === undefined ? '' : `, and this one would cost about ${dollars(expected)} more`}. Raise Max Spend per Execution in the node's options, or send fewer items.`,
				runStarted: 'notStarted',
				itemIndex,
			});
		}
		let learned: () => void = () => {};
		if (expected === undefined) this.learning.set(kind, new Promise<void>((resolve) => (learned = resolve)));
		this.committed += expected ?? 0;
		const done = () => {
			this.learning.delete(kind);
			learned();
		};
		return {
			settle: (costMicro: unknown) => {
				if (typeof costMicro === 'number' && Number.isFinite(costMicro) && costMicro >= 0) {
					lastCost.set(kind, costMicro);
					this.committed += costMicro - (expected ?? 0);
				}
				done();
			},
			release: () => {
				this.committed -= expected ?? 0;
				done();
			},
		};
	}
}

/** Forgets the prices seen: a fresh process, for tests. */
export function clearLearnedCosts(): void {
	lastCost.clear();
}
