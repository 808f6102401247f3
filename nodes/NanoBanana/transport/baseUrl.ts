import { isLocalHost } from '../helpers/addressPolicy';
import { DEFAULT_BASE_URL } from '../helpers/constants';
import { isWebAddress } from '../helpers/webAddress';

/** The credential's Base URL as used: trimmed, the default when empty, without trailing slashes. */
export function normaliseBaseUrl(value: unknown): string {
	const text = typeof value === 'string' ? value.trim() : '';
	return (text || DEFAULT_BASE_URL).replace(/\/+$/, '');
}

export interface BaseUrlProblem {
	message: string;
	advice: string;
}

/** Why the API key may not be sent to this address, or undefined when it may. */
export function baseUrlProblem(address: string): BaseUrlProblem | undefined {
	let url: URL | undefined;
	try {
		url = new URL(address);
	} catch {
		url = undefined;
	}
	if (!url || !isWebAddress(url)) {
		return {
			message: `The Base URL "${address.slice(0, 120)}" of the Runbase API credential is not a web address`,
			advice: `Open the credential and set Base URL to e.g. ${DEFAULT_BASE_URL}.`,
		};
	}
	if (url.protocol === 'http:' && !isLocalHost(url.hostname)) {
		return {
			message: 'The Base URL of the Runbase API credential uses http://, which would send your API key unencrypted',
			advice: `Open the credential and use https://, e.g. ${DEFAULT_BASE_URL}. Plain http is allowed only for loopback and private addresses.`,
		};
	}
	return undefined;
}
