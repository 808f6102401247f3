/**
 * n8n 1.123.x keeps binary data in memory by default, where n8n cannot serve links to it:
 * Auto sends the uploaded photo and the first result inline, and Link says why it cannot
 * work, before any run is paid for. See binaryReferences.ts.
 */
import { editPhoto, outputImage, PHOTO, sha256, startUploadServer, uploadPhoto, withRoute } from './binaryReferences';
import type { E2eSetup } from './fixtures';
import type { N8nServer } from './n8n';

const link = withRoute('e2eEditLink0001', 'runbase-edit-link', 'link');
let setup: E2eSetup;
let server: N8nServer;

beforeAll(async () => {
	({ setup, server } = await startUploadServer([editPhoto, link], { env: { N8N_DEFAULT_BINARY_DATA_MODE: 'default' }, line: '1.x' }));
}, 1_200_000);

afterAll(async () => {
	await server?.stop();
	await setup?.dispose();
});

test('Auto sends the uploaded photo, and then the first result, inline', async () => {
	const answer = await uploadPhoto(server, editPhoto);
	expect(answer.status).toBe(200);
	const { sim } = setup;
	const runs = [...sim.runs.values()];
	expect(sim.references.map(({ source, sha256: hash }) => ({ source, hash }))).toEqual([
		{ source: 'data', hash: sha256(PHOTO) },
		{ source: 'data', hash: sha256(await outputImage(sim, runs[0].id)) },
	]);
	expect(sha256(answer.body)).toBe(sha256(await outputImage(sim, runs[1].id)));
}, 180_000);

test('Link with binary data in memory fails before any run, and says what to set', async () => {
	setup.sim.reset();
	await uploadPhoto(server, link);
	expect(setup.sim.requests.filter((request) => request.kind === 'create')).toEqual([]);
	// The webhook answers when the execution ends; its record is saved right after.
	let execution = await setup.instance.readExecution(link.id, { mode: 'webhook' });
	for (let tries = 0; !execution.result?.stoppedAt && tries < 20; tries++) {
		await new Promise((resolve) => setTimeout(resolve, 500));
		execution = await setup.instance.readExecution(link.id, { mode: 'webhook' });
	}
	expect(execution.result?.status).toBe('error');
	expect(execution.result?.data?.resultData.error?.message).toBe('n8n cannot serve a link to binary field "photo": it keeps binary data in memory [item 0]');
}, 180_000);
