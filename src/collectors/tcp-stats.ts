/**
 * TCP trouble per namespace: retransmissions, resets, and listen queue overflows, from
 * /proc/<pid>/net/snmp and netstat (two small files, no hash walk). Read only when packets moved
 * in the namespace since the last reading (no packet, no retransmission, no overflow), and no
 * sooner than MIN_GAP_MS after it. Rates are per second between two readings; a namespace that
 * went quiet gets one reading of zero rates.
 *
 * An overflow is evidence, not a guess: ListenOverflows went up between two readings of the same
 * namespace (the counters count since it was made, so the first reading only sets the base), and
 * the listeners whose accept queue is not empty at that moment are read and named.
 */
import type {ListenOverflow, TcpStats} from '../model.js';
import {tcpCounters, type TcpCounters} from '../parsers/proc-net-snmp.js';
import {parseSockets, type SocketFile} from '../parsers/proc-net-sockets.js';
import type {ConnectionNamespace} from './connections.js';
import {readProcFileOrNull} from './procfs.js';

/** A busy namespace moves packets at every sample: its counters are read every other one. */
const MIN_GAP_MS = 2_000;

interface Last {
	readonly pid: number | null;
	readonly packets: number | null;
	readonly mono: number;
	readonly counters: TcpCounters;
	readonly stats: TcpStats;
}

export class TcpStatsCollector {
	private readonly last = new Map<string, Last>();

	/** Listeners with connections waiting for accept(). */
	private queues(ns: ConnectionNamespace): ListenOverflow['queues'] {
		return (['tcp', 'tcp6'] as SocketFile[]).flatMap(file =>
			parseSockets(readProcFileOrNull(ns.files.path(file)) ?? '', file, {listeningOnly: true})
				.filter(row => row.rxQueue > 0)
				.map(row => ({address: row.localAddress, port: row.localPort, queue: row.rxQueue})),
		);
	}

	/** The namespaces whose stats changed, or null. */
	sample(namespaces: readonly ConnectionNamespace[], mono: number, now = Date.now()): Record<string, TcpStats> | null {
		const wanted = new Set(namespaces.map(ns => ns.key));
		for (const key of this.last.keys()) if (!wanted.has(key)) this.last.delete(key);
		const changed: Record<string, TcpStats> = {};
		for (const ns of namespaces) {
			const last = this.last.get(ns.key);
			const same = last !== undefined && last.pid === ns.pid;
			if (same && ns.packets !== null && ns.packets === last.packets) {
				// quiet: rates fall to zero, once
				if (last.stats.retransRate || last.stats.resetRate) {
					const stats = {...last.stats, retransRate: 0, resetRate: 0};
					this.last.set(ns.key, {...last, stats});
					changed[ns.key] = stats;
				}
				continue;
			}
			if (same && mono - last.mono < MIN_GAP_MS) continue;
			const counters = tcpCounters(ns.files.read('snmp') ?? '', ns.files.read('netstat') ?? '');
			if (!counters) continue;
			const seconds = same ? (mono - last.mono) / 1000 : 0;
			const rate = (key: keyof TcpCounters): number | null => (same && seconds > 0 ? Math.max(0, counters[key] - last.counters[key]) / seconds : null);
			const overflows = same ? counters.listenOverflows - last.counters.listenOverflows : 0;
			const overflow: ListenOverflow | null =
				overflows > 0 ? {at: now, overflows, drops: counters.listenDrops - last!.counters.listenDrops, queues: this.queues(ns)} : same ? last.stats.overflow : null;
			const stats: TcpStats = {...counters, retransRate: rate('retransSegs'), resetRate: rate('outRsts'), overflow};
			this.last.set(ns.key, {pid: ns.pid, packets: ns.packets, mono, counters, stats});
			if (!same || JSON.stringify(stats) !== JSON.stringify(last.stats)) changed[ns.key] = stats;
		}
		return Object.keys(changed).length > 0 ? changed : null;
	}
}
