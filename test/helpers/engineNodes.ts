/** The node types the test workflows use: Nano Banana and a start node that emits the test's items. */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypes,
} from 'n8n-workflow';

import { RunbaseApi } from '../../credentials/RunbaseApi.credentials';
import { NanoBanana } from '../../nodes/NanoBanana/NanoBanana.node';

export const NODE_TYPE = 'n8n-nodes-runbase.nanoBanana';
export const ITEMS_TYPE = 'test.items';
export const credentialType = new RunbaseApi();

/** A start node that emits the items a test gives it, like a Manual Trigger followed by a Code node. */
class ItemsNode implements INodeType {
	description = {
		displayName: 'Items',
		name: 'items',
		group: ['input'],
		version: 1,
		description: 'Emits test items',
		defaults: { name: 'Items' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json' as const, default: '[]' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = JSON.parse(this.getNodeParameter('items', 0) as string) as IDataObject[];
		return [items.map((json) => ({ json }))];
	}
}

export const nodeTypes: INodeTypes = {
	getByName: (type) => getType(type),
	getByNameAndVersion: (type) => getType(type),
	getKnownTypes: () => ({}),
};

function getType(type: string): INodeType {
	if (type === NODE_TYPE) return new NanoBanana();
	if (type === ITEMS_TYPE) return new ItemsNode();
	throw new Error(`Unknown node type ${type}`);
}

