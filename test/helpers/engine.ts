/**
 * Runs workflows in n8n's real execution engine (`n8n-core`'s WorkflowExecute),
 * with n8n's real HTTP, credential and binary data helpers. Only the pieces the
 * n8n server would provide (node type registry, credential store) are small
 * stand-ins here; the credential's own `authenticate` is applied through n8n's
 * expression engine, as n8n does.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { BinaryDataService, ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	IRun,
	IRunExecutionData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { LoggerProxy, Workflow } from 'n8n-workflow';

import { clearLearnedDurations } from '../../nodes/NanoBanana/lifecycle/completionEstimator';
import { clearDeduplication } from '../../nodes/NanoBanana/lifecycle/deduplication';
import { clearRetryMemory } from '../../nodes/NanoBanana/lifecycle/retryMemory';
import { clearLedgers } from '../../nodes/NanoBanana/lifecycle/runLedger';
import { clearLearnedCosts } from '../../nodes/NanoBanana/lifecycle/spendCap';
import { clearBudgets } from '../../nodes/NanoBanana/transport/budgetRegistry';
import { buildAdditionalData } from './engineAdditionalData';
import { ITEMS_TYPE, NODE_TYPE, nodeTypes } from './engineNodes';

export { testCredential } from './credentialTest';
export { NODE_TYPE } from './engineNodes';

// n8n-core ships its own copy of the DI container; services must come from that one.
const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] })) as typeof import('@n8n/di');

let binaryDataReady: Promise<void> | undefined;

/** Test processes keep their n8n user folder (binary data of the test runs) here, one per process id. */
const USER_FOLDERS = path.join(tmpdir(), 'runbase-n8n-engine');

/**
 * A user folder for this process. Folders of processes that are gone are removed
 * first, so test runs never pile them up (no exit hook runs reliably in a jest worker).
 */
function makeUserFolder(): string {
	mkdirSync(USER_FOLDERS, { recursive: true });
	for (const name of readdirSync(USER_FOLDERS)) {
		if (Number(name) !== process.pid && !processAlive(Number(name))) {
			rmSync(path.join(USER_FOLDERS, name), { recursive: true, force: true });
		}
	}
	const folder = path.join(USER_FOLDERS, String(process.pid));
	mkdirSync(folder, { recursive: true });
	return folder;
}

function processAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** n8n keeps binary data in memory ('default') or on disk ('filesystem'); one mode per process. */
export async function initBinaryData(mode: 'default' | 'filesystem' = 'default'): Promise<void> {
	binaryDataReady ??= (async () => {
		process.env.N8N_USER_FOLDER ??= makeUserFolder();
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
	/** n8n's On Error: true is "Continue", 'errorOutput' is "Continue (using error output)". */
	continueOnFail?: boolean | 'errorOutput';
	/** Cancel the execution this many milliseconds after it starts. */
	cancelAfterMs?: number;
	/**
	 * Keep what this process learned (request budgets per key, run durations, run ledgers),
	 * as concurrent executions in one n8n process do. By default each run starts as a fresh process.
	 */
	shareProcessState?: boolean;
	/** A new key budget holds its first burst back a random while, as in n8n (tests: no). */
	firstBurstJitter?: boolean;
	/** n8n's node settings Retry On Fail, with its number of tries and wait between them. */
	retryOnFail?: { maxTries: number; waitBetweenTries: number };
	/** n8n's REST address, where its signed links to binary data point (test/helpers/signedLinks.ts serves them). */
	restApiUrl?: string;
	/** How n8n started the execution: 'manual' (default), 'webhook', 'retry' (a retry from the executions list) ... */
	mode?: WorkflowExecuteMode;
	/** The workflow's static data as n8n saved it after an earlier execution (WorkflowResult.staticData). */
	staticData?: IDataObject;
}

/**
 * Forgets everything the node keeps per process, as if n8n had just started. Tests start
 * without the random first-burst jitter of a new key budget, so their timing is exact;
 * the benchmark keeps it (`jitter`).
 */
export function freshProcess({ jitter = false }: { jitter?: boolean } = {}): void {
	clearBudgets(jitter ? Math.random : () => 0);
	clearLearnedDurations();
	clearLedgers();
	clearLearnedCosts();
	clearDeduplication();
	clearRetryMemory();
}

// This module is the tests' n8n process: it starts fresh, also as a second copy from jest.isolateModules.
freshProcess();

let executionCounter = 0;

export interface WorkflowResult {
	run: IRun;
	/** Output items of the Nano Banana node (empty when it failed). */
	items: INodeExecutionData[];
	/** Items n8n sent to the node's error output (On Error: Continue (using error output)). */
	errorItems: INodeExecutionData[];
	/** The node's error when the workflow failed. */
	error?: { message: string; description?: string | null; context?: IDataObject; httpCode?: string | null };
	/** The workflow's static data after the execution, as n8n would save it (outside manual mode). */
	staticData: IDataObject;
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowResult> {
	await initBinaryData();
	if (!options.shareProcessState) freshProcess({ jitter: options.firstBurstJitter });
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
			...(options.continueOnFail
				? { onError: options.continueOnFail === 'errorOutput' ? ('continueErrorOutput' as const) : ('continueRegularOutput' as const) }
				: {}),
			...(options.retryOnFail ? { retryOnFail: true, ...options.retryOnFail } : {}),
		},
	];
	const connections = { Items: { main: [[{ node: 'Nano Banana', type: 'main' as const, index: 0 }]] } };
	const staticData = options.staticData ? (JSON.parse(JSON.stringify(options.staticData)) as IDataObject) : undefined;
	const workflow = new Workflow({ id: 'wf', nodes, connections, active: false, nodeTypes, staticData });

	const mode: WorkflowExecuteMode = options.mode ?? 'manual';
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

	const additionalData = buildAdditionalData(hooks, options.credentials, executionId, options.restApiUrl);

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
		staticData: JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject,
		items: taskData?.data?.main?.[0] ?? [],
		errorItems: taskData?.data?.main?.[1] ?? [],
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
