/** The node types the test workflows use: Nano Banana and a start node that emits the test's items. */
import type {
	IBinaryData,
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

export type TestBinary = { base64: string; mimeType: string; fileName?: string } | IBinaryData;

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

	/**
	 * An item's `$binary` becomes binary data as n8n stores it: `{ field: { base64, mimeType, fileName } }`
	 * is stored anew; `{ field: <IBinaryData> }` (e.g. an earlier run's output) is passed on as it is.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = JSON.parse(this.getNodeParameter('items', 0) as string) as Array<IDataObject & { $binary?: Record<string, TestBinary> }>;
		const output: INodeExecutionData[] = [];
		for (const { $binary, ...json } of items) {
			if (!$binary) {
				output.push({ json });
				continue;
			}
			const binary: Record<string, IBinaryData> = {};
			for (const [field, file] of Object.entries($binary)) {
				const fresh = file as { base64?: unknown; fileName?: string; mimeType: string };
				binary[field] =
					typeof fresh.base64 === 'string'
						? await this.helpers.prepareBinaryData(Buffer.from(fresh.base64, 'base64'), fresh.fileName, fresh.mimeType)
						: (file as IBinaryData);
			}
			output.push({ json, binary });
		}
		return [output];
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

