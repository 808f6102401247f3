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
		// IPv6 forms that carry an internal IPv4 address: mapped, compatible, translated, NAT64, 6to4
		'[::ffff:127.0.0.1]', '[::ffff:10.0.0.1]', '[::127.0.0.1]', '[::7f00:1]', '[::ffff:0:127.0.0.1]', '[::ffff:0:a9fe:a9fe]',
		'[64:ff9b::a00:5]', '[64:ff9b::10.0.0.5]', '[64:ff9b::127.0.0.1]', '[2002:a9fe:a9fe::]', '[2002:c0a8:101::1]', '[2002:7f00:1::]',
		// IPv6 ranges, and the local-use NAT64 prefix whatever it carries
		'[fc00::1]', '[fd12:3456::1]', '[fe80::1]', '[fec0::1]', '[ff02::1]', '[2001::1]', '[2001:0:4136:e378::1]', '[fd00:ec2::254]', '[64:ff9b:1::808:808]', '[64:ff9b:1:abcd::1]',
	])('%s', (address) => {
		expect(isRestrictedHost(hostOf(address))).toBe(true);
	});
});

describe('a bare host string is read as the URL parser would read it', () => {
	test.each([
		'2130706433', '0x7f.1', '0177.0.0.1', '127.1', '0x7f000001', '127.0.0.1.', '127.0.0.1..', '2130706433.', 'localhost.', 'localhost..', 'LOCALHOST', 'Api.LocalHost.',
		'%31%32%37.0.0.1', 'ｌｏｃａｌｈｏｓｔ', '[::1]', '::1', '[::1%eth0]', 'fe80::1%eth0', '[fe80::1%25eth0]', 'FE80::1', '::FFFF:127.0.0.1', '::ffff:0:10.0.0.1',
		'64:ff9b::127.0.0.1', '2002:7f00:1::', 'METADATA.GOOGLE.INTERNAL.', 'Host.Docker.Internal', '169.254.169.254.', '0xa9.0xfe.0xa9.0xfe',
	])('%s is refused', (host) => {
		expect(isRestrictedHost(host)).toBe(true);
	});

	test.each(['', ' ', '[', '[::1', 'example.com]', '[example.com]', 'example.com:443', 'example.com/x', 'user@example.com', 'a b.com', '1:2:3', '[::1].', 'exa%mple.com', '::ffff:127.0.0.1%'])(
		'%j does not read as a host on its own, so it is refused and never local',
		(host) => {
			expect([isRestrictedHost(host), isLocalHost(host)]).toEqual([true, false]);
		},
	);

	test.each(['example.com', 'EXAMPLE.COM.', 'runbase.net', '8.8.8.8', '0x8.0x8.0x8.0x8', '134744072', '2606:4700::1111', '[2606:4700::1111]', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8'])('%s is allowed', (host) => {
		expect(isRestrictedHost(host)).toBe(false);
	});
});

describe('allowed', () => {
	test.each(['example.com', 'runbase.net', 'cdn.runbase.net', 'localhostfoo.com', 'mylocal.com', '8.8.8.8', '172.32.0.1', '100.128.0.1', '[2606:4700::1111]', '[2001:db8::1]', '[::ffff:8.8.8.8]', '[2002:808:808::]', '[64:ff9b::808:808]', '[::ffff:0:808:808]', '[64:ff9b:2::a00:5]'])(
		'%s',
		(address) => {
			expect(isRestrictedHost(hostOf(address))).toBe(false);
		},
	);
});

describe('plain http to a Base URL is allowed only for loopback and private addresses', () => {
	test.each([
		'127.0.0.1', '127.255.0.9', 'localhost', 'api.localhost', '[::1]', '10.1.2.3', '172.16.0.1', '192.168.1.10', '[fd12::1]', '[::ffff:127.0.0.1]', '[::ffff:192.168.1.10]',
	])('%s is local', (address) => {
		expect(isLocalHost(hostOf(address))).toBe(true);
	});

	test.each(['2130706433', '0x7f.1', 'localhost.', 'LocalHost', '::1', '[::1%lo]', '::ffff:7f00:1', '10.0.0.5.'])('bare %s is local, as the URL parser reads it', (host) => {
		expect(isLocalHost(host)).toBe(true);
	});

	test.each([
		'8.8.8.8', '172.32.0.1', 'runbase.net', '127.0.0.1.nip.io', '[2001:db8::1]', 'host.docker.internal', '169.254.169.254', '100.64.0.1', '[fe80::1]',
		// names that mean this machine only by /etc/hosts
		'ip6-localhost', 'ip6-loopback', 'localhost.localdomain',
		// IPv6 forms that reach a loopback or private IPv4 address through a gateway or translator
		'[2002:7f00:1::]', '[2002:a00:1::]', '[2002:c0a8:101::1]', '[64:ff9b::127.0.0.1]', '[64:ff9b::10.0.0.5]', '[64:ff9b:1::7f00:1]', '[::127.0.0.1]', '[::10.0.0.5]', '[::ffff:0:127.0.0.1]',
	])('%s is not local', (address) => {
		expect(isLocalHost(hostOf(address))).toBe(false);
	});
});

test('host and port name the port a request really goes to, default ports included', () => {
	expect(hostAndPort('http://127.0.0.1:8080/api/v1')).toBe('127.0.0.1:8080');
	expect(hostAndPort('https://runbase.net:443/api/v1')).toBe('runbase.net:443');
	expect(hostAndPort('https://runbase.net/api/v1')).toBe('runbase.net:443');
	expect(hostAndPort('HTTP://LocalHost:80/x')).toBe('localhost:80');
	expect(hostAndPort('http://localhost/x')).toBe('localhost:80');
	expect(hostAndPort('http://[::1]:8080/x')).toBe('[::1]:8080');
	expect(hostAndPort('https://[::1]/x')).toBe('[::1]:443');
	expect(hostAndPort('http://127.0.0.1:8080/a')).not.toBe(hostAndPort('http://127.0.0.1:8081/a'));
	expect(hostAndPort('not a url')).toBeUndefined();
});

test('one host under http and https is two addresses', () => {
	expect(hostAndPort('https://gw.internal')).not.toBe(hostAndPort('http://gw.internal/'));
	expect(hostAndPort('https://gw.internal')).toBe(hostAndPort('https://GW.internal:443/api'));
	expect(hostAndPort('http://gw.internal:443/')).toBe(hostAndPort('https://gw.internal/'));
});
