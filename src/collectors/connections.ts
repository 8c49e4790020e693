/**
 * Connections: the TCP sockets and connected UDP sockets of every network namespace, read once
 * per namespace (containers that share one, and host-network containers, are not read again),
 * plus the DNAT connections of the host's conntrack table and the owners of sockets where a
 * namespace holds more than one container's processes.
 *
 * A table is read only when something says it may have changed, as the listeners' are:
 * - the namespace's sockstat counts of sockets in use moved: a connection came or went (they
 *   are looked at for this only when packets moved: no connection comes or goes without one);
 * - packets moved on its interfaces (net/dev, read by the sampler anyway): a state, a queue or a
 *   retransmission changes only with packets. TIME_WAIT sockets expire without one: the namespace
 *   is due when the last one read has gone. A busy server moves packets all the time, and its
 *   reads find the same connections, only more or fewer in TIME_WAIT: each such read doubles the
 *   time before packets alone make it due again, up to MAX_WAIT_MS; a read that finds anything
 *   else brings it back;
 * either no sooner than MIN_GAP_MS after the last read (HOST_MIN_GAP_MS for the host's), and
 *   the counts are looked at no more often than that either. A namespace due for any reason has
 *   its counts looked at again only when its read begins: when many are due, they wait for
 *   their turn over several ticks, and waiting costs no read;
 * - the last read is MAX_AGE_MS old and had connections: an application can read its receive
 *   queue without a packet moving.
 * A count of 0 in use (and none in TIME_WAIT, for TCP) proves a table empty without reading it.
 * TIME_WAIT sockets are folded into one connection per addresses and server port (foldTimeWait).
 * The kernel walks its whole connection hash for each TCP table (262,144 buckets here: 8 to 10 ms
 * a table on the test machine, whatever the namespace holds), so a tick reads the namespaces
 * never read before (a table whose sockets are all listeners is not read at all), then the due
 * ones, the longest waiting first, until TICK_BUDGET_MS is spent (always at least one piece).
 * Tables are read piece by piece (PieceReader), and a read that the budget cuts short goes on at
 * the next tick: a host with thousands of connections has tables that take longer than a tick
 * to read and parse. conntrack is read the same way.
 */
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {isServerEnd, namespaceOwner, type Connection, type ContainerInfo, type ListeningSocket, type NatConnection, type NetDevRow, type ProcessRef} from '../model.js';
import type {ConnectionsAction} from '../store/actions.js';
import {parseConntrack} from '../parsers/conntrack.js';
import {parseConnections, stateName, timerName, USER_HZ} from '../parsers/proc-net-connections.js';
import type {SocketFile, SocketRow} from '../parsers/proc-net-sockets.js';
import {findOwners} from './owners.js';
import {PieceReader} from './procfs.js';
import {TcpStatsCollector} from './tcp-stats.js';
import type {NamespaceRef} from './sockets.js';

export interface ConnectionNamespace extends NamespaceRef {
	/** Packets in and out over its interfaces, as last read (net/dev); null when not known. */
	readonly packets: number | null;
	/** Its sockets are held by more than one container (the host; a namespace shared with `container:`). */
	readonly traceOwners: boolean;
	/** Its listening sockets per table, as the socket collector last read them. */
	readonly listeners?: Partial<Record<SocketFile, number>>;
	/** The ports its TCP sockets listen on: a TIME_WAIT socket on one of them is the server's end. */
	readonly tcpPorts?: ReadonlySet<number>;
	/** Docker published some of its ports: DNAT may bring it connections (the host: it may make them). */
	readonly published?: boolean;
}

interface Read {
	readonly pid: number | null;
	readonly at: number;
	readonly counts: string;
	readonly packets: number | null;
	readonly connections: readonly Connection[];
	/** How long after this read packets alone make the namespace due again. */
	readonly wait: number;
	/** When its last TIME_WAIT socket expires, as the read found them (Infinity without any). */
	readonly expires: number;
}

type Counts = ReturnType<typeof namespaceCounts>;

/** A read that a tick's budget cut short: the next tick goes on with it. */
interface Job {
	readonly pid: number | null;
	/** When it began, and what the namespace's counts and packets were then: the read's. */
	readonly at: number;
	readonly counts: Counts;
	readonly packets: number | null;
	/** The tables still to read, the first one being read. */
	readonly files: SocketFile[];
	reader: PieceReader | null;
	readonly connections: Connection[];
	/** It went on over more than one tick: a line may have come twice (PieceReader). */
	cut: boolean;
}

/** The items, each key's first only. */
function once<T, K>(items: readonly T[], key: (item: T) => K): T[] {
	const seen = new Set<K>();
	return items.filter(item => {
		const k = key(item);
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
}

/**
 * A socket's own number. TIME_WAIT sockets have none (0): those are kept as they come, and one
 * that came twice is counted twice in its fold, where it is one of many.
 */
const socketKey = (c: Connection): number | Connection => (c.inode === 0 ? c : c.inode);
const natConnectionKey = (n: NatConnection): string => `${n.proto} ${n.client} ${n.clientPort} ${n.published} ${n.publishedPort} ${n.target} ${n.targetPort}`;

/** The same connections in the same states, queues and timers (a timer's remaining time aside). */
function sameConnections(a: readonly Connection[], b: readonly Connection[]): boolean {
	return (
		a.length === b.length &&
		a.every((x, i) => {
			const y = b[i]!;
			return (
				x.inode === y.inode &&
				x.localPort === y.localPort &&
				x.remotePort === y.remotePort &&
				x.remote === y.remote &&
				x.state === y.state &&
				x.txQueue === y.txQueue &&
				x.rxQueue === y.rxQueue &&
				x.timer === y.timer &&
				x.retransmits === y.retransmits &&
				x.count === y.count
			);
		})
	);
}

/** The connections but the TIME_WAIT ones (folded: they have a count), which only ever come and go. */
const lasting = (connections: readonly Connection[]): Connection[] => connections.filter(c => c.count === undefined);

const FILES: readonly SocketFile[] = ['tcp', 'tcp6', 'udp', 'udp6'];
const MIN_GAP_MS = 2_000;
/** The longest wait of a namespace whose reads keep finding the same connections. */
const MAX_WAIT_MS = 16_000;
const HOST_MIN_GAP_MS = 3_000;
const MAX_AGE_MS = 60_000;
const TICK_BUDGET_MS = 4;
const TRACE_EVERY_MS = 3_000;
const UNKNOWN_RETRY_MS = 10_000;
const CONNTRACK_EVERY_MS = 2_000;

/**
 * The per-namespace counts of sockets in use in sockstat and sockstat6 (`TCP 3|UDP 0|TCP6 2|UDP6 0`),
 * and the tables they say hold connections: more sockets in use than listeners, or TIME_WAIT
 * ones for TCP (all, when the counts are missing). A server that nobody is connected to costs no
 * read. TIME_WAIT is not in the key: sockets that come and go in it alone are no new connection.
 */
export function namespaceCounts(text: string, listeners: Partial<Record<SocketFile, number>> = {}): {key: string; files: readonly SocketFile[]} {
	const parts: string[] = [];
	const inUse = new Map<string, number>();
	let timeWait = 0;
	for (const match of text.matchAll(/^(TCP6?|UDP6?): inuse (\d+)(?: orphan \d+ tw (\d+))?/gm)) {
		parts.push(`${match[1]} ${match[2]}`);
		inUse.set(match[1]!.toLowerCase(), Number(match[2]));
		timeWait += Number(match[3] ?? 0);
	}
	// TIME_WAIT is counted once for both families
	const files = FILES.filter(file => (inUse.get(file) ?? Infinity) > (listeners[file] ?? 0) || (file.startsWith('tcp') && timeWait > 0));
	return {key: parts.join('|'), files};
}

export function toConnection(row: SocketRow): Connection {
	const timer = timerName(row.timer);
	return {
		proto: row.proto,
		family: row.family,
		local: row.localAddress,
		localPort: row.localPort,
		remote: row.remoteAddress,
		remotePort: row.remotePort,
		state: stateName(row.state) ?? String(row.state),
		txQueue: row.txQueue,
		rxQueue: row.rxQueue,
		timer,
		timerMs: timer === null ? null : Math.round((row.timerTicks * 1000) / USER_HZ),
		retransmits: row.retransmits,
		inode: row.inode,
	};
}

/**
 * TIME_WAIT sockets folded: one connection per proto, family, addresses and server port, with
 * their count (Connection.count). A closed connection lingers in TIME_WAIT for a minute on the
 * end that closed first, no process holds it, and its other end is gone: a server answering 5
 * requests a second keeps 300 of them, which say no more together than their count does.
 * Which end serves: isServerEnd.
 */
export function foldTimeWait(connections: readonly Connection[], tcpPorts: ReadonlySet<number> = new Set()): Connection[] {
	const kept: Connection[] = [];
	const folded = new Map<string, {first: Connection; count: number; timerMs: number | null}>();
	for (const c of connections) {
		if (c.state !== 'time-wait' || c.proto !== 'tcp') {
			kept.push(c);
			continue;
		}
		const server = isServerEnd(c, tcpPorts.has(c.localPort));
		const localPort = server ? c.localPort : 0;
		const remotePort = server ? 0 : c.remotePort;
		const key = `${c.family} ${c.local} ${localPort} ${c.remote} ${remotePort}`;
		const group = folded.get(key);
		if (group) {
			group.count += c.count ?? 1;
			if (c.timerMs !== null && (group.timerMs === null || c.timerMs > group.timerMs)) group.timerMs = c.timerMs;
		} else folded.set(key, {first: {...c, localPort, remotePort}, count: c.count ?? 1, timerMs: c.timerMs});
	}
	for (const {first, count, timerMs} of folded.values()) kept.push({...first, timerMs, count});
	return kept;
}

/** Docker's DNAT connections of a conntrack table. */
export function natConnections(text: string): NatConnection[] {
	return parseConntrack(text, {dnatOnly: true}).map(e => ({
		proto: e.proto,
		client: e.original.src,
		clientPort: e.original.sport,
		published: e.original.dst,
		publishedPort: e.original.dport,
		target: e.reply.src,
		targetPort: e.reply.sport,
	}));
}

export class ConnectionCollector {
	private readonly reads = new Map<string, Read>();
	private readonly jobs = new Map<string, Job>();
	/** When each namespace's sockstat was last looked at. */
	private readonly checked = new Map<string, number>();
	/** Namespaces whose counts moved, waiting for their read: not looked at again meanwhile. */
	private readonly moved = new Set<string>();
	private readonly owners = new Map<number, ProcessRef>();
	private readonly unknown = new Map<number, number>();
	/** Inodes of the traced namespaces, as last read. */
	private readonly traced = new Map<string, readonly number[]>();
	private lastWalk = -Infinity;
	/** When owners still to be found (a walk put off, an owner not found yet) are looked for again, though nothing changed. */
	private traceAgainAt = Infinity;
	private lastConntrack = -Infinity;
	/** A read of conntrack that a tick's budget cut short, with the DNAT connections found so far. */
	private conntrack: {readonly reader: PieceReader; readonly nat: NatConnection[]; cut: boolean} | null = null;
	private natKey: string | undefined;
	private tables = 0;
	private readonly tcp: TcpStatsCollector;

	constructor(
		private readonly proc = '/proc',
		/** How long a tick reads tables, after its first piece (tests set 0: a piece a tick). */
		private readonly budgetMs = TICK_BUDGET_MS,
	) {
		this.tcp = new TcpStatsCollector();
	}

	/** How many socket tables were read (for tests and the benchmark). */
	get tablesRead(): number {
		return this.tables;
	}

	/** The namespace's sockstat counts, as they are now. */
	private counts(ns: ConnectionNamespace): Counts {
		return namespaceCounts(ns.files.sockstat(), ns.listeners);
	}

	/**
	 * The namespace's connections, its tables read piece by piece until `until` (a
	 * performance.now() time); null when the time ran out first: the job waits for the next tick.
	 */
	private readNamespace(ns: ConnectionNamespace, looked: Counts | null, now: number, until: number): {job: Job; connections: Connection[]} | null {
		let job = this.jobs.get(ns.key);
		if (!job) {
			const counts = looked ?? this.counts(ns);
			job = {pid: ns.pid, at: now, counts, packets: ns.packets, files: [...counts.files], reader: null, connections: [], cut: false};
			this.jobs.set(ns.key, job);
		}
		for (let file = job.files[0]; file !== undefined; file = job.files[0]) {
			if (!job.reader) {
				try {
					job.reader = new PieceReader(ns.files.path(file));
				} catch {
					// the process is gone: the namespace goes with it at a later sample
				}
			}
			const done = !job.reader || job.reader.readUntil(until, lines => {
				for (const row of parseConnections(lines, file)) job.connections.push(toConnection(row));
			});
			if (!done) {
				job.cut = true;
				return null;
			}
			job.reader = null;
			job.files.shift();
			this.tables += 1;
		}
		this.jobs.delete(ns.key);
		return {job, connections: foldTimeWait(job.cut ? once(job.connections, socketKey) : job.connections, ns.tcpPorts)};
	}

	private dropJob(key: string): void {
		this.jobs.get(key)?.reader?.close();
		this.jobs.delete(key);
	}

	/** The connections of the namespaces that were due; null when nothing was read and nothing changed. */
	sample(namespaces: readonly ConnectionNamespace[], now = Date.now()): ConnectionsAction | null {
		const wanted = new Set(namespaces.map(ns => ns.key));
		const gone = [...this.reads.keys()].filter(key => !wanted.has(key));
		for (const key of gone) {
			this.dropJob(key);
			this.reads.delete(key);
			this.checked.delete(key);
			this.moved.delete(key);
			this.traced.delete(key);
		}

		// counts: as looked at to find the namespace due; null when it was due without them (they are
		// looked at when its read begins: a namespace that waits for its turn costs nothing meanwhile)
		const due: {ns: ConnectionNamespace; counts: Counts | null; fresh: boolean; going: boolean; since: number}[] = [];
		for (const ns of namespaces) {
			const last = this.reads.get(ns.key);
			const fresh = !last || last.pid !== ns.pid;
			// a read begun at an earlier tick goes on, if its namespace is still the same
			const job = this.jobs.get(ns.key);
			if (job && job.pid !== ns.pid) this.dropJob(ns.key);
			else if (job) {
				due.push({ns, counts: null, fresh, going: true, since: last?.at ?? -Infinity});
				continue;
			}
			// a namespace whose owners are wanted now (a container: mode container joined it): its sockets as last read
			if (ns.traceOwners && last && !this.traced.has(ns.key)) {
				this.traced.set(ns.key, last.connections.map(c => c.inode).filter(inode => inode !== 0));
				this.traceAgainAt = now;
			}
			const gap = ns.pid === null ? HOST_MIN_GAP_MS : MIN_GAP_MS;
			// TIME_WAIT sockets go without a packet: read again once the last one read has gone
			const old = !fresh && last.connections.length > 0 && (now - last.at >= MAX_AGE_MS || now >= last.expires);
			// no packet moved since the last read: no connection came, went or changed (TIME_WAIT ones
			// expire: `old` reads those), and a namespace where nothing runs costs nothing
			const still = !fresh && ns.packets !== null && ns.packets === last.packets;
			// its counts moved at an earlier look: due until it is read, packets or not
			const moved = this.moved.has(ns.key);
			// nothing else is due sooner than the gap after the last read, or after a look that found nothing due
			if (!fresh && !old && !moved && (still || now - Math.max(last.at, this.checked.get(ns.key) ?? -Infinity) < gap)) continue;
			const traffic = !fresh && !still && now - last.at >= last.wait;
			if (fresh || traffic || old || moved) {
				due.push({ns, counts: null, fresh, going: false, since: fresh ? -Infinity : last.at});
				continue;
			}
			const counts = this.counts(ns);
			if (counts.key !== last.counts) {
				this.moved.add(ns.key);
				due.push({ns, counts, fresh, going: false, since: last.at});
			} else this.checked.set(ns.key, now);
		}
		// namespaces never read, then reads begun at an earlier tick, then the longest waiting
		const rank = (d: (typeof due)[number]): number => (d.fresh ? 0 : d.going ? 1 : 2);
		due.sort((a, b) => rank(a) - rank(b) || a.since - b.since);

		const read: Record<string, Connection[]> = {};
		const wereRead = new Set<string>();
		// a namespace never read before is read whole: the first frame shows every connection
		const deadline = performance.now() + this.budgetMs;
		for (const [i, {ns, counts, fresh}] of due.entries()) {
			if (i > 0 && !fresh && performance.now() >= deadline) break;
			const done = this.readNamespace(ns, counts, now, fresh ? Infinity : deadline);
			if (done === null) break;
			const {job, connections} = done;
			wereRead.add(ns.key);
			this.moved.delete(ns.key);
			const last = fresh ? undefined : this.reads.get(ns.key);
			// what did not change is not sent again (a recording would carry it at every read)
			if (!last || !sameConnections(last.connections, connections)) read[ns.key] = connections;
			// the same connections again, TIME_WAIT aside: packets alone are worth less and less
			const steady = last !== undefined && sameConnections(lasting(last.connections), lasting(connections));
			const wait = last && steady ? Math.min(last.wait * 2, MAX_WAIT_MS) : ns.pid === null ? HOST_MIN_GAP_MS : MIN_GAP_MS;
			const timeWait = connections.filter(c => c.count !== undefined).map(c => c.timerMs ?? 0);
			const expires = timeWait.length > 0 ? job.at + Math.max(...timeWait) : Infinity;
			this.reads.set(ns.key, {pid: ns.pid, at: job.at, counts: job.counts.key, packets: job.packets, connections, wait, expires});
			if (ns.traceOwners) this.traced.set(ns.key, connections.map(c => c.inode).filter(inode => inode !== 0));
		}

		const owners = this.trace(Object.keys(read).length > 0 || now >= this.traceAgainAt, now);
		// conntrack is a walk of its own: only when a namespace that DNAT can concern was read; the
		// first time whole, as the namespaces are
		const until = this.natKey === undefined ? Infinity : deadline;
		const nat = this.conntrack || namespaces.some(ns => wereRead.has(ns.key) && (ns.pid === null || ns.published)) ? this.readConntrack(now, until) : undefined;
		const tcp = this.tcp.sample(namespaces, performance.now(), now);
		if (Object.keys(read).length === 0 && gone.length === 0 && Object.keys(owners).length === 0 && nat === undefined && tcp === null) return null;
		return {type: 'connections', read, gone, owners, ...(nat !== undefined ? {nat} : {}), ...(tcp ? {tcp} : {})};
	}

	/** Find the owners of sockets in traced namespaces not seen before; forget those that are gone. */
	private trace(changed: boolean, now: number): Record<string, ProcessRef> {
		if (!changed) return {};
		const inodes = new Set([...this.traced.values()].flat());
		for (const inode of this.owners.keys()) if (!inodes.has(inode)) this.owners.delete(inode);
		for (const inode of this.unknown.keys()) if (!inodes.has(inode)) this.unknown.delete(inode);
		const missing = new Set([...inodes].filter(inode => !this.owners.has(inode) && !((this.unknown.get(inode) ?? -Infinity) > now - UNKNOWN_RETRY_MS)));
		// a walk put off is tried again when the next one may be, even if nothing changes
		if (missing.size > 0 && now - this.lastWalk < TRACE_EVERY_MS) {
			this.traceAgainAt = this.lastWalk + TRACE_EVERY_MS;
			return {};
		}
		const owners: Record<string, ProcessRef> = {};
		if (missing.size > 0) {
			this.lastWalk = now;
			const {found} = findOwners(this.proc, missing);
			for (const [inode, {pid, command, containerId}] of found) {
				const owner = {pid, command, containerId};
				this.owners.set(inode, owner);
				owners[inode] = owner;
			}
			for (const inode of missing) this.unknown.set(inode, now);
		}
		// owners not found yet are looked for again UNKNOWN_RETRY_MS after the last look: not at every
		// sample until then (a host's thousands of sockets would be gone through at each)
		this.traceAgainAt = Infinity;
		for (const inode of inodes) {
			if (!this.owners.has(inode)) this.traceAgainAt = Math.min(this.traceAgainAt, (this.unknown.get(inode) ?? now) + UNKNOWN_RETRY_MS);
		}
		return owners;
	}

	/**
	 * The DNAT connections, when due, read whole and changed; null when this kernel has no
	 * conntrack table. A busy host tracks thousands of connections: the table is read piece by
	 * piece until `until`, as the namespaces' are, and a read cut short goes on at the next tick.
	 */
	private readConntrack(now: number, until: number): readonly NatConnection[] | null | undefined {
		if (!this.conntrack) {
			if (now - this.lastConntrack < CONNTRACK_EVERY_MS) return undefined;
			this.lastConntrack = now;
			const path = join(this.proc, 'net/nf_conntrack');
			try {
				this.conntrack = {reader: new PieceReader(path), nat: [], cut: false};
			} catch {
				return this.changedNat(existsSync(path) ? [] : null);
			}
		}
		const job = this.conntrack;
		if (!job.reader.readUntil(until, lines => job.nat.push(...natConnections(lines)))) {
			job.cut = true;
			return undefined;
		}
		this.conntrack = null;
		return this.changedNat(job.cut ? once(job.nat, natConnectionKey) : job.nat);
	}

	private changedNat(nat: readonly NatConnection[] | null): readonly NatConnection[] | null | undefined {
		const key = JSON.stringify(nat);
		if (key === this.natKey) return undefined;
		this.natKey = key;
		return nat;
	}
}

/** The namespaces to read, with their packet counts, and whether their sockets' owners are wanted. */
export function connectionNamespaces(
	refs: readonly NamespaceRef[],
	containers: Iterable<ContainerInfo>,
	rows: Readonly<Record<string, readonly NetDevRow[]>>,
	listening: readonly ListeningSocket[],
): ConnectionNamespace[] {
	const all = [...containers];
	// the namespaces that container: mode containers share with their owners
	const shared = new Set(all.filter(c => c.pid !== null && c.rawNetworkMode.startsWith('container:')).map(namespaceOwner));
	const published = new Set(all.filter(c => c.ports.length > 0).map(c => c.id));
	const listeners = new Map<string, Partial<Record<SocketFile, number>>>();
	const tcpPorts = new Map<string, Set<number>>();
	for (const s of listening) {
		const counts = listeners.get(s.netns) ?? {};
		const file: SocketFile = `${s.proto}${s.family === 6 ? '6' : ''}`;
		counts[file] = (counts[file] ?? 0) + 1;
		listeners.set(s.netns, counts);
		if (s.proto === 'tcp') tcpPorts.set(s.netns, (tcpPorts.get(s.netns) ?? new Set()).add(s.port));
	}
	return refs.map(ref => ({
		...ref,
		packets: rows[ref.key]?.reduce((sum, row) => sum + row.rxPackets + row.txPackets, 0) ?? null,
		traceOwners: ref.pid === null || shared.has(ref.key),
		// none: left out, not a new empty object for each of a thousand namespaces at every tick
		listeners: listeners.get(ref.key),
		tcpPorts: tcpPorts.get(ref.key),
		published: published.has(ref.key),
	}));
}
