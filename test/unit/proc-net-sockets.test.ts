import {describe, expect, it} from 'vitest';
import {decodeAddress, parseSockets, TCP_LISTEN} from '../../src/parsers/proc-net-sockets.js';
import {fixture} from '../helpers/fixtures.js';

describe('decodeAddress', () => {
	it('decodes IPv4 words in host byte order', () => {
		expect(decodeAddress('0100007F')).toBe('127.0.0.1');
		expect(decodeAddress('00000000')).toBe('0.0.0.0');
		expect(decodeAddress('020011AC')).toBe('172.17.0.2');
	});

	it('decodes IPv6, IPv4-mapped included', () => {
		expect(decodeAddress('00000000000000000000000000000000')).toBe('::');
		expect(decodeAddress('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
		expect(decodeAddress('00000000000000000000000001000000')).toBe('::1');
	});
});

describe('parseSockets', () => {
	it('finds the host listeners in tcp, with the port in big-endian hex', () => {
		const rows = parseSockets(fixture('proc/host-tcp.txt'), 'tcp', {listeningOnly: true});
		expect(rows.map(r => [r.localAddress, r.localPort, r.inode])).toEqual([
			['127.0.0.1', 18472, 10647],
			['0.0.0.0', 2024, 1603],
		]);
		expect(rows.every(r => r.state === TCP_LISTEN && r.proto === 'tcp' && r.family === 4)).toBe(true);
	});

	it('keeps established connections out of the listeners, but can read them', () => {
		const all = parseSockets(fixture('proc/host-tcp.txt'), 'tcp');
		const established = all.find(r => r.state === 0x01)!;
		expect(established).toMatchObject({localAddress: '127.0.0.1', localPort: 53904, remoteAddress: '127.0.0.1', remotePort: 8123});
	});

	it('sees a dual-stack [::] listener only in tcp6 (busybox httpd on 8090)', () => {
		const v4 = parseSockets(fixture('proc/host-tcp.txt'), 'tcp', {listeningOnly: true});
		const v6 = parseSockets(fixture('proc/host-tcp6.txt'), 'tcp6', {listeningOnly: true});
		expect(v4.some(r => r.localPort === 8090)).toBe(false);
		expect(v6.find(r => r.localPort === 8090)).toMatchObject({localAddress: '::', family: 6, inode: 10398, uid: 0});
		// TIME_WAIT rows (state 06, inode 0) on the same port are not listeners
		expect(v6.filter(r => r.localPort === 8090)).toHaveLength(1);
		expect(parseSockets(fixture('proc/host-tcp6.txt'), 'tcp6').filter(r => r.localPort === 8090)).toHaveLength(4);
	});

	it('treats bound UDP sockets with no peer as listening', () => {
		const v4 = parseSockets(fixture('proc/host-udp.txt'), 'udp', {listeningOnly: true});
		expect(v4).toEqual([expect.objectContaining({proto: 'udp', localAddress: '0.0.0.0', localPort: 4789, inode: 11368})]);
		const v6 = parseSockets(fixture('proc/host-udp6.txt'), 'udp6', {listeningOnly: true});
		expect(v6).toEqual([expect.objectContaining({proto: 'udp', family: 6, localAddress: '::', localPort: 7946})]);
	});

	it("reads a container's own namespace", () => {
		const rows = parseSockets(fixture('proc/b1-tcp6.txt'), 'tcp6', {listeningOnly: true});
		expect(rows.map(r => r.localPort)).toEqual([80]);
	});

	it('skips the header and malformed lines', () => {
		const text = `${fixture('proc/host-tcp.txt')}   9: garbage\n\n`;
		expect(parseSockets(text, 'tcp')).toHaveLength(3);
	});
});
