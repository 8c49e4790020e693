/**
 * When the connection collector reads a namespace's tables: on a /proc tree made of captured
 * files (test/fixtures/README.md, "Connections"), each step changes what the gate looks at.
 */
import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ConnectionCollector, namespaceCounts, type ConnectionNamespace} from '../../src/collectors/connections.js';
import {fixture} from '../helpers/fixtures.js';
import {CountingNetFiles} from '../helpers/net-files.js';

let proc: string;
/** The files of the namespaces a test made, by pid: closed after it. */
let opened: Map<number, CountingNetFiles>;
const files = (pid: number): CountingNetFiles => opened.get(pid) ?? opened.set(pid, new CountingNetFiles(join(proc, String(pid), 'net'))).get(pid)!;
/** The namespace's sockstat files that were read (the TCP counters are read beside them: snmp, netstat). */
const sockstat = (pid: number): string[] => files(pid).reads.filter(name => name.startsWith('sockstat'));
const T0 = Date.parse('2026-12-02T15:00:00Z');

/** fx17-u2's namespace, as pid 6556 of the tree. */
function u2(): void {
	mkdirSync(join(proc, '6556', 'net'), {recursive: true});
	for (const file of ['tcp', 'tcp6', 'udp', 'udp6', 'sockstat', 'sockstat6']) {
		writeFileSync(join(proc, '6556', 'net', file), fixture(`proc/conn-u2-${file}.txt`));
	}
}

const ns = (packets: number, published = false): ConnectionNamespace[] => [{key: 'u2', pid: 6556, files: files(6556), packets, traceOwners: false, published}];

beforeEach(() => {
	proc = mkdtempSync(join(tmpdir(), 'netwatch-conn-'));
	opened = new Map();
	mkdirSync(join(proc, 'net'));
	u2();
});
afterEach(() => {
	for (const f of opened.values()) f.close();
	rmSync(proc, {recursive: true, force: true});
});

describe('namespaceCounts', () => {
	it('keeps the per-namespace counts in use, not the machine-wide alloc and mem (TIME_WAIT only says which tables to read)', () => {
		const counts = namespaceCounts(`${fixture('proc/conn-host-sockstat.txt')}\n${fixture('proc/conn-host-sockstat6.txt')}`);
		expect(counts).toEqual({key: 'TCP 10|UDP 1|TCP6 3|UDP6 1', files: ['tcp', 'tcp6', 'udp', 'udp6']});
		// fx17-u2: nothing in UDP6 (nor TCP6, but TIME_WAIT is counted for both families)
		const u2 = namespaceCounts(`${fixture('proc/conn-u2-sockstat.txt')}\n${fixture('proc/conn-u2-sockstat6.txt')}`);
		expect(u2.files).toEqual(['tcp', 'udp']);
		// fx17-srv: one listener in tcp6 beside four connections, one connection in tcp
		const srv = `${fixture('proc/conn-srv-sockstat.txt')}\n${fixture('proc/conn-srv-sockstat6.txt')}`;
		expect(namespaceCounts(srv, {tcp6: 1}).files).toEqual(['tcp', 'tcp6']);
		expect(namespaceCounts(srv, {tcp6: 5, tcp: 1}).files).toEqual([]);
		expect(namespaceCounts('TCP: inuse 0 orphan 0 tw 0 alloc 28 mem 340\nUDP: inuse 0 mem 0\nTCP6: inuse 0\nUDP6: inuse 0').files).toEqual([]);
	});
});

// Tables are read whole (budget Infinity) but where a test is about the budget: a tick's 4 ms
// could otherwise run out on a loaded machine, and a read go on at the next tick.
describe('ConnectionCollector', () => {
	it('reads a new namespace, then not again while nothing moved', () => {
		const collector = new ConnectionCollector(proc, Infinity);
		const first = collector.sample(ns(100), T0)!;
		expect(first.read['u2']!.map(c => `${c.remotePort} ${c.state} ${c.txQueue} ${c.timer}`)).toEqual([
			'7000 established 0 null',
			'7000 established 921952 retransmit',
			'7000 syn-sent 1 retransmit',
		]);
		expect(first.read['u2']![1]!.timerMs).toBe(360);
		const tables = collector.tablesRead;
		expect(collector.sample(ns(100), T0 + 5_000)).toBeNull();
		expect(collector.tablesRead).toBe(tables);
	});

	it('reads again when packets moved, but not sooner than two seconds after the last read; sends only what changed', () => {
		const collector = new ConnectionCollector(proc, Infinity);
		collector.sample(ns(100), T0);
		const tables = collector.tablesRead;
		expect(collector.sample(ns(150), T0 + 1_999)).toBeNull();
		expect(collector.tablesRead).toBe(tables);
		// read again, and the same connections: nothing to send
		expect(collector.sample(ns(150), T0 + 2_000)).toBeNull();
		expect(collector.tablesRead).toBeGreaterThan(tables);
		// fx17-cli's table in its place: one connection instead of three, found once packets are
		// worth a read again (4 s after one that found the same connections)
		writeFileSync(join(proc, '6556', 'net', 'tcp'), fixture('proc/conn-cli-tcp.txt'));
		expect(collector.sample(ns(200), T0 + 4_000)).toBeNull();
		expect(collector.sample(ns(250), T0 + 6_000)?.read['u2']).toHaveLength(1);
	});

	it('reads again when the counts in sockstat moved, before packets alone would, and no table when they say empty', () => {
		const collector = new ConnectionCollector(proc, Infinity);
		collector.sample(ns(100), T0);
		// the same connections again: packets alone now wait 4 s
		expect(collector.sample(ns(110), T0 + 2_000)).toBeNull();
		writeFileSync(join(proc, '6556', 'net', 'sockstat'), 'TCP: inuse 0 orphan 0 tw 0 alloc 28 mem 340\nUDP: inuse 0 mem 0\n');
		writeFileSync(join(proc, '6556', 'net', 'sockstat6'), 'TCP6: inuse 0\nUDP6: inuse 0\n');
		const tables = collector.tablesRead;
		expect(collector.sample(ns(120), T0 + 3_999)).toBeNull();
		expect(collector.sample(ns(120), T0 + 4_000)?.read).toEqual({u2: []});
		expect(collector.tablesRead).toBe(tables);
	});

	it('looks at nothing, sockstat included, while no packet moved', () => {
		const collector = new ConnectionCollector(proc, Infinity);
		collector.sample(ns(100), T0);
		files(6556).reads.length = 0;
		const tables = collector.tablesRead;
		expect(collector.sample(ns(100), T0 + 10_000)).toBeNull();
		expect(collector.tablesRead).toBe(tables);
		expect(sockstat(6556)).toEqual([]);
		// packets moved: the counts are looked at, and without them (empty here) every table is read
		writeFileSync(join(proc, '6556', 'net', 'sockstat'), '');
		writeFileSync(join(proc, '6556', 'net', 'sockstat6'), '');
		collector.sample(ns(110), T0 + 12_000);
		expect(sockstat(6556)).toEqual(['sockstat', 'sockstat6']);
		expect(collector.tablesRead).toBe(tables + 4);
	});

	it('waits longer and longer while packets move and its reads find the same connections, and no longer once one differs', () => {
		const collector = new ConnectionCollector(proc, Infinity);
		const reads: number[] = [];
		let packets = 100;
		for (let t = 0; t <= 30_000; t += 1_000) {
			if (t === 21_000) writeFileSync(join(proc, '6556', 'net', 'tcp'), fixture('proc/conn-cli-tcp.txt'));
			// the table changed, and sockstat says so
			if (t === 21_000) writeFileSync(join(proc, '6556', 'net', 'sockstat'), 'TCP: inuse 1 orphan 0 tw 0 alloc 28 mem 340\nUDP: inuse 0 mem 0\n');
			const before = collector.tablesRead;
			collector.sample(ns((packets += 10)), T0 + t);
			if (collector.tablesRead > before) reads.push(t);
		}
		// 2, 4, 8 s apart; then the change is read at the next look at the counts, and 2 s after it again
		expect(reads).toEqual([0, 2_000, 6_000, 14_000, 22_000, 24_000, 28_000]);
	});

	it('reads a namespace again when the TIME_WAIT sockets it read have expired, though no packet moved', () => {
		// tw-srv's tables (test/fixtures/README.md, "TIME_WAIT"), as pid 7000
		mkdirSync(join(proc, '7000', 'net'), {recursive: true});
		for (const file of ['tcp', 'tcp6']) writeFileSync(join(proc, '7000', 'net', file), fixture(`proc/tw-srv-${file}.txt`));
		const tw: ConnectionNamespace[] = [{key: 'tw', pid: 7000, files: files(7000), packets: 5, traceOwners: false, tcpPorts: new Set([80])}];
		const collector = new ConnectionCollector(proc, Infinity);
		const latest = Math.max(...collector.sample(tw, T0)!.read['tw']!.map(c => c.timerMs ?? 0));
		expect(latest).toBeGreaterThan(0);
		const tables = collector.tablesRead;
		collector.sample(tw, T0 + latest - 1);
		expect(collector.tablesRead).toBe(tables);
		collector.sample(tw, T0 + latest);
		expect(collector.tablesRead).toBeGreaterThan(tables);
	});

	it('reads a namespace that had connections again after a minute, without any sign', () => {
		const collector = new ConnectionCollector(proc, Infinity);
		collector.sample(ns(100), T0);
		const tables = collector.tablesRead;
		expect(collector.sample(ns(100), T0 + 59_999)).toBeNull();
		expect(collector.tablesRead).toBe(tables);
		collector.sample(ns(100), T0 + 60_000);
		expect(collector.tablesRead).toBeGreaterThan(tables);
	});

	it('looks at the counts of a namespace due for packets only when its read begins, not at each tick it waits for its turn', () => {
		// u2 again as pid 6558; a piece a tick (budget 0): while u2's read goes on, 6558's waits
		mkdirSync(join(proc, '6558', 'net'), {recursive: true});
		for (const file of ['tcp', 'tcp6', 'udp', 'udp6', 'sockstat', 'sockstat6']) writeFileSync(join(proc, '6558', 'net', file), fixture(`proc/conn-u2-${file}.txt`));
		const both = (packets: number): ConnectionNamespace[] => [...ns(packets), {key: 'u3', pid: 6558, files: files(6558), packets, traceOwners: false}];
		const collector = new ConnectionCollector(proc, 0);
		collector.sample(both(100), T0);
		// at each tick, whose sockstat and sockstat6 were read
		const looked: string[][] = [];
		for (let t = 2_000; t <= 5_000; t += 1_000) {
			for (const f of opened.values()) f.reads.length = 0;
			collector.sample(both(100 + t), T0 + t);
			looked.push([6556, 6558].flatMap(pid => sockstat(pid).map(name => `${pid}/${name}`)));
		}
		// u2's tcp and udp tables took three ticks (a piece, its end and udp's piece, udp's end); u3's
		// read began at the fourth, when u2's counts were looked at for a change (3 s after its read)
		const both2 = ['6556/sockstat', '6556/sockstat6'];
		expect(looked).toEqual([both2, [], [], [...both2, '6558/sockstat', '6558/sockstat6']]);
	});

	it('looks at the counts of a namespace once when they moved, not again at each tick it then waits for its read', () => {
		// u3 (u2's tables, as pid 6558; a piece a tick) is read for its packets from 2 s and from 7 s,
		// and finds the same connections: packets alone then wait 8 s. At 9 s a connection comes
		// (its counts move), and u2's packets move: u2 is due since 0 s, and its read holds the ticks
		mkdirSync(join(proc, '6558', 'net'), {recursive: true});
		for (const file of ['tcp', 'tcp6', 'udp', 'udp6', 'sockstat', 'sockstat6']) writeFileSync(join(proc, '6558', 'net', file), fixture(`proc/conn-u2-${file}.txt`));
		const collector = new ConnectionCollector(proc, 0);
		const looked: Record<number, string[]> = {};
		for (let t = 0; t <= 13_000; t += 1_000) {
			if (t === 9_000) writeFileSync(join(proc, '6558', 'net', 'sockstat'), 'TCP: inuse 5 orphan 0 tw 0 alloc 28 mem 340\nUDP: inuse 1 mem 0\n');
			files(6558).reads.length = 0;
			collector.sample([...ns(t < 9_000 ? 100 : 100 + t), {key: 'u3', pid: 6558, files: files(6558), packets: 100 + t, traceOwners: false}], T0 + t);
			looked[t] = sockstat(6558);
		}
		const both = ['sockstat', 'sockstat6'];
		// 10 s: the look that finds them moved; 13 s: u3's read begins, after u2's three ticks
		expect([10_000, 11_000, 12_000, 13_000].map(t => looked[t])).toEqual([both, [], [], both]);
	});

	it("reads a large table over several ticks when a tick's budget runs out, and finds what one read finds", () => {
		// a piece a tick (budget 0): the 60 KB of 400 connections take four pieces of 16 KB, then the
		// fifth tick finds their end and reads u2's udp table in one piece, the sixth finds its end
		const pieces = new ConnectionCollector(proc, 0);
		const whole = new ConnectionCollector(proc, Infinity);
		pieces.sample(ns(100), T0);
		whole.sample(ns(100), T0);
		writeFileSync(join(proc, '6556', 'net', 'tcp'), fixture('proc/many-tcp.txt'));
		const expected = whole.sample(ns(200), T0 + 2_000)!.read['u2']!;
		// 400 established (netstat -tn said 400), u2's connected UDP socket beside them
		expect(expected.filter(c => c.proto === 'tcp' && c.state === 'established')).toHaveLength(400);
		const ticks: (readonly unknown[] | undefined)[] = [];
		for (let t = 2_000; ticks.at(-1) === undefined && t < 10_000; t += 1_000) ticks.push(pieces.sample(ns(200), T0 + t)?.read['u2']);
		expect(ticks).toHaveLength(6);
		expect(ticks.at(-1)).toEqual(expected);
	});

	it('reads conntrack piece by piece too, after the namespace that DNAT concerns', () => {
		const collector = new ConnectionCollector(proc, 0);
		expect(collector.sample(ns(100, true), T0)?.nat).toBeNull();
		writeFileSync(join(proc, 'net', 'nf_conntrack'), fixture('proc/conntrack.txt'));
		// a piece a tick: u2's tcp, its end and udp's piece, udp's end (read: conntrack begins), conntrack's end
		const nat = [2_000, 3_000, 4_000, 5_000].map(t => collector.sample(ns(200 + t, true), T0 + t)?.nat);
		expect(nat.slice(0, 3)).toEqual([undefined, undefined, undefined]);
		expect(nat[3]).toEqual([{proto: 'tcp', client: '172.17.0.1', clientPort: 46628, published: '172.17.0.1', publishedPort: 8403, target: '172.17.0.2', targetPort: 80}]);
	});

	it('drops a read cut short when its namespace goes, or its process changes', () => {
		const collector = new ConnectionCollector(proc, 0);
		collector.sample(ns(100), T0);
		writeFileSync(join(proc, '6556', 'net', 'tcp'), fixture('proc/many-tcp.txt'));
		collector.sample(ns(200), T0 + 2_000);
		expect(collector.sample([], T0 + 3_000)?.gone).toEqual(['u2']);
		// back, with its small table again: read whole, as a namespace never read, not the 400 of the dropped read
		writeFileSync(join(proc, '6556', 'net', 'tcp'), fixture('proc/conn-u2-tcp.txt'));
		expect(collector.sample(ns(300), T0 + 4_000)?.read['u2']?.filter(c => c.proto === 'tcp')).toHaveLength(3);

		// cut short again, then another process in the namespace's place (pid 6557): read whole from it
		writeFileSync(join(proc, '6556', 'net', 'tcp'), fixture('proc/many-tcp.txt'));
		collector.sample(ns(400), T0 + 6_000);
		mkdirSync(join(proc, '6557', 'net'), {recursive: true});
		for (const file of ['tcp', 'tcp6', 'udp', 'udp6', 'sockstat', 'sockstat6']) writeFileSync(join(proc, '6557', 'net', file), fixture(`proc/conn-u2-${file}.txt`));
		expect(collector.sample([{...ns(500)[0]!, pid: 6557, files: files(6557)}], T0 + 7_000)?.read['u2']?.filter(c => c.proto === 'tcp')).toHaveLength(3);
	});

	it('says a namespace is gone', () => {
		const collector = new ConnectionCollector(proc, Infinity);
		collector.sample(ns(100), T0);
		expect(collector.sample([], T0 + 1)).toEqual({type: 'connections', read: {}, gone: ['u2'], owners: {}});
	});

	it("reads Docker's DNAT from conntrack, and says when the kernel has none", () => {
		const collector = new ConnectionCollector(proc, Infinity);
		expect(collector.sample(ns(100, true), T0)?.nat).toBeNull();
		writeFileSync(join(proc, 'net', 'nf_conntrack'), fixture('proc/conntrack.txt'));
		// a namespace without published ports gives no reason to read conntrack
		expect(collector.sample(ns(200), T0 + 3_000)?.nat).toBeUndefined();
		// read again once packets are worth it: 4 s after a read that found the same connections
		expect(collector.sample(ns(300, true), T0 + 7_000)?.nat).toEqual([
			{proto: 'tcp', client: '172.17.0.1', clientPort: 46628, published: '172.17.0.1', publishedPort: 8403, target: '172.17.0.2', targetPort: 80},
		]);
	});
});
