import type { Icon, ICredentialTestRequest, ICredentialType, IAuthenticate, INodeProperties } from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../nodes/NanoBanana/helpers/constants';
import { authenticateRunbaseRequest } from '../nodes/NanoBanana/transport/authentication';
import { runbaseCredentialTest } from '../nodes/NanoBanana/transport/credentialTestRequest';

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

	authenticate: IAuthenticate = authenticateRunbaseRequest;

	test: ICredentialTestRequest = runbaseCredentialTest;
}
