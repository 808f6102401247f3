/**
 * Which hosts the node may talk to. Hosts are judged as written in the URL
 * (WHATWG URL parsing already turns 2130706433 or 0x7f.1 into 127.0.0.1): a name
 * that resolves to a private address is caught only by n8n's own SSRF
 * protection, which the node's requests go through where n8n offers it.
 */

/** IPv4 octets of a literal address, also inside an IPv4-mapped IPv6 address; undefined for names. */
function ipv4Octets(host: string): number[] | undefined {
	const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
	if (mapped) {
		const [high, low] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
		return [high >> 8, high & 255, low >> 8, low & 255];
	}
	const parts = host.replace(/^::ffff:/, '').split('.');
	if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
	return parts.map(Number);
}

function bareHost(hostname: string): string {
	return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

const LOOPBACK_NAMES = /^(localhost|.*\.localhost)$/;

/** Loopback and private addresses may use plain http: the key stays inside the machine or the local network. */
export function isLocalHost(hostname: string): boolean {
	const host = bareHost(hostname);
	if (LOOPBACK_NAMES.test(host) || host === '::1') return true;
	const octets = ipv4Octets(host);
	if (!octets) return /^f[cd][0-9a-f]{2}:/.test(host);
	const [a, b] = octets;
	return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** Cloud metadata services, reachable from many servers and holding their credentials. */
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/**
 * Hosts a download must never reach: loopback, private, link-local, carrier-grade
 * NAT, unspecified and metadata addresses.
 */
export function isRestrictedHost(hostname: string): boolean {
	const host = bareHost(hostname);
	if (isLocalHost(host) || METADATA_NAMES.has(host) || host === '::' || host === '') return true;
	const octets = ipv4Octets(host);
	if (!octets) return /^fe[89ab][0-9a-f]:/.test(host) || host.startsWith('fd00:ec2::');
	const [a, b] = octets;
	return a === 0 || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
}
