import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class RunbaseApi implements ICredentialType {
	name = 'runbaseApi';

	displayName = 'Runbase API';

	icon: Icon = { light: 'file:runbase.svg', dark: 'file:runbase.dark.svg' };

	documentationUrl = 'https://runbase.net/docs/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'sk-...',
			description: 'Create a key in the Runbase dashboard under API Keys',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://runbase.net/api/v1',
			description:
				'Change only if Runbase gave you another address, for example https://api.runbase.net/v1',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// Runbase has no "who am I" endpoint: asking for a run that cannot exist answers
	// 404 for a good key, 401 for a bad key and 403 for a blocked IP or spent key.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/runs/run_n8n_credential_check',
			method: 'GET',
			ignoreHttpStatusErrors: { ignore: true, except: [401, 402, 403, 429, 500, 502, 503, 504] },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Runbase rejected this API key (401). Copy the key again from the Runbase dashboard (it starts with "sk-") and paste it without spaces.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						"Runbase refused access (403): this key is limited to other IP addresses or has reached its spend limit. Allow this server's IP or raise the key's limit in the Runbase dashboard.",
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 429,
					message:
						'Runbase is rate limiting this key (429) right now, so the key could not be checked. Wait a few seconds and test again.',
				},
			},
		],
	};
}
