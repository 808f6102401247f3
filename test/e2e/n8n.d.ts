// Types for n8n.js (the real-n8n runtime helper).
export interface ExecuteResult {
	exitCode: number | null;
	crashedOnExit: string | null;
	timedOut: boolean;
	result?: {
		status?: string;
		data?: { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown>; binary?: Record<string, { data: string; mimeType: string; fileName?: string; fileExtension?: string }> }>> } }>>; error?: { message: string; description?: string } } };
	};
	logs: string[];
}
export interface N8nServer {
	url: string;
	webhookUrl(path: string): string;
	waitForWebhook(path: string, options?: { method?: string; timeoutMs?: number }): Promise<void>;
	stop(): Promise<unknown>;
}
export interface N8nInstance {
	userFolder: string;
	version: string;
	importCredentials(credentials: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>): Promise<unknown>;
	importWorkflows(workflows: unknown[]): Promise<unknown>;
	publishWorkflow(id: string): Promise<unknown>;
	execute(workflowId: string, options?: { timeoutMs?: number }): Promise<ExecuteResult>;
	startServer(options?: { timeoutMs?: number }): Promise<N8nServer>;
	dispose(): Promise<void>;
}
export function ensureInstalled(options?: { log?: (line: string) => void }): Promise<{ version: string }>;
export function createInstance(options?: {
	packageTarball?: string;
	binaryDataMode?: 'default' | 'filesystem';
	env?: Record<string, string>;
	log?: (line: string) => void;
}): Promise<N8nInstance>;
