import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../nodes/NanoBanana/helpers/constants';

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
			default: DEFAULT_BASE_URL,
			description:
				'Change only if Runbase gave you another address, for example https://api.runbase.net/v1',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{String($credentials.apiKey).trim()}}',
			},
		},
	};

	// Tested by the Nano Banana node (`testedBy`): only Runbase's own 404 `run_not_found`
	// for a made-up run proves both the key and the Base URL, on every n8n version.
}
