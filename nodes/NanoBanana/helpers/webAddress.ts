/** The node sends requests to, and lets Runbase fetch, web addresses only: http and https. */
export function isWebAddress(url: URL): boolean {
	return url.protocol === 'https:' || url.protocol === 'http:';
}
