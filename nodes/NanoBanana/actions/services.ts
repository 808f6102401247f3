import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { CompletionEstimator } from '../helpers/completionEstimator';
import type { RunbaseClient } from '../transport/runbaseClient';

/** What every item of one execution shares: one client over one request budget, and what it learned. */
export interface ExecutionServices {
	client: RunbaseClient;
	estimator: CompletionEstimator;
}

/**
 * An operation checks an item's parameters without any request (`prepare`), so
 * bad input fails before money is spent, then runs it (`execute`).
 */
export interface Operation<Prepared> {
	prepare(ctx: IExecuteFunctions, itemIndex: number): Prepared;
	execute(
		ctx: IExecuteFunctions,
		prepared: Prepared,
		itemIndex: number,
		services: ExecutionServices,
	): Promise<INodeExecutionData>;
}
