/**
 * The bad-input table: each bad value, how it reaches the node, and the exact
 * message the user must see. `attempt` runs one execution the way a user would.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../simulator';
import type { WorkflowResult } from './engine';
import { runWorkflow } from './engine';
import { FAST_POLLING } from './fixtures';

export const KEY = 'sk-test';

/** What the user sees for one execution: n8n's error, thrown before the run (parameter issues) or recorded by the node. */
export interface Seen {
	message: string;
	description?: string | null;
	result?: WorkflowResult;
}

export async function attempt(
	sim: Simulator,
	parameters: INodeParameters,
	items: IDataObject[] | undefined,
	credentials: boolean,
	continueOnFail = false,
): Promise<Seen> {
	try {
		const result = await runWorkflow({
			parameters,
			items,
			credentials: credentials ? { apiKey: KEY, baseUrl: sim.apiBaseUrl } : undefined,
			continueOnFail,
		});
		return { message: result.error?.message ?? '', description: result.error?.description, result };
	} catch (error) {
		// n8n refuses to start a workflow whose node has parameter issues (a required field left empty).
		return { message: (error as Error).message };
	}
}

export interface BadInput {
	input: string;
	parameters: INodeParameters;
	items?: IDataObject[];
	noCredential?: boolean;
	message: string;
}

export const generate = (extra: INodeParameters = {}, options: IDataObject = {}): INodeParameters => ({
	operation: 'generate',
	prompt: 'A ceramic lamp',
	aspectRatio: '1:1',
	returnAs: 'binary',
	...extra,
	options: { ...FAST_POLLING, ...options },
});
export const references = (...urls: string[]) => ({ image: urls.map((url) => ({ url })) });
export const eleven = Array.from({ length: 11 }, (_, i) => `https://example.com/ref${i + 1}.png`);
