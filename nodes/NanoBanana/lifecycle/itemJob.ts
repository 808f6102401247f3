import type { IExecuteFunctions } from 'n8n-workflow';

import type { RunSettings } from '../helpers/interfaces';
import type { RunbaseClient } from '../transport/runbaseClient';
import type { RunLedger } from './runLedger';
import type { SpendCap } from './spendCap';

/** Everything one item's work needs, built once by the router and passed down whole. */
export interface ItemJob {
	ctx: IExecuteFunctions;
	itemIndex: number;
	settings: RunSettings;
	client: RunbaseClient;
	ledger: RunLedger;
	/** Max Spend per Execution, shared by the execution's items. */
	spendCap: SpendCap;
	startedAt: number;
	/** The item's Timeout as epoch ms: every wait of this item ends here. */
	deadline: number;
	/** Aborted when the execution is cancelled or has decided to fail: every wait of this item ends then. */
	signal: AbortSignal;
}
