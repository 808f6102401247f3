/**
 * Runs the credential test the way n8n's CredentialsTester does for a credential
 * with `testedBy`: it calls the node's `methods.credentialTest` function with
 * the decrypted credential. (Real n8n 1.x and 2.x run it through their REST API
 * in the end-to-end tests.)
 */
import type { ICredentialDataDecryptedObject, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { NanoBanana } from '../../nodes/NanoBanana/NanoBanana.node';

export async function testCredential(data: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
	const node = new NanoBanana();
	const testedBy = node.description.credentials?.find((credential) => credential.name === 'runbaseApi')?.testedBy;
	const test = node.methods.credentialTest[testedBy as 'runbaseApiTest'];
	const context = {} as ICredentialTestFunctions;
	return await test.call(context, { id: '1', name: 'Runbase', type: 'runbaseApi', data });
}
