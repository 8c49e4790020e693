/**
 * Listening sockets, and who holds them.
 *
 * Each tick reads /proc/net/{tcp,tcp6,udp,udp6} of the host and of every container namespace.
 * A socket is traced to its process by its inode (a `socket:[inode]` link in /proc/<pid>/fd),
 * and the process to its container by /proc/<pid>/cgroup. Walking every /proc/<pid>/fd is the
 * expensive part, so it happens only when a socket appears whose owner is not known yet.
 *
 * Without the right to read other users' fd tables (not root), owners stay unknown and the
 * reason is recorded; nothing fails.
 */
import {closeSync, openSync, readFileSync, readSync, readdirSync, readlinkSync} from 'node:fs';
import {basename, join} from 'node:path';
import type {ListeningSocket} from '../model.js';
import {containerIdFromCgroup} from '../parsers/cgroup.js';
import {parseSockets, type SocketFile, type SocketRow} from '../parsers/proc-net-sockets.js';

export interface NamespaceRef {
	/** `host`, or the id of the container that owns the namespace */
	readonly key: string;
	/** null for the host (read /proc/net/…); a pid inside the namespace otherwise */
	readonly pid: number | null;
}

interface Owner {
	readonly pid: number;
	readonly command: string;
	readonly containerId: string | null;
	readonly proxyTo: {readonly ip: string; readonly port: number} | null;
}

const FILES: readonly SocketFile[] = ['tcp', 'tcp6', 'udp', 'udp6'];
/** A socket whose owner could not be found is looked for again after this long, not at every change. */
const UNKNOWN_RETRY_MS = 10_000;
const CHUNK = 16 * 1024;

function readOrNull(path: string): string | null {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return null;
	}
}

/**
 * The listening part of a TCP socket table. The kernel lists listening sockets before the
 * established ones, and writes the file as it is read, so reading stops at the first line that
 * is not LISTEN: a busy server's thousands of connections are never even generated.
 */
function readTcpListeners(path: string): string | null {
	let fd: number;
	try {
		fd = openSync(path, 'r');
	} catch {
		return null;
	}
	try {
		const buffer = Buffer.alloc(CHUNK);
		let text = '';
		for (;;) {
			const n = readSync(fd, buffer, 0, CHUNK, null);
			if (n === 0) return text;
			text += buffer.toString('latin1', 0, n);
			// past the header, a complete line whose state (the 4th field) is not 0A ends the listeners
			const lines = text.split('\n');
			for (let i = 1; i < lines.length - 1; i++) {
				const state = lines[i]!.trim().split(/\s+/, 4)[3];
				if (state !== undefined && state !== '0A') return lines.slice(0, i).join('\n');
			}
		}
	} catch {
		return null;
	} finally {
		closeSync(fd);
	}
}

/** argv from /proc/<pid>/cmdline, NUL-separated. */
export function parseCmdline(raw: string): string[] {
	return raw.split('\0').filter((part, i, all) => part !== '' || i < all.length - 1);
}

/** docker-proxy -proto tcp -host-ip 127.0.0.1 -host-port 18472 -container-ip 172.17.0.3 -container-port 80 */
export function dockerProxyTarget(argv: readonly string[]): {ip: string; port: number} | null {
	if (!argv[0] || basename(argv[0]) !== 'docker-proxy') return null;
	const value = (flag: string): string | undefined => {
		const i = argv.indexOf(flag);
		return i >= 0 ? argv[i + 1] : undefined;
	};
	const ip = value('-container-ip');
	const port = Number(value('-container-port'));
	return ip && Number.isInteger(port) ? {ip, port} : null;
}

/** A command line for display: the program's base name and its arguments. */
export function displayCommand(argv: readonly string[], comm: string | null): string {
	if (argv.length === 0) return comm ?? '?';
	return [basename(argv[0]!), ...argv.slice(1)].join(' ');
}

export class SocketCollector {
	/** The last full list, changed or not. */
	current: readonly ListeningSocket[] = [];
	private owners = new Map<number, Owner>();
	/** Sockets whose owner was not found: why, and when it was last looked for. */
	private unknown = new Map<number, {reason: string; at: number}>();
	private lastKey = '';
	private walks = 0;

	constructor(private readonly proc = '/proc') {}

	/** How many times /proc/*\/fd was walked (for tests and the benchmark). */
	get fdWalks(): number {
		return this.walks;
	}

	/** Read every namespace's listening sockets; null when nothing changed since the last call. */
	sample(namespaces: readonly NamespaceRef[]): readonly ListeningSocket[] | null {
		const found: {ns: string; row: SocketRow}[] = [];
		for (const ns of namespaces) {
			const dir = ns.pid === null ? join(this.proc, 'net') : join(this.proc, String(ns.pid), 'net');
			for (const file of FILES) {
				const text = file.startsWith('tcp') ? readTcpListeners(join(dir, file)) : readOrNull(join(dir, file));
				if (text === null) continue;
				for (const row of parseSockets(text, file, {listeningOnly: true})) found.push({ns: ns.key, row});
			}
		}
		const key = found.map(f => `${f.ns}/${f.row.inode}`).sort().join(',');
		if (key === this.lastKey) return null;
		this.lastKey = key;

		const inodes = new Set(found.map(f => f.row.inode));
		const now = Date.now();
		const missing = [...inodes].filter(inode => !this.owners.has(inode) && !((this.unknown.get(inode)?.at ?? -Infinity) > now - UNKNOWN_RETRY_MS));
		if (missing.length > 0) this.trace(new Set(missing));
		// forget owners of sockets that are gone
		for (const inode of this.owners.keys()) if (!inodes.has(inode)) this.owners.delete(inode);
		for (const inode of this.unknown.keys()) if (!inodes.has(inode)) this.unknown.delete(inode);

		this.current = found.map(({ns, row}): ListeningSocket => {
			const owner = this.owners.get(row.inode);
			return {
				proto: row.proto,
				family: row.family,
				address: row.localAddress,
				port: row.localPort,
				inode: row.inode,
				netns: ns,
				pid: owner?.pid ?? null,
				command: owner?.command ?? null,
				containerId: owner?.containerId ?? null,
				proxyTo: owner?.proxyTo ?? null,
				ownerUnknown: owner ? null : (this.unknown.get(row.inode)?.reason ?? 'process not found'),
			};
		});
		return this.current;
	}

	/** Walk /proc/<pid>/fd until every wanted inode is found. */
	private trace(wanted: Set<number>): void {
		this.walks += 1;
		let denied = false;
		let pids: string[];
		try {
			pids = readdirSync(this.proc).filter(name => /^\d+$/.test(name));
		} catch {
			pids = [];
		}
		for (const pid of pids) {
			if (wanted.size === 0) break;
			const fdDir = join(this.proc, pid, 'fd');
			let fds: string[];
			try {
				fds = readdirSync(fdDir);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'EACCES') denied = true;
				continue;
			}
			for (const fd of fds) {
				let link: string;
				try {
					link = readlinkSync(join(fdDir, fd));
				} catch {
					continue;
				}
				if (!link.startsWith('socket:[')) continue;
				const inode = Number(link.slice(8, -1));
				if (!wanted.has(inode)) continue;
				wanted.delete(inode);
				const owner = this.describe(Number(pid));
				if (owner) this.owners.set(inode, owner);
			}
		}
		const reason = denied ? 'needs root' : 'process not found';
		const at = Date.now();
		for (const inode of wanted) this.unknown.set(inode, {reason, at});
	}

	private describe(pid: number): Owner | null {
		const cmdline = readOrNull(join(this.proc, String(pid), 'cmdline'));
		if (cmdline === null) return null;
		const argv = parseCmdline(cmdline);
		const comm = readOrNull(join(this.proc, String(pid), 'comm'))?.trim() ?? null;
		const cgroup = readOrNull(join(this.proc, String(pid), 'cgroup'));
		return {
			pid,
			command: displayCommand(argv, comm),
			containerId: cgroup === null ? null : containerIdFromCgroup(cgroup),
			proxyTo: dockerProxyTarget(argv),
		};
	}
}
