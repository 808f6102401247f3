/**
 * Runs workflows in n8n's real execution engine (`n8n-core`'s WorkflowExecute),
 * with n8n's real HTTP, credential and binary data helpers. Only the pieces the
 * n8n server would provide (node type registry, credential store) are small
 * stand-ins here; the credential's own `authenticate` is applied through n8n's
 * expression engine, as n8n does.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { BinaryDataService, ExecuteContext, ExecutionLifecycleHooks, RoutingNode, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, LoggerProxy, NodeHelpers, Workflow } from 'n8n-workflow';

import { RunbaseApi } from '../../credentials/RunbaseApi.credentials';
import { NanoBanana } from '../../nodes/NanoBanana/NanoBanana.node';
import { clearLearnedDurations } from '../../nodes/NanoBanana/lifecycle/completionEstimator';
import { clearLedgers } from '../../nodes/NanoBanana/lifecycle/runLedger';
import { clearBudgets } from '../../nodes/NanoBanana/transport/budgetRegistry';

// n8n-core ships its own copy of the DI container; services must come from that one.
const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] })) as typeof import('@n8n/di');

export const NODE_TYPE = 'n8n-nodes-runbase.nanoBanana';
const ITEMS_TYPE = 'test.items';
const credentialType = new RunbaseApi();

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

const nodeTypes: INodeTypes = {
	getByName: (type) => getType(type),
	getByNameAndVersion: (type) => getType(type),
	getKnownTypes: () => ({}),
};

function getType(type: string): INodeType {
	if (type === NODE_TYPE) return new NanoBanana();
	if (type === ITEMS_TYPE) return new ItemsNode();
	throw new Error(`Unknown node type ${type}`);
}

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: ICredentialDataDecryptedObject | undefined) {
		super();
	}

	getParentTypes() {
		return [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		// As n8n's CredentialsHelper does for a generic `authenticate`: resolve each expression.
		const headers = credentialType.authenticate.properties.headers ?? {};
		const resolved: IDataObject = {};
		for (const [name, value] of Object.entries(headers)) {
			resolved[name] = workflow.expression.getSimpleParameterValue(
				node,
				value as string,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			) as string;
		}
		return { ...requestOptions, headers: { ...(requestOptions.headers ?? {}), ...resolved } };
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	getCredentialsProperties() {
		return credentialType.properties;
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		if (!this.data) throw new Error('Credentials not found');
		const defaults = NodeHelpers.getNodeParameters(credentialType.properties, {}, true, false, null, null);
		return { ...(defaults as IDataObject), ...this.data } as ICredentialDataDecryptedObject;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used');
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}
}

function buildAdditionalData(
	hooks: ExecutionLifecycleHooks,
	credentials: ICredentialDataDecryptedObject | undefined,
	executionId = 'exec-1',
): IWorkflowExecuteAdditionalData {
	return {
		hooks,
		executionId,
		credentialsHelper: new TestCredentialsHelper(credentials),
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not used');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

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

let binaryDataReady: Promise<void> | undefined;

/** n8n keeps binary data in memory ('default') or on disk ('filesystem'); one mode per process. */
export async function initBinaryData(mode: 'default' | 'filesystem' = 'default'): Promise<void> {
	binaryDataReady ??= (async () => {
		process.env.N8N_USER_FOLDER ??= mkdtempSync(path.join(tmpdir(), 'runbase-n8n-'));
		process.env.N8N_DEFAULT_BINARY_DATA_MODE = mode;
		const quiet = () => {};
		LoggerProxy.init({ error: quiet, warn: quiet, info: quiet, debug: quiet } as never);
		await Container.get(BinaryDataService).init();
	})();
	await binaryDataReady;
}

export interface RunWorkflowOptions {
	/** Parameters of the Nano Banana node. */
	parameters: INodeParameters;
	/** Input items (their JSON); default one empty item. */
	items?: IDataObject[];
	/** `undefined` means no credential is set on the node. */
	credentials?: { apiKey: string; baseUrl: string };
	continueOnFail?: boolean;
	/** Cancel the execution this many milliseconds after it starts. */
	cancelAfterMs?: number;
	/**
	 * Keep what this process learned (request budgets per key, run durations, run ledgers),
	 * as concurrent executions in one n8n process do. By default each run starts as a fresh process.
	 */
	shareProcessState?: boolean;
	/** n8n's node settings Retry On Fail, with its number of tries and wait between them. */
	retryOnFail?: { maxTries: number; waitBetweenTries: number };
}

/** Forgets everything the node keeps per process, as if n8n had just started. */
export function freshProcess(): void {
	clearBudgets();
	clearLearnedDurations();
	clearLedgers();
}

let executionCounter = 0;

export interface WorkflowResult {
	run: IRun;
	/** Output items of the Nano Banana node (empty when it failed). */
	items: INodeExecutionData[];
	/** The node's error when the workflow failed. */
	error?: { message: string; description?: string | null; context?: IDataObject; httpCode?: string | null };
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowResult> {
	await initBinaryData();
	if (!options.shareProcessState) freshProcess();
	const executionId = `exec-${++executionCounter}`;
	const nodes: INode[] = [
		{
			id: 'items',
			name: 'Items',
			type: ITEMS_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(options.items ?? [{}]) },
		},
		{
			id: 'nano',
			name: 'Nano Banana',
			type: NODE_TYPE,
			typeVersion: 1,
			position: [200, 0],
			parameters: options.parameters,
			...(options.credentials ? { credentials: { runbaseApi: { id: '1', name: 'Runbase' } } } : {}),
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
			...(options.retryOnFail ? { retryOnFail: true, ...options.retryOnFail } : {}),
		},
	];
	const connections = { Items: { main: [[{ node: 'Nano Banana', type: 'main' as const, index: 0 }]] } };
	const workflow = new Workflow({ id: 'wf', nodes, connections, active: false, nodeTypes });

	const mode: WorkflowExecuteMode = 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, executionId, {
		id: 'wf',
		name: 'test',
		nodes,
		connections,
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
	});
	let resolveFinished: (run: IRun) => void = () => {};
	const finished = new Promise<IRun>((resolve) => (resolveFinished = resolve));
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => resolveFinished(fullRunData));

	const additionalData = buildAdditionalData(hooks, options.credentials, executionId);

	const runExecutionData: IRunExecutionData = {
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }],
			waitingExecution: {},
			waitingExecutionSource: {},
		},
	} as unknown as IRunExecutionData;

	const execution = new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow);
	if (options.cancelAfterMs !== undefined) {
		setTimeout(() => execution.cancel(), options.cancelAfterMs);
	}
	let run: IRun;
	try {
		run = await execution;
	} catch {
		run = await finished;
	}
	const taskData = run.data.resultData.runData['Nano Banana']?.[0];
	const error = taskData?.error ?? run.data.resultData.error;
	return {
		run,
		items: taskData?.data?.main?.[0] ?? [],
		error: error
			? {
					message: error.message,
					description: (error as { description?: string | null }).description,
					context: (error as { context?: IDataObject }).context,
					httpCode: (error as { httpCode?: string | null }).httpCode,
				}
			: undefined,
	};
}

/** Reads a binary property of an output item as a Buffer, whatever the binary data mode. */
export async function binaryBuffer(item: INodeExecutionData, property = 'data'): Promise<Buffer> {
	const binary = item.binary?.[property];
	if (!binary) throw new Error(`Item has no binary property "${property}"`);
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}
