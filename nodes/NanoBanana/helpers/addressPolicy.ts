/**
 * Loopback and private addresses may use plain http: the key stays inside the
 * machine or the local network. Names other than localhost are not resolved
 * here, so they count as remote.
 */
export function isLocalHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
	const octets = host.split('.');
	if (octets.length !== 4 || octets.some((octet) => !/^\d{1,3}$/.test(octet) || Number(octet) > 255)) {
		// IPv6 unique local addresses (fc00::/7).
		return /^f[cd][0-9a-f]{2}:/.test(host);
	}
	const [a, b] = octets.map(Number);
	return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}
