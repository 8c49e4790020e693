/**
 * TIME_WAIT sockets folded into one connection per pair of addresses and server port, on the
 * tables of a busy HTTP server's namespace (test/fixtures/README.md, "TIME_WAIT").
 */
import {describe, expect, it} from 'vitest';
import {foldTimeWait, toConnection} from '../../src/collectors/connections.js';
import type {Connection} from '../../src/model.js';
import {parseConnections} from '../../src/parsers/proc-net-connections.js';
import type {SocketFile} from '../../src/parsers/proc-net-sockets.js';
import {deriveConnections} from '../../src/store/edges.js';
import {countStates} from '../../src/store/snapshot.js';
import {fixture} from '../helpers/fixtures.js';

const read = (ns: string): Connection[] => (['tcp', 'tcp6'] as SocketFile[]).flatMap(file => parseConnections(fixture(`proc/tw-${ns}-${file}.txt`), file).map(toConnection));

/** netstat's TIME_WAIT lines, by local and foreign address with the client's port as `*`. */
function netstatGroups(ns: string, serverPort: number): Map<string, number> {
	const groups = new Map<string, number>();
	for (const line of fixture(`proc/tw-${ns}-netstat.txt`).split('\n')) {
		const [, , , local, foreign, state] = line.trim().split(/\s+/);
		if (state !== 'TIME_WAIT') continue;
		const [la, lp] = [local!.slice(0, local!.lastIndexOf(':')), local!.slice(local!.lastIndexOf(':') + 1)];
		const [fa, fp] = [foreign!.slice(0, foreign!.lastIndexOf(':')), foreign!.slice(foreign!.lastIndexOf(':') + 1)];
		const key = Number(lp) === serverPort ? `${la}:${lp} ${fa}:*` : `${la}:* ${fa}:${fp}`;
		groups.set(key, (groups.get(key) ?? 0) + 1);
	}
	return groups;
}

const groupKey = (c: Connection): string => `${c.local}:${c.localPort || '*'} ${c.remote}:${c.remotePort || '*'}`;

describe('foldTimeWait', () => {
	const rows = read('srv');
	const folded = foldTimeWait(rows, new Set([80]));

	it('keeps one connection per addresses and server port, counting what netstat lists', () => {
		expect(rows.length).toBeGreaterThan(50);
		const expected = netstatGroups('srv', 80);
		expect(new Map(folded.map(c => [groupKey(c), c.count]))).toEqual(expected);
		// both ends of the loopback requests, and the other container's, each once
		expect(folded.length).toBe(expected.size);
		expect(folded.every(c => c.inode === 0 && c.state === 'time-wait')).toBe(true);
	});

	it("keeps the latest one's timer", () => {
		const longest = Math.max(...rows.filter(c => c.local === '172.17.0.2').map(c => c.timerMs!));
		expect(folded.find(c => c.local === '172.17.0.2')!.timerMs).toBe(longest);
	});

	it('tells the server end without its listener by the ports', () => {
		// wget's end in the client container: 172.17.0.3:<ephemeral> to 172.17.0.2:80
		const client = foldTimeWait(read('cli'));
		expect(new Map(client.map(c => [groupKey(c), c.count]))).toEqual(netstatGroups('cli', 80));
		// and httpd's end by its port 80, below wget's ephemeral ones
		expect(new Map(foldTimeWait(rows).map(c => [groupKey(c), c.count]))).toEqual(netstatGroups('srv', 80));
	});

	it('leaves other states as they are, and is its own fixpoint', () => {
		const established = toConnection(parseConnections(fixture('proc/conn-u2-tcp.txt'), 'tcp')[0]!);
		expect(foldTimeWait([established, ...rows], new Set([80]))[0]).toBe(established);
		expect(foldTimeWait(folded, new Set([80]))).toEqual(folded);
	});

	it('counts the folded sockets in the states and edges', () => {
		const id = 'a'.repeat(64);
		const container = {id, name: 'tw-srv', networks: [{name: 'bridge', id: 'n', ipAddress: '172.17.0.2', prefixLen: 16, macAddress: '', aliases: []}]};
		const {byHolder, edges} = deriveConnections({
			connections: new Map([[id, folded]]),
			socketOwners: new Map(),
			nat: [],
			sockets: [],
			containers: new Map([[id, container as never]]),
			hostAddresses: new Set(),
		});
		const mine = byHolder.get(id)!;
		expect(countStates(mine).timeWait).toBe(rows.length);
		// loopback: the container itself at both ends; 172.17.0.3 is no container it knows of
		const loop = edges.filter(e => e.client.kind === 'container' && e.server.kind === 'container');
		expect(loop.map(e => e.count)).toEqual([rows.filter(c => c.local.startsWith('127.')).length]);
		expect(edges.find(e => e.client.kind === 'external')).toMatchObject({client: {address: '172.17.0.3'}, port: 80, count: rows.filter(c => c.remote === '172.17.0.3').length});
	});
});
