import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeType,
	IRunExecutionData,
} from 'n8n-workflow';
import { ExecuteContext, ExecutionLifecycleHooks, RoutingNode } from 'n8n-core';
import { NodeHelpers, Workflow } from 'n8n-workflow';

import { buildAdditionalData } from './engineAdditionalData';
import { credentialType, nodeTypes } from './engineNodes';

/**
 * Runs the credential's `test` the way n8n's CredentialsTester does: its request
 * goes through n8n's RoutingNode; a thrown HTTP error is matched against the
 * test's rules, and any other non-2xx answer fails.
 */
export async function testCredential(
	data: ICredentialDataDecryptedObject,
): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const { test } = credentialType;
	const nodeType = {
		description: {
			displayName: 'Temp',
			name: 'temp',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credentialType.name, required: true }],
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: test.request } },
			],
		},
	} as unknown as INodeType;
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'temp',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentialType.name]: { id: '1', name: 'Runbase' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: { ...nodeTypes, getByName: () => nodeType, getByNameAndVersion: () => nodeType },
	});
	const hooks = new ExecutionLifecycleHooks('internal', 'cred-test', workflow as never);
	const defaults = NodeHelpers.getNodeParameters(credentialType.properties, {}, true, false, null, null);
	const decrypted = { ...(defaults as IDataObject), ...data } as ICredentialDataDecryptedObject;
	const context = new ExecuteContext(
		workflow,
		node,
		buildAdditionalData(hooks, decrypted),
		'internal',
		{ resultData: { runData: {} } } as unknown as IRunExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	try {
		await new RoutingNode(context, nodeType, {
			id: '1',
			name: 'Runbase',
			type: credentialType.name,
			data: decrypted,
		}).runNode();
	} catch (error) {
		const response = error.cause?.response;
		if (response) {
			const rule = test.rules?.find(
				(candidate) => candidate.type === 'responseCode' && candidate.properties.value === response.status,
			);
			if (rule) return { status: 'Error', message: String(rule.properties.message) };
			return { status: 'Error', message: response.statusText || `Received HTTP status code: ${response.status}` };
		}
		if (error.cause?.code) return { status: 'Error', message: error.cause.code };
		return { status: 'Error', message: error.message };
	}
	return { status: 'OK', message: 'Connection successful!' };
}

