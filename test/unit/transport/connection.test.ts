import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { Connection } from '../../../nodes/NanoBanana/transport/connection';

const node = { name: 'Nano Banana' } as INode;
/** An execution context that only hands out the credential: opening a connection sends nothing. */
const withCredential = (data: Record<string, unknown>) =>
	({ getNode: () => node, getCredentials: async () => data }) as unknown as IExecuteFunctions;

test('the key is trimmed and the Base URL loses its trailing slashes', async () => {
	const connection = await Connection.open(withCredential({ apiKey: ' sk-abc\n', baseUrl: 'https://api.example.test/v1//' }));
	expect(connection.baseUrl).toBe('https://api.example.test/v1');
	expect(connection.redact('key sk-abc here')).toBe('key [api key] here');
});

test.each([
	['http to a loopback address', 'http://127.0.0.1:8080/api/v1'],
	['http to a private address', 'http://192.168.1.20/api/v1'],
	['https anywhere', 'https://runbase.net/api/v1'],
])('accepts %s', async (_, baseUrl) => {
	await expect(Connection.open(withCredential({ apiKey: 'sk-1', baseUrl }))).resolves.toBeInstanceOf(Connection);
});

test.each([
	['plain http to a remote host', 'http://runbase.net/api/v1', /uses http:\/\/, which would send your API key unencrypted/],
	['a Base URL without a scheme', 'runbase.net/api/v1', /^The Base URL "runbase.net\/api\/v1" of the Runbase API credential is not a web address$/],
	['another scheme', 'ftp://runbase.net/api', /is not a web address/],
])('refuses %s before any request', async (_, baseUrl, message) => {
	await expect(Connection.open(withCredential({ apiKey: 'sk-1', baseUrl }))).rejects.toThrow(message);
});

test('an empty key is refused', async () => {
	await expect(Connection.open(withCredential({ apiKey: ' \n' }))).rejects.toThrow('The Runbase API credential has no API key');
});
