/**
 * Who holds a socket: its inode is a `socket:[inode]` link in some /proc/<pid>/fd, the process
 * has a command line, and its cgroup names its container. Walking every /proc/<pid>/fd is the
 * expensive part: callers do it only for inodes they have not traced yet.
 */
import {readdirSync, readlinkSync} from 'node:fs';
import {basename, join} from 'node:path';
import {containerIdFromCgroup} from '../parsers/cgroup.js';
import {readProcFileOrNull} from './procfs.js';

export interface Owner {
	readonly pid: number;
	readonly command: string;
	readonly containerId: string | null;
	readonly proxyTo: {readonly ip: string; readonly port: number} | null;
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

export function describeProcess(proc: string, pid: number): Owner | null {
	const cmdline = readProcFileOrNull(join(proc, String(pid), 'cmdline'));
	if (cmdline === null) return null;
	const argv = parseCmdline(cmdline);
	const comm = readProcFileOrNull(join(proc, String(pid), 'comm'))?.trim() ?? null;
	const cgroup = readProcFileOrNull(join(proc, String(pid), 'cgroup'));
	return {
		pid,
		command: displayCommand(argv, comm),
		containerId: cgroup === null ? null : containerIdFromCgroup(cgroup),
		proxyTo: dockerProxyTarget(argv),
	};
}

/**
 * Walk /proc/<pid>/fd until every wanted inode is found. What was found is removed from
 * `wanted`; `denied` says some fd tables could not be read (not root).
 */
export function findOwners(proc: string, wanted: Set<number>): {found: Map<number, Owner>; denied: boolean} {
	const found = new Map<number, Owner>();
	let denied = false;
	let pids: string[];
	try {
		pids = readdirSync(proc).filter(name => /^\d+$/.test(name));
	} catch {
		pids = [];
	}
	for (const pid of pids) {
		if (wanted.size === 0) break;
		const fdDir = join(proc, pid, 'fd');
		let fds: string[];
		try {
			fds = readdirSync(fdDir);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'EACCES') denied = true;
			continue;
		}
		let owner: Owner | null | undefined;
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
			if (owner === undefined) owner = describeProcess(proc, Number(pid));
			if (owner) found.set(inode, owner);
		}
	}
	return {found, denied};
}
