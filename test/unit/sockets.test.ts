/**
 * When the socket collector reads a table again and when it keeps its last read: the rules of
 * the sockstat gate, on a /proc tree made of captured files (see test/fixtures/README.md).
 * Each step swaps in another real table and checks whether the collector noticed.
 */
import {mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {netFiles} from '../../src/collectors/procfs.js';
import {SocketCollector, type NamespaceRef} from '../../src/collectors/sockets.js';
import {fixture} from '../helpers/fixtures.js';

/** The namespace under test is the tree's own (/proc/net/…), as the host's is. */
let HOST: NamespaceRef[];
/** The host's tables are looked at every 3 s; a kept read lasts at most 30 s. */
const LOOK_AGAIN_MS = 3_000;
const KEPT_HOST_MS = 30_000;

let proc: string;
let now: number;

function put(file: string, captured: string): void {
	writeFileSync(join(proc, 'net', file), fixture(`proc/${captured}`));
}

/** fx-b1's namespace: httpd listening on [::]:80, nothing else in use. */
function b1(): void {
	put('tcp', 'b1-tcp.txt');
	put('tcp6', 'b1-tcp6.txt');
	put('sockstat', 'b1-sockstat.txt');
	put('sockstat6', 'b1-sockstat6.txt');
}

/** A process in the tree that holds a socket: its fd link, its command line, its cgroup. */
function holder(pid: number, inode: number): void {
	mkdirSync(join(proc, String(pid), 'fd'), {recursive: true});
	symlinkSync(`socket:[${inode}]`, join(proc, String(pid), 'fd', '3'));
	writeFileSync(join(proc, String(pid), 'cmdline'), ['httpd', '-f', '-p', '80', ''].join('\0'));
	writeFileSync(join(proc, String(pid), 'cgroup'), fixture('proc/cgroup-v1-cgroupfs.txt'));
}

/** The inode of fx-b1's listener. */
const B1_LISTENER = Number(fixture('proc/b1-tcp6.txt').split('\n')[1]!.trim().split(/\s+/)[9]);

function ports(collector: SocketCollector): number[] {
	return collector.current.map(s => s.port).sort((a, b) => a - b);
}

/** A sample `ms` after the last one. */
function later(collector: SocketCollector, ms: number, fresh = false): void {
	now += ms;
	vi.setSystemTime(now);
	collector.sample(HOST, fresh);
}

beforeEach(() => {
	proc = mkdtempSync(join(tmpdir(), 'netwatch-proc-'));
	mkdirSync(join(proc, 'net'));
	HOST = [{key: 'host', pid: null, files: netFiles(proc, null)}];
	// performance too: the per-tick read budget is about CPU time, not what these tests are about, and a loaded machine must not defer a read
	vi.useFakeTimers({toFake: ['Date', 'performance']});
	now = Date.parse('2026-11-28T06:00:00Z');
	vi.setSystemTime(now);
});

afterEach(() => {
	HOST[0]!.files.close();
	vi.useRealTimers();
	rmSync(proc, {recursive: true, force: true});
});

describe('the sockstat gate', () => {
	it('keeps the last read while nothing has moved, and reads again once it is too old', () => {
		b1();
		holder(4242, B1_LISTENER);
		const collector = new SocketCollector(proc);
		collector.sample(HOST);
		expect(ports(collector)).toEqual([80]);
		// another table behind a count that did not move: kept
		put('tcp6', 'host-tcp6.txt');
		later(collector, LOOK_AGAIN_MS);
		expect(ports(collector)).toEqual([80]);
		later(collector, KEPT_HOST_MS - LOOK_AGAIN_MS);
		expect(ports(collector)).toEqual([2377, 7946, 8090]);
	});

	it('reads again at once when asked for a fresh read, though it would keep the last', () => {
		b1();
		holder(4242, B1_LISTENER);
		const collector = new SocketCollector(proc);
		collector.sample(HOST);
		put('tcp6', 'host-tcp6.txt');
		later(collector, 10, true);
		expect(ports(collector)).toEqual([2377, 7946, 8090]);
	});

	it('takes a count of 0 for an empty table, unread, and reads again when the count moves', () => {
		b1();
		put('sockstat6', 'n1-sockstat6.txt');
		const collector = new SocketCollector(proc);
		collector.sample(HOST);
		// the table has a listener, but the count says none is in use: the table was not read
		expect(ports(collector)).toEqual([]);
		put('sockstat6', 'b1-sockstat6.txt');
		later(collector, LOOK_AGAIN_MS);
		expect(ports(collector)).toEqual([80]);
	});

	it('reads again on every look when connections are in use, since they could hide a listener', () => {
		// 2 listeners and both ends of a connection: 4 in use
		put('tcp', 'host-conn-tcp.txt');
		put('sockstat', 'host-conn-sockstat.txt');
		const collector = new SocketCollector(proc);
		collector.sample(HOST);
		expect(ports(collector)).toEqual([2024, 18555]);
		// the same count, other listeners
		put('tcp', 'host-tcp.txt');
		later(collector, LOOK_AGAIN_MS);
		expect(ports(collector)).toEqual([2024, 18472]);
	});

	it('reads again when the process that held a listener is gone: a server restarted on its port', () => {
		b1();
		holder(4242, B1_LISTENER);
		const collector = new SocketCollector(proc);
		collector.sample(HOST);
		expect(collector.current.map(s => [s.port, s.pid])).toEqual([[80, 4242]]);
		// the same count, a new table; while pid 4242 lives the read is kept
		put('tcp6', 'host-tcp6.txt');
		later(collector, LOOK_AGAIN_MS);
		expect(ports(collector)).toEqual([80]);
		rmSync(join(proc, '4242'), {recursive: true});
		later(collector, LOOK_AGAIN_MS);
		expect(ports(collector)).toEqual([2377, 7946, 8090]);
	});

	it('does not vouch for a listener whose process is unknown (as without root): reads again on every look', () => {
		b1();
		const collector = new SocketCollector(proc);
		collector.sample(HOST);
		expect(collector.current.map(s => [s.port, s.pid])).toEqual([[80, null]]);
		put('tcp6', 'host-tcp6.txt');
		later(collector, LOOK_AGAIN_MS);
		expect(ports(collector)).toEqual([2377, 7946, 8090]);
	});
});
