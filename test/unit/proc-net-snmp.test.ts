import {describe, expect, it} from 'vitest';
import {parseCounterGroups, tcpCounters} from '../../src/parsers/proc-net-snmp.js';
import {fixture} from '../helpers/fixtures.js';

// fx17-ovf: busybox `nc -ll -p 80` (backlog 2), paused, and twelve clients (test/fixtures/README.md)
describe('tcpCounters', () => {
	it("reads a namespace's TCP counters before and after its listen queue overflowed (nstat, a moment later: TcpExtListenOverflows 54)", () => {
		expect(tcpCounters(fixture('proc/ovf-snmp-before.txt'), fixture('proc/ovf-netstat-before.txt'))).toEqual({
			retransSegs: 0,
			outRsts: 0,
			estabResets: 0,
			listenOverflows: 0,
			listenDrops: 0,
		});
		expect(tcpCounters(fixture('proc/ovf-snmp-after.txt'), fixture('proc/ovf-netstat-after.txt'))).toMatchObject({listenOverflows: 45, listenDrops: 45, retransSegs: 0});
	});

	it('reads every group of either file, and nothing from a mismatched pair of lines', () => {
		const groups = parseCounterGroups(fixture('proc/ovf-snmp-after.txt'));
		expect(Object.keys(groups)).toEqual(['Ip', 'Icmp', 'IcmpMsg', 'Tcp', 'Udp', 'UdpLite'].filter(k => k in groups));
		expect(groups['Tcp']!['RtoMin']).toBe(200);
		expect(parseCounterGroups('Tcp: A B\nTcp: 1\n')).toEqual({});
		expect(tcpCounters('', '')).toBeNull();
	});
});
