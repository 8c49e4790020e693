import {describe, expect, it} from 'vitest';
import {parseSockstat} from '../../src/parsers/proc-net-sockstat.js';
import {fixture} from '../helpers/fixtures.js';

describe('parseSockstat', () => {
	it('reads the in-use counts of both files, joined', () => {
		// fx-b1: httpd listening on [::]:80 (a TCP6 socket), nothing else
		const text = `${fixture('proc/b1-sockstat.txt')}\n${fixture('proc/b1-sockstat6.txt')}`;
		expect(parseSockstat(text)).toEqual({tcp: 0, udp: 0, tcp6: 1, udp6: 0});
	});

	it('reads each file on its own', () => {
		// the host, quiet: fx-h1 (host network) listening on [::]:8090, and one IPv4 listener
		expect(parseSockstat(fixture('proc/host-sockstat6.txt'))).toEqual({tcp6: 1, udp6: 0});
		expect(parseSockstat(fixture('proc/host-sockstat.txt'))).toEqual({tcp: 1, udp: 0});
	});

	it('a namespace with no network has nothing in use', () => {
		const text = `${fixture('proc/n1-sockstat.txt')}\n${fixture('proc/n1-sockstat6.txt')}`;
		expect(parseSockstat(text)).toEqual({tcp: 0, udp: 0, tcp6: 0, udp6: 0});
	});

	it('leaves out what the text does not have (no IPv6, an unreadable file)', () => {
		expect(parseSockstat(`${fixture('proc/n1-sockstat.txt')}\n`)).toEqual({tcp: 0, udp: 0});
		expect(parseSockstat('')).toEqual({});
		// UDPLITE and RAW are not tables that netwatch reads
		expect(Object.keys(parseSockstat(fixture('proc/host-sockstat.txt')))).not.toContain('UDPLITE');
	});
});
