/** The address policy as a pure function: no address here is ever contacted. */
import { hostAndPort, isLocalHost, isRestrictedHost } from '../../../nodes/NanoBanana/helpers/addressPolicy';

/** As the node sees a host: through the WHATWG URL parser, which normalises it. */
const hostOf = (address: string) => new URL(`http://${address}/`).hostname;

describe('refused for downloads, redirects and reference images', () => {
	test.each([
		// loopback and its names
		'localhost', 'api.localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback', '127.0.0.1', '127.1', '2130706433', '0x7f.1', '[::1]',
		// private, link-local, CGNAT, unspecified, special, multicast
		'10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '192.0.0.8', '198.18.0.1', '224.0.0.1', '[::]',
		// internal by convention
		'host.docker.internal', 'gateway.docker.internal', 'ip-10-0-0-5.ec2.internal', 'metadata.google.internal', 'printer.local', 'nas.lan', 'box.home.arpa', 'metadata',
		// IPv6 forms that carry an internal IPv4 address
		'[::ffff:127.0.0.1]', '[::ffff:10.0.0.1]', '[::127.0.0.1]', '[::7f00:1]', '[64:ff9b::a00:5]', '[64:ff9b::10.0.0.5]', '[2002:a9fe:a9fe::]', '[2002:c0a8:101::1]',
		// IPv6 ranges
		'[fc00::1]', '[fd12:3456::1]', '[fe80::1]', '[fec0::1]', '[ff02::1]', '[2001::1]', '[2001:0:4136:e378::1]', '[fd00:ec2::254]',
	])('%s', (address) => {
		expect(isRestrictedHost(hostOf(address))).toBe(true);
	});
});

describe('allowed', () => {
	test.each(['example.com', 'runbase.net', 'cdn.runbase.net', 'localhostfoo.com', 'mylocal.com', '8.8.8.8', '172.32.0.1', '100.128.0.1', '[2606:4700::1111]', '[2001:db8::1]', '[::ffff:8.8.8.8]', '[2002:808:808::]', '[64:ff9b::808:808]'])(
		'%s',
		(address) => {
			expect(isRestrictedHost(hostOf(address))).toBe(false);
		},
	);
});

test('plain http to a Base URL is allowed only for loopback and private addresses', () => {
	for (const address of ['127.0.0.1', 'localhost', '[::1]', '10.1.2.3', '172.16.0.1', '192.168.1.10', 'api.localhost', '[fd12::1]', 'ip6-localhost', '[::ffff:127.0.0.1]']) {
		expect([address, isLocalHost(hostOf(address))]).toEqual([address, true]);
	}
	for (const address of ['8.8.8.8', '172.32.0.1', 'runbase.net', '127.0.0.1.nip.io', '[2001:db8::1]', 'host.docker.internal']) {
		expect([address, isLocalHost(hostOf(address))]).toEqual([address, false]);
	}
});

test('host and port, as an origin names them, tell two addresses on one host apart', () => {
	expect(hostAndPort('http://127.0.0.1:8080/api/v1')).toBe('127.0.0.1:8080');
	expect(hostAndPort('https://runbase.net:443/api/v1')).toBe('runbase.net');
	expect(hostAndPort('HTTP://LocalHost:80/x')).toBe('localhost');
	expect(hostAndPort('http://127.0.0.1:8080/a')).not.toBe(hostAndPort('http://127.0.0.1:8081/a'));
	expect(hostAndPort('not a url')).toBeUndefined();
});
