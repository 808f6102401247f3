/**
 * A webhook burst: 30 webhook calls at once reach the node in ONE real n8n process (`n8n start`,
 * regular mode) against Runbase's documented limit (20 requests per 10 s per key). The
 * node keeps one request budget per key for the whole process, so the 30 executions share
 * it and hardly ever see a 429; every call is answered with its own image URL.
 */
import { BURST_SIZE, burstWorkflow, checkBurst, describeReport, DOCUMENTED_RATE_LIMIT, fireBurst } from './burst';
import { startE2e } from './fixtures';
import type { E2eSetup } from './fixtures';
import type { N8nServer } from './n8n';

const WEBHOOK_PATH = 'runbase-burst';
const workflow = burstWorkflow('e2eWebhookBurst', WEBHOOK_PATH);

let setup: E2eSetup | undefined;
let server: N8nServer | undefined;

beforeAll(async () => {
	setup = await startE2e([workflow], { pendingMs: 500, processingMs: 4000, rateLimit: DOCUMENTED_RATE_LIMIT });
	await setup.instance.publishWorkflow(workflow.id);
	server = await setup.instance.startServer();
	await server.waitForWebhook(WEBHOOK_PATH, { method: 'POST' });
}, 1_200_000);

afterAll(async () => {
	await server?.stop();
	await setup?.dispose();
});

test(`${BURST_SIZE} webhook calls at once in one n8n process: all answered, one budget, (almost) no 429`, async () => {
	const { sim } = setup!;
	const answers = await fireBurst(server!.webhookUrl(WEBHOOK_PATH), BURST_SIZE, 'single-process');
	const report = checkBurst(sim, answers, 'sk-e2e');
	process.stderr.write(describeReport('webhook burst, one n8n process', report));
	expect(sim.runs.size).toBe(BURST_SIZE);
	// One budget per key in the process: the 30 executions queue for it instead of racing each other.
	expect(report.share429).toBeLessThan(0.1);
}, 300_000);
