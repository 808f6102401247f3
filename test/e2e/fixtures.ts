/**
 * Shared setup of the real-n8n e2e tests: example workflows, variants of the demo, and one
 * n8n instance (the package installed from its packed tarball) with the simulator's credentials.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

import { startSimulator } from '../simulator';
import type { Simulator, SimulatorOptions } from '../simulator';
import * as n8n from './n8n';
import type { N8nInstance, N8nLine } from './n8n';
import { packTarball, REPO_ROOT } from './packTarball';

export type WorkflowNode = {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: string;
};
export type Workflow = { id: string; name: string; nodes: WorkflowNode[]; [key: string]: unknown };

export const example = (file: string): Workflow =>
	JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8')) as Workflow;

export const CREDENTIALS = [
	{ id: 'runbaseCred0001', name: 'Runbase account', key: 'sk-e2e' },
	{ id: 'runbaseBadKey01', name: 'Runbase wrong key', key: 'sk-wrong' },
	{ id: 'runbaseBroke001', name: 'Runbase empty balance', key: 'sk-broke' },
];

/** The demo workflow, changed by `edit`, under a new id. */
export function variant(id: string, edit: (nanoBanana: WorkflowNode, workflow: Workflow) => void): Workflow {
	const workflow = example('demo.json');
	workflow.id = id;
	workflow.name = `e2e ${id}`;
	edit(workflow.nodes.find((node) => node.name === 'Nano Banana')!, workflow);
	return workflow;
}

export function useCredential(node: WorkflowNode, index: number) {
	node.credentials = { runbaseApi: { id: CREDENTIALS[index].id, name: CREDENTIALS[index].name } };
}

/** Replaces the demo's prompt list with these items (Nano Banana unless an item names another model). */
export function setPrompts(workflow: Workflow, prompts: Array<{ prompt: string; aspectRatio: string; model?: string }>) {
	const code = workflow.nodes.find((node) => node.name === 'Prompts')!;
	const items = prompts.map((entry) => ({ json: { model: 'google/nano-banana', ...entry, references: [] } }));
	code.parameters.jsCode = `return ${JSON.stringify(items)};`;
}

export type E2eSetup = { sim: Simulator; instance: N8nInstance; dispose(): Promise<void> };

export type InstallRoute = 'nodes' | 'custom' | 'extensions';

/** The workflow with the package's node type as this instance names it (CUSTOM.<name> when not installed as a package). */
function forInstance(workflow: Workflow, instance: N8nInstance): Workflow {
	const nodes = workflow.nodes.map((node) =>
		node.type.startsWith('n8n-nodes-runbase.') ? { ...node, type: instance.nodeType(node.type.split('.')[1]) } : node,
	);
	return { ...workflow, nodes };
}

/**
 * Starts the simulator and one n8n instance (of `line`, default 2.x, with the package installed
 * by `installRoute`, default as a community package), imports the credentials and the workflows.
 */
export async function startE2e(
	workflows: Workflow[],
	simulatorOptions: SimulatorOptions,
	env: Record<string, string> = {},
	{ line, installRoute }: { line?: N8nLine; installRoute?: InstallRoute } = {},
): Promise<E2eSetup> {
	const sim = await startSimulator({
		apiKeys: ['sk-e2e', 'sk-broke'],
		keyStates: { 'sk-broke': 'insufficient_balance' },
		...simulatorOptions,
	});
	let instance: N8nInstance | undefined;
	let tarball: string | undefined;
	const dispose = async () => {
		await instance?.dispose();
		await sim.close();
		if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
	};
	try {
		await n8n.ensureInstalled({ line, log: (text) => process.stderr.write(`[n8n ${line ?? n8n.DEFAULT_LINE}] ${text}\n`) });
		tarball = packTarball();
		instance = await n8n.createInstance({ packageTarball: tarball, installRoute, log: () => {}, env, line });
		await instance.importCredentials(
			CREDENTIALS.map(({ id, name, key }) => ({ id, name, type: 'runbaseApi', data: { apiKey: key, baseUrl: sim.apiBaseUrl } })),
		);
		const named = instance;
		await instance.importWorkflows(workflows.map((workflow) => forInstance(workflow, named)));
		return { sim, instance, dispose };
	} catch (error) {
		await dispose();
		throw error;
	}
}
