/**
 * TCP trouble counters of a namespace, on a /proc tree made of the captured overflow
 * (test/fixtures/README.md, `ovf-*.txt`): each step swaps in the next real reading.
 */
import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {ConnectionNamespace} from '../../src/collectors/connections.js';
import {CountingNetFiles} from '../helpers/net-files.js';
import {TcpStatsCollector} from '../../src/collectors/tcp-stats.js';
import {fixture} from '../helpers/fixtures.js';

let proc: string;
let files: CountingNetFiles;
const T0 = Date.parse('2026-12-02T15:00:00Z');
const ns = (packets: number): ConnectionNamespace[] => [{key: 'ovf', pid: 13941, files, packets, traceOwners: false}];

function reading(when: 'before' | 'after'): void {
	const dir = join(proc, '13941', 'net');
	mkdirSync(dir, {recursive: true});
	writeFileSync(join(dir, 'snmp'), fixture(`proc/ovf-snmp-${when}.txt`));
	writeFileSync(join(dir, 'netstat'), fixture(`proc/ovf-netstat-${when}.txt`));
	writeFileSync(join(dir, 'tcp'), fixture('proc/ovf-tcp.txt'));
	writeFileSync(join(dir, 'tcp6'), fixture('proc/ovf-tcp6.txt'));
}

beforeEach(() => {
	proc = mkdtempSync(join(tmpdir(), 'netwatch-tcp-'));
	files = new CountingNetFiles(join(proc, '13941', 'net'));
});
afterEach(() => {
	files.close();
	rmSync(proc, {recursive: true, force: true});
});

describe('TcpStatsCollector', () => {
	it('takes the first reading as the base, then names the listener whose queue overflowed, with the counts', () => {
		const collector = new TcpStatsCollector();
		reading('before');
		expect(collector.sample(ns(10), 1_000, T0)!['ovf']).toMatchObject({listenOverflows: 0, retransRate: null, overflow: null});
		reading('after');
		const stats = collector.sample(ns(60), 6_000, T0 + 5_000)!['ovf']!;
		expect(stats).toMatchObject({listenOverflows: 45, listenDrops: 45, retransRate: 0, resetRate: 0});
		// ss -ltn then: Recv-Q 3 on *:80
		expect(stats.overflow).toEqual({at: T0 + 5_000, overflows: 45, drops: 45, queues: [{address: '::', port: 80, queue: 3}]});
	});

	it('claims no overflow from counters that were already high when it started watching', () => {
		const collector = new TcpStatsCollector();
		reading('after');
		expect(collector.sample(ns(10), 1_000, T0)!['ovf']!.overflow).toBeNull();
		// packets moved, but a second is too soon to read again
		expect(collector.sample(ns(20), 2_000, T0 + 1_000)).toBeNull();
		expect(collector.sample(ns(20), 3_000, T0 + 2_000)!['ovf']).toMatchObject({overflow: null, retransRate: 0});
		expect(collector.sample(ns(30), 5_000, T0 + 4_000)).toBeNull();
	});

	it('reads nothing while no packet moved', () => {
		const collector = new TcpStatsCollector();
		reading('before');
		collector.sample(ns(10), 1_000, T0);
		expect(files.reads).toEqual(['snmp', 'netstat']);
		expect(collector.sample(ns(10), 2_000, T0 + 1_000)).toBeNull();
		expect(collector.sample(ns(10), 9_000, T0 + 8_000)).toBeNull();
		expect(files.reads).toEqual(['snmp', 'netstat']);
	});
});
