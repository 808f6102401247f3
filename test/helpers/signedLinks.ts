/**
 * n8n's route for signed links to binary data (`GET /rest/binary-data/signed?token=`), for
 * engine tests, which run no n8n server: it checks the token and streams the file with
 * n8n-core's own BinaryDataService, as n8n's BinaryDataController does. The real route is
 * exercised in real n8n by the e2e tests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { BinaryDataService } from 'n8n-core';

const { Container } = require(require.resolve('@n8n/di', { paths: [require.resolve('n8n-core')] })) as typeof import('@n8n/di');

export interface SignedLinkServer {
	/** What to give runWorkflow as `restApiUrl`. */
	restApiUrl: string;
	/** The links fetched, with the answer's status. */
	fetched: Array<{ token: string; status: number }>;
	close(): Promise<void>;
}

export async function startSignedLinkServer(): Promise<SignedLinkServer> {
	const fetched: SignedLinkServer['fetched'] = [];
	const server = http.createServer(async (request, response) => {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const token = url.searchParams.get('token') ?? '';
		const service = Container.get(BinaryDataService);
		try {
			if (url.pathname !== '/rest/binary-data/signed') throw new Error('no such route');
			const id = service.validateSignedToken(token);
			const metadata = await service.getMetadata(id);
			fetched.push({ token, status: 200 });
			response.writeHead(200, { 'content-type': metadata.mimeType ?? 'application/octet-stream' });
			(await service.getAsStream(id)).pipe(response);
		} catch (error) {
			fetched.push({ token, status: 400 });
			response.writeHead(400).end((error as Error).message);
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		restApiUrl: `http://127.0.0.1:${port}/rest`,
		fetched,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
