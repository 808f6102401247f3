import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { RunSettings } from '../helpers/interfaces';
import type { ItemJob } from './itemJob';

/**
 * An operation checks an item's parameters without any request (`prepare`), so
 * bad input fails before money is spent, then runs it (`execute`).
 */
/** What `prepare` may need to know beyond the item: read once per execution, and only when needed. */
export interface PrepareContext {
	/** The host of the credential's Base URL. */
	apiHost(): Promise<string>;
}

export interface Operation<Prepared extends { settings: RunSettings }> {
	prepare(ctx: IExecuteFunctions, itemIndex: number, context: PrepareContext): Prepared | Promise<Prepared>;
	execute(job: ItemJob, prepared: Prepared): Promise<INodeExecutionData>;
}
