/**
 * n8n 2.41.1 keeps binary data on disk, so Auto hands Runbase n8n's own signed links
 * (`/rest/binary-data/signed`), served by the running n8n: see binaryReferences.ts.
 */
import { editPhoto, outputImage, PHOTO, sha256, startUploadServer, uploadPhoto, withRoute } from './binaryReferences';
import type { E2eSetup } from './fixtures';
import type { N8nServer } from './n8n';

const inline = withRoute('e2eEditInline01', 'runbase-edit-inline', 'inline');
let setup: E2eSetup;
let server: N8nServer;

beforeAll(async () => {
	({ setup, server } = await startUploadServer([editPhoto, inline]));
}, 1_200_000);

afterAll(async () => {
	await server?.stop();
	await setup?.dispose();
});

test('an uploaded photo is edited through n8n\'s signed link, and the result refined with no node in between', async () => {
	const answer = await uploadPhoto(server, editPhoto);
	expect(answer.status).toBe(200);
	expect(answer.type).toMatch(/^image\/png/);
	const { sim } = setup;
	const [edit, refine] = sim.requests.filter((request) => request.kind === 'create');
	expect(edit.body).toMatchObject({ input: { prompt: 'Put the product from this photo in a bright studio scene. Add a soft shadow.' } });
	const references = sim.references.map(({ source, url, sha256: hash, runId }) => ({ source, path: new URL(url).pathname, hash, runId }));
	const runs = [...sim.runs.values()];
	expect(references).toEqual([
		{ source: 'url', path: '/rest/binary-data/signed', hash: sha256(PHOTO), runId: runs[0].id },
		{ source: 'url', path: '/rest/binary-data/signed', hash: sha256(await outputImage(sim, runs[0].id)), runId: runs[1].id },
	]);
	expect(refine.body).toMatchObject({ input: { image_urls: [expect.stringContaining('/rest/binary-data/signed?token=')] } });
	expect(sha256(answer.body)).toBe(sha256(await outputImage(sim, runs[1].id)));
}, 180_000);

test('Inline sends the same photo inside the request', async () => {
	setup.sim.reset();
	const answer = await uploadPhoto(server, inline);
	expect(answer.status).toBe(200);
	expect(setup.sim.references.map(({ source, sha256: hash }) => ({ source, hash }))).toEqual([
		{ source: 'data', hash: sha256(PHOTO) },
		{ source: 'data', hash: expect.any(String) },
	]);
}, 180_000);
