/**
 * Which hosts the node may talk to. Hosts are judged as written in the URL (WHATWG URL
 * parsing already turns 2130706433, 0x7f.1 or 127.1 into 127.0.0.1, and IPv6 into its
 * short hex form). Names that only resolve to a private address are caught by n8n's own
 * SSRF protection where it is enabled, which the node's requests go through; names that
 * are internal by convention (localhost, *.internal, *.local, Docker's host names) are
 * refused by name here.
 */

/** IPv4 octets of a dotted address, or undefined. */
function dottedIpv4(host: string): number[] | undefined {
	const parts = host.split('.');
	if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
	return parts.map(Number);
}

/** The eight 16-bit groups of an IPv6 address (with `::` expanded and a dotted IPv4 tail read), or undefined. */
function ipv6Groups(host: string): number[] | undefined {
	if (!host.includes(':')) return undefined;
	let text = host;
	const tail = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
	if (tail) {
		const octets = dottedIpv4(tail[1]);
		if (!octets) return undefined;
		text = `${text.slice(0, tail.index)}:${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`;
	}
	const halves = text.split('::');
	if (halves.length > 2) return undefined;
	const read = (part: string) => (part === '' ? [] : part.split(':'));
	const head = read(halves[0]);
	const rest = halves.length === 2 ? read(halves[1]) : [];
	const missing = 8 - head.length - rest.length;
	if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
	const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
	if (groups.some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return undefined;
	return groups.map((group) => parseInt(group, 16));
}

const octetsOf = (high: number, low: number) => [high >> 8, high & 255, low >> 8, low & 255];

/** The IPv4 address an IPv6 address carries: IPv4-mapped, IPv4-compatible, NAT64 and 6to4 forms. */
function embeddedIpv4(groups: number[]): number[] | undefined {
	const zerosBefore = (count: number) => groups.slice(0, count).every((group) => group === 0);
	if (zerosBefore(5) && groups[5] === 0xffff) return octetsOf(groups[6], groups[7]);
	if (zerosBefore(6) && (groups[6] !== 0 || groups[7] > 1)) return octetsOf(groups[6], groups[7]);
	if (groups[0] === 0x64 && groups[1] === 0xff9b) return octetsOf(groups[6], groups[7]);
	if (groups[0] === 0x2002) return octetsOf(groups[1], groups[2]);
	return undefined;
}

interface Address {
	host: string;
	ipv4?: number[];
	ipv6?: number[];
}

function readAddress(hostname: string): Address {
	const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
	const ipv6 = ipv6Groups(host);
	return { host, ipv6, ipv4: ipv6 ? embeddedIpv4(ipv6) : dottedIpv4(host) };
}

/** Names that mean this machine, on their own or as a family. */
const LOOPBACK_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.localhost$/;
/** Names that stay inside a network by convention: Docker's, cloud providers' and mDNS names. */
const INTERNAL_NAMES = /\.(internal|local|localdomain|lan|intranet|corp|home\.arpa)$|^(host\.docker\.internal|gateway\.docker\.internal)$/;
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data']);

const isLoopbackIpv4 = ([a]: number[]) => a === 127;
const isPrivateIpv4 = ([a, b]: number[]) => a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);

/** Loopback and private addresses: the key may travel there over plain http, it stays inside the machine or network. */
export function isLocalHost(hostname: string): boolean {
	const { host, ipv4, ipv6 } = readAddress(hostname);
	if (LOOPBACK_NAMES.test(host)) return true;
	if (ipv4) return isLoopbackIpv4(ipv4) || isPrivateIpv4(ipv4);
	if (!ipv6) return false;
	const loopback = ipv6.slice(0, 7).every((group) => group === 0) && ipv6[7] === 1;
	return loopback || (ipv6[0] & 0xfe00) === 0xfc00;
}

function isRestrictedIpv4(octets: number[]): boolean {
	const [a, b, c] = octets;
	return (
		isLoopbackIpv4(octets) ||
		isPrivateIpv4(octets) ||
		a === 0 ||
		(a === 169 && b === 254) ||
		(a === 100 && b >= 64 && b <= 127) ||
		(a === 192 && b === 0 && c === 0) ||
		(a === 198 && (b === 18 || b === 19)) ||
		a >= 224
	);
}

function isRestrictedIpv6(groups: number[]): boolean {
	const [first, second] = groups;
	if (groups.every((group) => group === 0)) return true;
	return (
		(first & 0xfe00) === 0xfc00 || // unique local fc00::/7
		(first & 0xffc0) === 0xfe80 || // link-local fe80::/10
		(first & 0xffc0) === 0xfec0 || // site-local fec0::/10
		(first & 0xff00) === 0xff00 || // multicast
		(first === 0x2001 && second === 0) || // Teredo, which hides the client's own address
		(first === 0xfd00 && second === 0x0ec2) // AWS's IPv6 metadata service
	);
}

/**
 * Hosts a download, a redirect or a reference image must never reach: loopback, private,
 * link-local, carrier-grade NAT, unspecified, multicast and metadata addresses, in every
 * IPv6 form that carries one, and names that are internal by convention.
 */
export function isRestrictedHost(hostname: string): boolean {
	const address = readAddress(hostname);
	const { host, ipv4, ipv6 } = address;
	if (host === '' || isLocalHost(hostname)) return true;
	if (LOOPBACK_NAMES.test(host) || INTERNAL_NAMES.test(host) || METADATA_NAMES.has(host)) return true;
	if (ipv4 && isRestrictedIpv4(ipv4)) return true;
	return ipv6 !== undefined && isRestrictedIpv6(ipv6);
}

/** Host and port as a URL names its origin (default ports left out), for comparing two addresses. */
export function hostAndPort(url: string): string | undefined {
	try {
		return new URL(url).host.toLowerCase();
	} catch {
		return undefined;
	}
}
