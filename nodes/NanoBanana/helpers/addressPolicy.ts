/**
 * Which hosts the node may talk to. A host is judged as the WHATWG URL parser reads it
 * (2130706433, 0x7f.1 or 127.1 become 127.0.0.1, IPv6 its short hex form), whether it
 * comes from a parsed URL or as a bare string. Names that only resolve to a private
 * address are caught by n8n's own SSRF protection where it is enabled, which the node's
 * requests go through; names that are internal by convention (localhost, *.internal,
 * *.local, Docker's host names) are refused by name here.
 */

/**
 * The host as `new URL('http://' + host).hostname` reads it, without brackets, an IPv6 zone
 * id or trailing dots, or undefined when it is not a host on its own (a port, path or user
 * name in it, or text the URL parser refuses).
 */
function normaliseHost(hostname: string): string | undefined {
	const trimmed = hostname.trim();
	let host = trimmed.replace(/^\[(.*)\]$/, '$1');
	if (/[/\\@?#[\]\s]/.test(host) || (host !== trimmed && !host.includes(':'))) return undefined;
	if (host.includes(':')) host = `[${host.replace(/%.+$/, '')}]`;
	try {
		const parsed = new URL(`http://${host.replace(/\.+$/, '')}/`).hostname;
		return parsed.replace(/^\[|\]$/g, '').replace(/\.+$/, '');
	} catch {
		return undefined;
	}
}

/** IPv4 octets of a dotted address, or undefined. */
function dottedIpv4(host: string): number[] | undefined {
	const parts = host.split('.');
	if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
	return parts.map(Number);
}

/** The eight 16-bit groups of an IPv6 address in the URL parser's hex form (`::` expanded), or undefined. */
function ipv6Groups(host: string): number[] | undefined {
	if (!host.includes(':')) return undefined;
	const halves = host.split('::');
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
const zeros = (groups: number[], from: number, to: number) => groups.slice(from, to).every((group) => group === 0);

/** The IPv4 address of an IPv4-mapped IPv6 address (::ffff:a.b.c.d): a dual-stack socket reaches that IPv4 address itself. */
function mappedIpv4(groups: number[]): number[] | undefined {
	return zeros(groups, 0, 5) && groups[5] === 0xffff ? octetsOf(groups[6], groups[7]) : undefined;
}

/**
 * The IPv4 address an IPv6 address carries through a gateway or translator: IPv4-compatible
 * (::a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 * The packet reaches the gateway, not this machine, so these never count as local.
 */
function tunnelledIpv4(groups: number[]): number[] | undefined {
	const tail = octetsOf(groups[6], groups[7]);
	if (zeros(groups, 0, 6) && (groups[6] !== 0 || groups[7] > 1)) return tail;
	if (zeros(groups, 0, 4) && groups[4] === 0xffff && groups[5] === 0) return tail;
	if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(groups, 2, 6)) return tail;
	if (groups[0] === 0x2002) return octetsOf(groups[1], groups[2]);
	return undefined;
}

interface Address {
	host: string;
	/** A plain or IPv4-mapped address. */
	ipv4?: number[];
	ipv6?: number[];
	tunnelled?: number[];
}

function readAddress(hostname: string): Address | undefined {
	const host = normaliseHost(hostname);
	if (host === undefined) return undefined;
	const ipv6 = ipv6Groups(host);
	if (!ipv6) return { host, ipv4: dottedIpv4(host) };
	return { host, ipv6, ipv4: mappedIpv4(ipv6), tunnelled: tunnelledIpv4(ipv6) };
}

/** The names RFC 6761 reserves for this machine; other loopback names depend on /etc/hosts. */
const LOCALHOST_NAMES = /^localhost$|\.localhost$/;
/** Names that usually mean this machine. */
const LOOPBACK_NAMES = /^(localhost\.localdomain|ip6-localhost|ip6-loopback)$/;
/** Names that stay inside a network by convention: Docker's, cloud providers' and mDNS names. */
const INTERNAL_NAMES = /\.(internal|local|localdomain|lan|intranet|corp|home\.arpa)$|^(host\.docker\.internal|gateway\.docker\.internal)$/;
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data']);

const isLoopbackIpv4 = ([a]: number[]) => a === 127;
const isPrivateIpv4 = ([a, b]: number[]) => a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
const isLoopbackIpv6 = (groups: number[]) => zeros(groups, 0, 7) && groups[7] === 1;
const isUniqueLocalIpv6 = ([first]: number[]) => (first & 0xfe00) === 0xfc00;

/**
 * Loopback and private addresses: the key may travel there over plain http, it stays inside
 * the machine or network. An IPv6 form that reaches an IPv4 address through a gateway is not one.
 */
export function isLocalHost(hostname: string): boolean {
	const address = readAddress(hostname);
	if (!address) return false;
	const { host, ipv4, ipv6 } = address;
	if (LOCALHOST_NAMES.test(host)) return true;
	if (ipv4) return isLoopbackIpv4(ipv4) || isPrivateIpv4(ipv4);
	return ipv6 !== undefined && (isLoopbackIpv6(ipv6) || isUniqueLocalIpv6(ipv6));
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
	const [first, second, third] = groups;
	if (groups.every((group) => group === 0) || isLoopbackIpv6(groups)) return true;
	return (
		isUniqueLocalIpv6(groups) || // fc00::/7
		(first & 0xffc0) === 0xfe80 || // link-local fe80::/10
		(first & 0xffc0) === 0xfec0 || // site-local fec0::/10
		(first & 0xff00) === 0xff00 || // multicast
		(first === 0x64 && second === 0xff9b && third === 1) || // local-use NAT64 64:ff9b:1::/48, translating into the operator's own network
		(first === 0x2001 && second === 0) || // Teredo, which hides the client's own address
		(first === 0xfd00 && second === 0x0ec2) // AWS's IPv6 metadata service
	);
}

/**
 * Hosts a download, a redirect or a reference image must never reach: loopback, private,
 * link-local, carrier-grade NAT, unspecified, multicast and metadata addresses, in every
 * IPv6 form that carries one, names that are internal by convention, and anything that
 * does not read as a host.
 */
export function isRestrictedHost(hostname: string): boolean {
	const address = readAddress(hostname);
	if (!address || address.host === '' || isLocalHost(hostname)) return true;
	const { host, ipv4, ipv6, tunnelled } = address;
	if (LOOPBACK_NAMES.test(host) || INTERNAL_NAMES.test(host) || METADATA_NAMES.has(host)) return true;
	if ((ipv4 && isRestrictedIpv4(ipv4)) || (tunnelled && isRestrictedIpv4(tunnelled))) return true;
	return ipv6 !== undefined && isRestrictedIpv6(ipv6);
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * Host and the port a request really goes to, for comparing two addresses. Unlike `URL.host`
 * it names a scheme's default port, so https://gw.internal and http://gw.internal differ.
 */
export function hostAndPort(url: string): string | undefined {
	try {
		const parsed = new URL(url);
		const port = parsed.port || DEFAULT_PORTS[parsed.protocol];
		return port ? `${parsed.hostname}:${port}` : undefined;
	} catch {
		return undefined;
	}
}
