/** How n8n's SSRF protection shows in a request's error. */

/** The code an outcome carries when n8n's SSRF protection refused the address before sending. */
export const SSRF_BLOCKED = 'SSRF_BLOCKED';

/** n8n's SsrfBlockedIpError or SsrfBlockedHostnameError, on the error itself or as its cause. */
export function isBlockedByN8n(error: unknown): boolean {
	const names = [(error as { name?: unknown })?.name, (error as { cause?: { name?: unknown } })?.cause?.name];
	return names.some((name) => typeof name === 'string' && name.startsWith('SsrfBlocked'));
}
