/**
 * One n8n "process" of the shared-key benchmark: runs one execution of
 * `count` one-run items on the given API, then prints what it got as JSON.
 * Usage: node benchWorker.js <baseUrl> <count> <prompt prefix>
 */
import { runWorkflow } from '../helpers/engine';

async function main() {
	const [baseUrl, count, prefix] = process.argv.slice(2);
	const result = await runWorkflow({
		items: Array.from({ length: Number(count) }, (_, index) => ({ prompt: `${prefix} ${index}` })),
		parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', aspectRatio: '16:9', returnAs: 'urls' },
		credentials: { apiKey: 'sk-test', baseUrl },
		continueOnFail: true,
		firstBurstJitter: true,
	});
	const failed = result.items.filter((item) => item.json.error !== undefined).length + (result.error ? Number(count) : 0);
	process.stdout.write(`${JSON.stringify({ failed, delivered: result.items.length - failed })}\n`);
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
