/**
 * Runs the credential's declarative test as n8n's CredentialsTester does: the test
 * request goes through n8n-core's RoutingNode (with the credential's own
 * `authenticate` and n8n's HTTP client), then the rules are read in order:
 * `responseCode` rules when the request threw with an HTTP answer, otherwise
 * `responseSuccessBody` rules against the answer's body. `line: '1.x'` sends the
 * request as n8n 1.x does, whose HTTP client lets every status through when
 * `ignoreHttpStatusErrors` is set at all. (Real n8n 1.x and 2.x run the same test
 * through their REST API in the end-to-end tests.)
 */
import { ExecuteContext, ExecutionLifecycleHooks, RoutingNode } from 'n8n-core';
import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	INode,
	INodeCredentialTestResult,
	INodeType,
	INodeTypes,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { RunbaseApi } from '../../credentials/RunbaseApi.credentials';
import { buildAdditionalData } from './engineAdditionalData';

type Rule = IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody;

const valueAt = (data: unknown, path: string): unknown =>
	path.split('.').reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);

export async function testCredential(
	data: ICredentialDataDecryptedObject,
	{ line = '2.x' }: { line?: '1.x' | '2.x' } = {},
): Promise<INodeCredentialTestResult> {
	const credential = new RunbaseApi();
	const { request, rules = [] } = credential.test;
	const sent = line === '1.x' ? { ...request, ignoreHttpStatusErrors: true } : request;
	const nodeType: INodeType = {
		description: {
			displayName: 'Credential test',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: [],
			outputs: [],
			credentials: [{ name: credential.name, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: sent } }],
		},
	};
	const nodeTypes = { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const node: INode = { id: 'temp', name: 'Temp', type: 'credentialTest', typeVersion: 1, position: [0, 0], parameters: {}, credentials: { runbaseApi: { id: '1', name: 'Runbase' } } };
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = buildAdditionalData(new ExecutionLifecycleHooks('internal', 'test', { nodes: [node], connections: {} } as never), data);
	const context = new ExecuteContext(workflow, node, additionalData, 'internal', { resultData: { runData: {} } } as never, 0, [], { main: [[{ json: {} }]] }, { node, data: {}, source: null }, []);
	const credentialsDecrypted = { id: '1', name: 'Runbase', type: credential.name, data };
	let body: unknown;
	try {
		const output = await new RoutingNode(context, nodeType, credentialsDecrypted).runNode();
		body = output?.[0]?.[0]?.json;
	} catch (error) {
		const status = (error as { cause?: { response?: { status?: number; statusText?: string } } }).cause?.response?.status;
		if (status !== undefined) {
			const rule = (rules as Rule[]).find((candidate) => candidate.type === 'responseCode' && candidate.properties.value === status);
			if (rule) return { status: 'Error', message: rule.properties.message };
			return { status: 'Error', message: `Received HTTP status code: ${status}` };
		}
		const code = (error as { cause?: { code?: unknown } }).cause?.code;
		return { status: 'Error', message: typeof code === 'string' ? code : String((error as Error).message) };
	}
	for (const rule of rules as Rule[]) {
		if (rule.type === 'responseSuccessBody' && valueAt(body, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}
