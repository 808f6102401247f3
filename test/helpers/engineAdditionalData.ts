/** What the n8n server would hand the engine: a credential store that applies the credential's own `authenticate`. */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers } from 'n8n-workflow';
import type { ExecutionLifecycleHooks } from 'n8n-core';

import { credentialType } from './engineNodes';

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: ICredentialDataDecryptedObject | undefined) {
		super();
	}

	getParentTypes() {
		return [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, _typeName: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		// As n8n's CredentialsHelper does for an `authenticate` function: call it.
		const authenticate = credentialType.authenticate as (
			credentials: ICredentialDataDecryptedObject,
			requestOptions: IHttpRequestOptions,
		) => Promise<IHttpRequestOptions>;
		return await authenticate(credentials, requestOptions);
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	getCredentialsProperties() {
		return credentialType.properties;
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		if (!this.data) throw new Error('Credentials not found');
		const defaults = NodeHelpers.getNodeParameters(credentialType.properties, {}, true, false, null, null);
		return { ...(defaults as IDataObject), ...this.data } as ICredentialDataDecryptedObject;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used');
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}
}

export function buildAdditionalData(
	hooks: ExecutionLifecycleHooks,
	credentials: ICredentialDataDecryptedObject | undefined,
	executionId = 'exec-1',
	restApiUrl = 'http://127.0.0.1/rest',
): IWorkflowExecuteAdditionalData {
	return {
		hooks,
		executionId,
		credentialsHelper: new TestCredentialsHelper(credentials),
		restApiUrl,
		instanceBaseUrl: 'http://127.0.0.1/',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		variables: {},
		currentNodeParameters: undefined,
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('not used');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

