import {describe, expect, it} from 'vitest';
import {parseConnections, plainAddress, stateName, timerName} from '../../src/parsers/proc-net-connections.js';
import {fixture} from '../helpers/fixtures.js';

// test/fixtures/README.md, "Connections": the fx17-* containers and a host process
const brief = (r: ReturnType<typeof parseConnections>[number]) =>
	`${r.proto}${r.family === 6 ? '6' : ''} ${r.localAddress}:${r.localPort} ${r.remoteAddress}:${r.remotePort} ${stateName(r.state)}`;

describe('parseConnections', () => {
	it('reads every TCP socket but the listeners, and the states netstat names', () => {
		const rows = parseConnections(fixture('proc/conn-u2-tcp.txt'), 'tcp');
		expect(rows.map(brief)).toEqual([
			'tcp 172.18.0.3:49722 172.18.0.2:7000 established',
			'tcp 172.18.0.3:52572 172.18.0.2:7000 established',
			'tcp 172.18.0.3:52586 172.18.0.2:7000 syn-sent',
		]);
	});

	it('reads the queues, the retransmit timer and the retransmissions (a peer that drops everything)', () => {
		const [idle, stuck, syn] = parseConnections(fixture('proc/conn-u2-tcp.txt'), 'tcp');
		expect(idle).toMatchObject({txQueue: 0, rxQueue: 0, timer: 0, retransmits: 0, inode: 14737});
		// netstat: Send-Q 921952; ss: timer:(on,2.992ms,4)
		expect(stuck).toMatchObject({txQueue: 921952, rxQueue: 0, timer: 1, timerTicks: 0x24, retransmits: 4, inode: 16140});
		expect(timerName(stuck!.timer)).toBe('retransmit');
		// ss: Send-Q 1 (the SYN), timer:(on,952ms,3)... five retransmissions by the time tcp was read
		expect(syn).toMatchObject({txQueue: 1, timer: 1, retransmits: 5});
	});

	it('keeps TIME_WAIT (no inode) and names its timer', () => {
		const rows = parseConnections(fixture('proc/conn-host-tcp.txt'), 'tcp');
		const tw = rows.find(r => stateName(r.state) === 'time-wait')!;
		expect(tw).toMatchObject({localAddress: '127.0.0.1', localPort: 8402, remotePort: 43236, inode: 0});
		expect(timerName(tw.timer)).toBe('time-wait');
		expect(rows.some(r => r.localPort === 8401 && r.remotePort === 0)).toBe(false);
	});

	it('writes an IPv4 peer of a dual-stack socket as IPv4', () => {
		const rows = parseConnections(fixture('proc/conn-u1-tcp6.txt'), 'tcp6');
		expect(rows.map(brief)).toEqual([
			'tcp6 172.18.0.2:7000 172.18.0.3:52572 established',
			'tcp6 172.18.0.2:7000 172.18.0.3:49722 established',
		]);
		// the receiver's view of the stuck connection: 4096 bytes it has not read
		expect(rows[0]!.rxQueue).toBe(0);
		expect(plainAddress('::ffff:10.0.0.1')).toBe('10.0.0.1');
		expect(plainAddress('::1')).toBe('::1');
	});

	it('keeps connected UDP sockets and leaves bound ones to the listeners', () => {
		expect(parseConnections(fixture('proc/conn-host-udp.txt'), 'udp').map(brief)).toEqual(['udp 172.17.0.1:53947 172.17.0.2:8406 established']);
		expect(parseConnections(fixture('proc/conn-host-udp6.txt'), 'udp6').map(brief)).toEqual(['udp6 ::1:43281 ::1:8407 established']);
		// dockerd's embedded DNS on 127.0.0.11 is bound, not connected
		expect(parseConnections(fixture('proc/conn-u2-udp.txt'), 'udp')).toEqual([]);
	});

	it('agrees with netstat -tun in every namespace', () => {
		const netstat = fixture('proc/conn-netstat.txt');
		for (const ns of ['srv', 'cli', 'u1', 'u2', 'host']) {
			const section = netstat.split(`== ${ns}\n`)[1]!.split('\n== ')[0]!;
			const expected = section
				.split('\n')
				.filter(line => /^(tcp|udp)/.test(line))
				.map(line => {
					const [, , , local, remote] = line.trim().split(/\s+/);
					return `${plainAddress(local!.replace(/:(\d+)$/, ' $1'))} ${plainAddress(remote!.replace(/:(\d+)$/, ' $1'))}`;
				})
				.sort();
			const rows = (['tcp', 'tcp6', 'udp', 'udp6'] as const).flatMap(file => parseConnections(fixture(`proc/conn-${ns}-${file}.txt`), file));
			expect(rows.map(r => `${r.localAddress} ${r.localPort} ${r.remoteAddress} ${r.remotePort}`).sort(), ns).toEqual(expected);
		}
	});
});
