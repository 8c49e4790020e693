import {describe, expect, it} from 'vitest';
import {parseNetDev} from '../../src/parsers/proc-net-dev.js';
import {fixture} from '../helpers/fixtures.js';

describe('parseNetDev', () => {
	it('reads every interface of the host, long names included', () => {
		const rows = parseNetDev(fixture('proc/host-net-dev-wide.txt'));
		expect(rows.map(r => r.name)).toEqual([
			'lo', 'ifb0', 'ifb1', 'eth0', 'docker0', 'vethdf6190c', 'veth4df4c75', 'br-bd4018a5eaf6',
			'nwvb', 'nwva', 'veth8d303e7', 'docker_gwbridge', 'vetheec9ff4', 'vethbeeb0a7',
		]);
	});

	it('takes the columns after the colon, so a long name does not shift them', () => {
		const rows = parseNetDev(fixture('proc/host-net-dev-wide.txt'));
		const bridge = rows.find(r => r.name === 'br-bd4018a5eaf6')!;
		expect(bridge).toMatchObject({rxBytes: 0, rxPackets: 0, txBytes: 580, txPackets: 6, txDropped: 1});
		const lo = rows.find(r => r.name === 'lo')!;
		expect(lo).toMatchObject({rxBytes: 314895382, rxPackets: 6149, txBytes: 314895382, txPackets: 6149});
		const docker0 = rows.find(r => r.name === 'docker0')!;
		expect(docker0).toMatchObject({txBytes: 526, txPackets: 5, txDropped: 4, rxErrors: 0, txErrors: 0});
	});

	it("reads a container's namespace: the container's rx is its veth's tx", () => {
		const inside = parseNetDev(fixture('proc/b1-net-dev.txt'));
		expect(inside.map(r => r.name)).toEqual(['lo', 'eth0']);
		expect(inside[1]).toMatchObject({rxBytes: 1226, rxPackets: 15, txBytes: 0});
		const host = parseNetDev(fixture('proc/host-net-dev-wide.txt'));
		expect(host.find(r => r.name === 'vethdf6190c')).toMatchObject({txBytes: 1226, txPackets: 15});
	});

	it('skips headers, blank lines and malformed rows', () => {
		const text = `${fixture('proc/n1-net-dev.txt')}\n  bad: 1 2 3\n\nnocolon 1 2\n`;
		expect(parseNetDev(text).map(r => r.name)).toEqual(['lo']);
	});
});
