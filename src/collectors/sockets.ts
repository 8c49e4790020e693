/**
 * Listening sockets, and who holds them.
 *
 * The tables are /proc/net/{tcp,tcp6,udp,udp6} of the host and of every container namespace.
 * The kernel writes each TCP table by walking its whole connection hash (every bucket, every
 * namespace's sockets), which costs a millisecond or two per file on a large machine, however
 * few sockets the namespace has. So the tables are not all read on every tick: each has a time
 * it is due (the host's every HOST_REFRESH_MS; a new namespace's at once, then again after
 * growing delays, since its server may bind late, then every NAMESPACE_REFRESH_MS), and a tick
 * reads the due tables, most overdue first, until its budget is spent: TICK_BUDGET_MS, or
 * NEW_TABLE_BUDGET_MS while tables never read before are waiting. A fresh read of everything
 * can be asked for: an alert wants to know who holds a port now.
 *
 * Before a table is read, the namespace's sockstat counts say whether it need be. A count of
 * 0 sockets in use proves the table empty (a server-less container costs no walk at all). The
 * last read is kept, up to KEPT_*, when nothing has visibly moved: the count is the same, it
 * is just the listeners (no connection whose coming and going could hide a listener's), and
 * each listener's process is known and still there (a server restarted on its port, or a port
 * that passed from one container to another, is a new process; a listener whose process is
 * unknown, as without root, is not vouched for). A fresh read reads every table in use.
 *
 * A socket is traced to its process by its inode (a `socket:[inode]` link in /proc/<pid>/fd),
 * and the process to its container by /proc/<pid>/cgroup. Walking every /proc/<pid>/fd is the
 * expensive part, so it happens only when a socket appears whose owner is not known yet.
 *
 * Without the right to read other users' fd tables (not root), owners stay unknown and the
 * reason is recorded; nothing fails.
 */
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import type {ListeningSocket} from '../model.js';
import {parseSockets, type SocketFile, type SocketRow} from '../parsers/proc-net-sockets.js';
import {parseSockstat, type SocketsInUse} from '../parsers/proc-net-sockstat.js';
import {findOwners, type Owner} from './owners.js';
import {PieceReader, readProcFileOrNull, type NetFiles} from './procfs.js';

export interface NamespaceRef {
	/** `host`, or the id of the container that owns the namespace */
	readonly key: string;
	/** null for the host (read /proc/net/…); a pid inside the namespace otherwise */
	readonly pid: number | null;
	/** Its /proc/…/net files, while the pid is followed (the sampler closes them then). */
	readonly files: NetFiles;
}

interface Table {
	readonly pid: number | null;
	/** How many times it was read for this pid: a new namespace is read again soon, then rarely. */
	readonly reads: number;
	readonly dueAt: number;
	readonly rows: readonly SocketRow[];
	/** When the rows were last really read, and the namespace's count of sockets in use then. */
	readonly readAt: number;
	readonly inUse: number | undefined;
}

const FILES: readonly SocketFile[] = ['tcp', 'tcp6', 'udp', 'udp6'];

/** Which namespaces to read now, whatever their turn: none, all, or these (by key). */
export type Fresh = boolean | ReadonlySet<string>;

/** A listening socket as the store keeps it: its table's row, its namespace, and its owner or why there is none. */
export function listeningSocket(row: SocketRow, netns: string, owner: Owner | undefined, ownerUnknown: string): ListeningSocket {
	return {
		proto: row.proto,
		family: row.family,
		address: row.localAddress,
		port: row.localPort,
		inode: row.inode,
		netns,
		pid: owner?.pid ?? null,
		command: owner?.command ?? null,
		containerId: owner?.containerId ?? null,
		proxyTo: owner?.proxyTo ?? null,
		ownerUnknown: owner ? null : ownerUnknown,
	};
}
const HOST_REFRESH_MS = 3_000;
const NEW_NAMESPACE_DELAYS_MS = [1_000, 3_000, 10_000];
const NAMESPACE_REFRESH_MS = 60_000;
/** How long the last read of the host's tables may be kept while nothing has moved... */
const KEPT_HOST_MS = 30_000;
/** ...and of a container's (whose tables are looked at every NAMESPACE_REFRESH_MS). */
const KEPT_NAMESPACE_MS = 180_000;
/** Wall time a tick may spend reading tables (at least one is read when any is due)... */
const TICK_BUDGET_MS = 2;
/** ...or while tables never read before are waiting (at start, or when many containers start). */
const NEW_TABLE_BUDGET_MS = 25;
/** The walk of every /proc/<pid>/fd happens at most this often (a fresh read excepted). */
const TRACE_EVERY_MS = 2_000;
/** A socket whose owner could not be found is looked for again after this long, not at every change. */
const UNKNOWN_RETRY_MS = 10_000;

/**
 * The listening part of a TCP socket table. The kernel lists listening sockets before the
 * established ones, and writes the file as it is read, so reading stops at the first line that
 * is not LISTEN: a busy server's thousands of connections are never even generated.
 */
function readTcpListeners(path: string): string | null {
	let reader: PieceReader;
	try {
		reader = new PieceReader(path);
	} catch {
		return null;
	}
	try {
		let listeners = '';
		let header = true;
		for (;;) {
			const {lines, done} = reader.next();
			for (const line of lines.split('\n')) {
				if (header) {
					header = false;
					continue;
				}
				// a line whose state (the 4th field) is not 0A ends the listeners
				const state = line.trim().split(/\s+/, 4)[3];
				if (state !== undefined && state !== '0A') return listeners;
				listeners += `${line}\n`;
			}
			if (done) return listeners;
		}
	} catch {
		return null;
	} finally {
		reader.close();
	}
}

export class SocketCollector {
	/** The last full list, changed or not. */
	current: readonly ListeningSocket[] = [];
	private owners = new Map<number, Owner>();
	/** Sockets whose owner was not found: why, and when it was last looked for. */
	private unknown = new Map<number, {reason: string; at: number}>();
	private lastKey = '';
	private lastWalk = -Infinity;
	/** Inodes whose owner is still to be looked for, when the walk was put off. */
	private untraced = false;
	/** Each namespace's tables as last read, by namespace key, then by file. */
	private readonly tables = new Map<string, Partial<Record<SocketFile, Table>>>();

	constructor(private readonly proc = '/proc') {}

	private readTable(ns: NamespaceRef, file: SocketFile): SocketRow[] {
		const path = ns.files.path(file);
		const text = file.startsWith('tcp') ? readTcpListeners(path) : readProcFileOrNull(path);
		return text === null ? [] : parseSockets(text, file, {listeningOnly: true});
	}

	/** Whether the socket's process is known and still exists. */
	private heldByLiveProcess(inode: number): boolean {
		const owner = this.owners.get(inode);
		return owner !== undefined && existsSync(join(this.proc, String(owner.pid)));
	}

	/** The namespace's counts of sockets in use (what is missing, e.g. sockstat6 without IPv6, is absent). */
	private readInUse(ns: NamespaceRef): SocketsInUse {
		return parseSockstat(ns.files.sockstat());
	}

	/** Read the tables that are due, most overdue first, within the tick's budget (or all of the fresh namespaces). */
	private refresh(namespaces: readonly NamespaceRef[], fresh: Fresh, now: number): void {
		const isFresh = (ns: NamespaceRef): boolean => fresh === true || (fresh !== false && fresh.has(ns.key));
		// every table of every namespace is looked at at every tick (a thousand namespaces hold four
		// thousand): indexed loops, and no key made or list built but for the tables that are due
		const wanted = new Set<string>();
		for (let n = 0; n < namespaces.length; n++) wanted.add(namespaces[n]!.key);
		for (const key of this.tables.keys()) if (!wanted.has(key)) this.tables.delete(key);
		const due: {ns: NamespaceRef; tables: Partial<Record<SocketFile, Table>>; file: SocketFile; since: number}[] = [];
		for (let n = 0; n < namespaces.length; n++) {
			const ns = namespaces[n]!;
			let tables = this.tables.get(ns.key);
			if (!tables) this.tables.set(ns.key, (tables = {}));
			for (let f = 0; f < FILES.length; f++) {
				const file = FILES[f]!;
				const table = tables[file];
				// a new table, or a new process in the namespace: due now
				const dueAt = !table || table.pid !== ns.pid ? -Infinity : table.dueAt;
				if (dueAt <= now || isFresh(ns)) due.push({ns, tables, file, since: dueAt});
			}
		}
		due.sort((a, b) => a.since - b.since);
		const counts = new Map<string, SocketsInUse>();
		// the global performance, not node:perf_hooks' binding: a test's fake clock replaces the global only
		const started = performance.now();
		for (let i = 0; i < due.length; i++) {
			const {ns, tables, file, since} = due[i]!;
			const budget = since === -Infinity ? NEW_TABLE_BUDGET_MS : TICK_BUDGET_MS;
			if (!isFresh(ns) && i > 0 && performance.now() - started > budget) continue;
			const previous = tables[file];
			const same = previous !== undefined && previous.pid === ns.pid;
			const reads = same ? previous.reads + 1 : 1;
			const delay = ns.pid === null ? HOST_REFRESH_MS : (NEW_NAMESPACE_DELAYS_MS[reads - 1] ?? NAMESPACE_REFRESH_MS);
			let count = counts.get(ns.key);
			if (!count) counts.set(ns.key, (count = this.readInUse(ns)));
			const inUse = count[file];
			const kept = ns.pid === null ? KEPT_HOST_MS : KEPT_NAMESPACE_MS;
			const unchanged =
				!isFresh(ns) &&
				same &&
				inUse !== undefined &&
				previous.inUse === inUse &&
				previous.rows.length === inUse &&
				now - previous.readAt < kept &&
				previous.rows.every(row => this.heldByLiveProcess(row.inode));
			const table =
				inUse === 0
					? {rows: [], readAt: now, inUse}
					: unchanged
						? {rows: previous.rows, readAt: previous.readAt, inUse}
						: {rows: this.readTable(ns, file), readAt: now, inUse};
			tables[file] = {pid: ns.pid, reads, dueAt: now + delay, ...table};
		}
	}

	/**
	 * The listening sockets of these namespaces (the host's read now, the others as recently
	 * as their turn allows, or read now: all with `fresh` true, or those `fresh` names); null
	 * when nothing changed.
	 */
	sample(namespaces: readonly NamespaceRef[], fresh: Fresh = false): readonly ListeningSocket[] | null {
		const now = Date.now();
		this.refresh(namespaces, fresh, now);
		const found: {ns: string; row: SocketRow}[] = [];
		for (let n = 0; n < namespaces.length; n++) {
			const ns = namespaces[n]!.key;
			// refresh made an entry for each
			const tables = this.tables.get(ns)!;
			for (let f = 0; f < FILES.length; f++) {
				const rows = tables[FILES[f]!]?.rows ?? [];
				for (let r = 0; r < rows.length; r++) found.push({ns, row: rows[r]!});
			}
		}
		const key = found.map(f => `${f.ns}/${f.row.inode}`).sort().join(',');
		const walkDue = fresh !== false || now - this.lastWalk >= TRACE_EVERY_MS;
		if (key === this.lastKey && !(this.untraced && walkDue)) return null;
		this.lastKey = key;

		const inodes = new Set(found.map(f => f.row.inode));
		const missing = [...inodes].filter(inode => !this.owners.has(inode) && !((this.unknown.get(inode)?.at ?? -Infinity) > now - UNKNOWN_RETRY_MS));
		this.untraced = missing.length > 0 && !walkDue;
		if (missing.length > 0 && walkDue) {
			this.lastWalk = now;
			this.trace(new Set(missing));
		}
		// forget owners of sockets that are gone
		for (const inode of this.owners.keys()) if (!inodes.has(inode)) this.owners.delete(inode);
		for (const inode of this.unknown.keys()) if (!inodes.has(inode)) this.unknown.delete(inode);

		this.current = found.map(({ns, row}) =>
			listeningSocket(row, ns, this.owners.get(row.inode), this.unknown.get(row.inode)?.reason ?? (this.untraced ? 'not traced yet' : 'process not found')),
		);
		return this.current;
	}

	/** Walk /proc/<pid>/fd until every wanted inode is found. */
	private trace(wanted: Set<number>): void {
		const {found, denied} = findOwners(this.proc, wanted);
		for (const [inode, owner] of found) this.owners.set(inode, owner);
		const reason = denied ? 'needs root' : 'process not found';
		const at = Date.now();
		for (const inode of wanted) this.unknown.set(inode, {reason, at});
	}
}
