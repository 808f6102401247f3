/**
 * Errors that never left this machine say that no run was started and what to
 * change: nothing answering at the Base URL, and a TLS certificate n8n does not
 * trust (a self-signed server on 127.0.0.1, made for this test).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { runWorkflow } from './helpers/engine';
import { FAST_POLLING, freePort } from './helpers/fixtures';

const generate = async (baseUrl: string) =>
	await runWorkflow({
		parameters: { operation: 'generate', prompt: 'A lamp', returnAs: 'urls', options: FAST_POLLING },
		credentials: { apiKey: 'sk-test', baseUrl },
	});

test('nothing answers at the Base URL: no run was started, check the Base URL', async () => {
	const baseUrl = `http://127.0.0.1:${await freePort()}/api/v1`;
	const { error } = await generate(baseUrl);
	expect(error?.message).toBe(`Could not reach Runbase at ${baseUrl}`);
	expect(error?.description).toMatch(/^Check the Base URL in the Runbase API credential/);
	expect(error?.description).toContain('No run was started and nothing was charged.');
}, 30_000);

test('a TLS certificate that is not trusted: no run was started, check the certificate', async () => {
	const folder = mkdtempSync(path.join(tmpdir(), 'runbase-tls-'));
	let requests = 0;
	const server = https.createServer((_request, response) => {
		requests++;
		response.end('{}');
	});
	try {
		execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', path.join(folder, 'key.pem'), '-out', path.join(folder, 'cert.pem')], { stdio: 'ignore' });
		server.setSecureContext({ key: readFileSync(path.join(folder, 'key.pem')), cert: readFileSync(path.join(folder, 'cert.pem')) });
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		const { error } = await generate(`https://127.0.0.1:${port}/api/v1`);
		expect(error?.message).toBe(`Could not reach Runbase at https://127.0.0.1:${port}/api/v1`);
		expect(error?.description).toMatch(/^Runbase's TLS certificate was not accepted/);
		expect(error?.description).toContain('No run was started and nothing was charged.');
		expect(requests).toBe(0);
	} finally {
		await new Promise<void>((resolve) => server.close(() => resolve()));
		rmSync(folder, { recursive: true, force: true });
	}
}, 30_000);
