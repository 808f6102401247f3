import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from './apiRequest';
import { baseUrlProblem, normaliseBaseUrl } from './baseUrl';

/** The host of the credential's Base URL, read without checks: the default host when there is none to read. */
export async function credentialApiHost(ctx: IExecuteFunctions): Promise<string> {
	const credentials = await ctx.getCredentials<{ baseUrl?: string }>(CREDENTIAL_TYPE).catch(() => undefined);
	try {
		return new URL(normaliseBaseUrl(credentials?.baseUrl)).hostname;
	} catch {
		return new URL(normaliseBaseUrl(undefined)).hostname;
	}
}

/** Where the API is, and the key that must never appear in any text the node emits. */
export class Connection {
	constructor(
		readonly baseUrl: string,
		private readonly apiKey: string,
	) {}

	/** Reads the credential once per execution; a missing credential or key fails before any request. */
	static async open(ctx: IExecuteFunctions): Promise<Connection> {
		let credentials: { apiKey?: string; baseUrl?: string };
		try {
			credentials = await ctx.getCredentials<{ apiKey?: string; baseUrl?: string }>(CREDENTIAL_TYPE);
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), 'No Runbase API credential is selected', {
				description: `Open the node and choose or create a Runbase API credential under "Credential to connect with". (${error.message})`,
			});
		}
		// A key pasted with a line break or spaces around it is the same key: the credential sends it trimmed.
		const apiKey = String(credentials.apiKey ?? '').trim();
		if (!apiKey) {
			throw new NodeOperationError(ctx.getNode(), 'The Runbase API credential has no API key', {
				description: 'Open the credential and paste your key from the Runbase dashboard (it starts with "sk-").',
			});
		}
		const baseUrl = normaliseBaseUrl(credentials.baseUrl);
		const problem = baseUrlProblem(baseUrl);
		if (problem) {
			throw new NodeOperationError(ctx.getNode(), problem.message, { description: `${problem.advice} No run was started.` });
		}
		return new Connection(baseUrl, apiKey);
	}

	/** The key, only for the shared budget registry, which hashes it. */
	get budgetKey(): string {
		return this.apiKey;
	}

	/** Removes the API key from any text that may end up in an error or the output. */
	redact(text: string): string {
		return this.apiKey.length >= 4 ? text.split(this.apiKey).join('[api key]') : text;
	}

	redactJson<T>(json: T): T {
		return json === undefined ? json : (JSON.parse(this.redact(JSON.stringify(json))) as T);
	}
}
