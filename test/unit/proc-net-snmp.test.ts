import {describe, expect, it} from 'vitest';
import {counterGroup, tcpCounters} from '../../src/parsers/proc-net-snmp.js';
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

	it('reads the counters asked for of the one group asked for, and nothing from a mismatched pair of lines', () => {
		const snmp = fixture('proc/ovf-snmp-after.txt');
		expect(counterGroup(snmp, 'Tcp', ['RtoMin', 'MaxConn'])).toEqual({RtoMin: 200, MaxConn: -1});
		// the group is not taken for a longer name's, or the other way round (the capture's Udp and
		// UdpLite counters are all 0: these are made up to tell them apart)
		const udp = 'Udp: InDatagrams NoPorts\nUdp: 7 1\nUdpLite: InDatagrams NoPorts\nUdpLite: 9 2\n';
		expect(counterGroup(udp, 'Udp', ['InDatagrams'])).toEqual({InDatagrams: 7});
		expect(counterGroup(udp, 'UdpLite', ['InDatagrams'])).toEqual({InDatagrams: 9});
		expect(counterGroup(snmp, 'UdpLite', ['RtoMin'])).toBeNull();
		expect(counterGroup(snmp, 'Tc', ['RtoMin'])).toBeNull();
		// a name is not a counter
		expect(counterGroup(snmp, 'Tcp', ['Tcp:'])).toBeNull();
		expect(counterGroup('Tcp: A B\nTcp: 1\n', 'Tcp', ['A'])).toBeNull();
		expect(counterGroup('Tcp: A\nTcp: 1 2\n', 'Tcp', ['A'])).toBeNull();
		expect(counterGroup('Tcp: A B\n', 'Tcp', ['A'])).toBeNull();
		// the first of two names alike, and a value that is not a number is none
		expect(counterGroup('Tcp: A A\nTcp: 1 2', 'Tcp', ['A'])).toEqual({A: 1});
		expect(counterGroup('Tcp: A B\nTcp: x 2', 'Tcp', ['A'])).toBeNull();
		expect(tcpCounters('', '')).toBeNull();
	});
});
