import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { invalid } from '../helpers/validation';
import { executeItems } from '../lifecycle/executeItems';
import { generate } from './generate.operation';
import { getRun } from './getRun.operation';

/** Picks the operation; the lifecycle (checks, budget, concurrency, errors) is the same for every one. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	if (this.getInputData().length === 0) return [[]];
	const operation = this.getNodeParameter('operation', 0) as string;
	switch (operation) {
		case 'generate':
			return [await executeItems(this, generate)];
		case 'getRun':
			return [await executeItems(this, getRun)];
		default:
			throw invalid(this.getNode(), 0, `The operation "${String(operation)}" is not supported`, 'Choose Generate or Get Run in the Operation field.');
	}
}
