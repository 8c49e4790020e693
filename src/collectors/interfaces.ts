/**
 * Interface counters and metadata of one network namespace.
 *
 * Counters: one read of `net/dev` per tick (the host's /proc/net/dev, or /proc/<pid>/net/dev
 * for a container), kept open between ticks (OpenProcFile). Metadata (ifindex, iflink,
 * operstate, mtu, MAC, speed, master, kind, addresses) comes from sysfs and is read again only when the set of interface names changes,
 * and once more a few samples later: a veth that Docker has just made is often not yet up, nor
 * on its bridge, when it first shows in net/dev.
 *
 * A container's sysfs is reached through /proc/<pid>/root/sys/class/net, which needs root.
 * Without it, /proc/<pid>/net/igmp (world-readable) still gives each interface's ifindex, which
 * is enough to find the host veth whose iflink points at it.
 */
import {readdirSync, readlinkSync} from 'node:fs';
import {networkInterfaces} from 'node:os';
import {basename, join} from 'node:path';
import {unknownMeta, type InterfaceKind, type InterfaceMeta, type NetDevRow} from '../model.js';
import {parseNetDev} from '../parsers/proc-net-dev.js';
import {OpenProcFile, readProcFileOrNull} from './procfs.js';

export interface NamespacePaths {
	/** `/proc/net/dev` or `/proc/<pid>/net/dev` */
	readonly netDev: string;
	/** `/sys/class/net` or `/proc/<pid>/root/sys/class/net` */
	readonly sysClassNet: string;
	/** `/proc/<pid>/net/igmp`, the unprivileged fallback for ifindex */
	readonly igmp?: string;
	/** Addresses of the namespace, when known without entering it (the host: os.networkInterfaces). */
	readonly addresses?: () => Record<string, string[]>;
}

export interface NamespaceRead {
	/** The same array as the read before when net/dev did not change. */
	readonly rows: readonly NetDevRow[];
	/** Fresh metadata when the set of names changed since the last read, else null. */
	readonly meta: Record<string, InterfaceMeta> | null;
}

function readText(path: string): string | null {
	return readProcFileOrNull(path)?.trim() ?? null;
}

function readInt(path: string): number | null {
	const text = readText(path);
	if (text === null || text === '') return null;
	const n = Number(text);
	return Number.isInteger(n) ? n : null;
}

function readLinkName(path: string): string | null {
	try {
		return basename(readlinkSync(path));
	} catch {
		return null;
	}
}

function exists(path: string): boolean {
	try {
		readdirSync(path);
		return true;
	} catch {
		return false;
	}
}

const ARPHRD_LOOPBACK = 772;
const ARPHRD_NONE = 65534;

function classify(dir: string, type: number | null, ifindex: number | null, iflink: number | null): InterfaceKind {
	if (type === ARPHRD_LOOPBACK) return 'loopback';
	if (type === ARPHRD_NONE || readText(join(dir, 'tun_flags')) !== null) return 'tun';
	const uevent = readText(join(dir, 'uevent')) ?? '';
	const devtype = /^DEVTYPE=(\S+)/m.exec(uevent)?.[1];
	if (devtype === 'bridge' || exists(join(dir, 'bridge'))) return 'bridge';
	if (devtype === 'vxlan') return 'vxlan';
	// a physical NIC has a `device` link; a virtual ethernet pointing elsewhere is a veth (the
	// container side of a macvlan looks the same, and the snapshot corrects it from the driver)
	if (iflink !== null && ifindex !== null && iflink !== ifindex && readLinkName(join(dir, 'device')) === null) return 'veth';
	if (type === 1) return 'ether';
	return 'other';
}

/** sysfs metadata of one interface. Every file is optional: speed answers EINVAL on lo and down links. */
export function readInterfaceMeta(sysClassNet: string, name: string, addresses: readonly string[]): InterfaceMeta {
	const dir = join(sysClassNet, name);
	const ifindex = readInt(join(dir, 'ifindex'));
	const iflink = readInt(join(dir, 'iflink'));
	const type = readInt(join(dir, 'type'));
	const speed = readInt(join(dir, 'speed'));
	return {
		ifindex,
		iflink,
		operstate: readText(join(dir, 'operstate')) ?? 'unknown',
		mtu: readInt(join(dir, 'mtu')),
		mac: readText(join(dir, 'address')),
		speed: speed !== null && speed > 0 ? speed : null,
		master: readLinkName(join(dir, 'master')),
		kind: classify(dir, type, ifindex, iflink),
		addresses,
	};
}

/** `/proc/<pid>/net/igmp`: "Idx\tDevice : Count ..." lines -> name -> ifindex */
export function parseIgmpIndexes(text: string): Map<string, number> {
	const out = new Map<string, number>();
	for (const line of text.split('\n')) {
		const match = /^(\d+)\s+(\S+)\s*:/.exec(line);
		if (match) out.set(match[2]!, Number(match[1]));
	}
	return out;
}

/** Host addresses without spawning anything: getifaddrs(3) through Node. */
export function hostAddresses(): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const [name, list] of Object.entries(networkInterfaces())) {
		out[name] = (list ?? []).map(a => a.cidr ?? a.address);
	}
	return out;
}

/** Samples after a change of the interface set when its metadata is read once more. */
const SETTLE_SAMPLES = 2;

export class NamespaceInterfaces {
	private names = '';
	private settle = 0;
	private readonly netDev: OpenProcFile;
	/** The last net/dev read, its rows and their names: the same text again (a quiet namespace) is not parsed again. */
	private last: {text: string; rows: readonly NetDevRow[]; names: string} = {text: '', rows: [], names: ''};

	constructor(private readonly paths: NamespacePaths) {
		this.netDev = new OpenProcFile(paths.netDev);
	}

	/** One sample. Throws if net/dev cannot be opened (the process is gone): the caller drops the namespace. */
	read(): NamespaceRead {
		const text = this.netDev.read();
		if (text !== this.last.text) {
			const parsed = parseNetDev(text);
			this.last = {text, rows: parsed, names: parsed.map(r => r.name).join('\n')};
		}
		const {rows, names} = this.last;
		if (names !== this.names) {
			this.names = names;
			this.settle = SETTLE_SAMPLES;
			return {rows, meta: this.readMeta(rows.map(r => r.name))};
		}
		if (this.settle > 0 && --this.settle === 0) return {rows, meta: this.readMeta(rows.map(r => r.name))};
		return {rows, meta: null};
	}

	private readMeta(names: readonly string[]): Record<string, InterfaceMeta> {
		const addresses = this.paths.addresses?.() ?? {};
		const meta: Record<string, InterfaceMeta> = {};
		const readable = readInt(join(this.paths.sysClassNet, names[0] ?? 'lo', 'ifindex')) !== null;
		if (readable) {
			for (const name of names) meta[name] = readInterfaceMeta(this.paths.sysClassNet, name, addresses[name] ?? []);
			return meta;
		}
		const indexes = this.paths.igmp ? parseIgmpIndexes(readText(this.paths.igmp) ?? '') : new Map<string, number>();
		for (const name of names) {
			meta[name] = unknownMeta({
				ifindex: indexes.get(name) ?? null,
				kind: name === 'lo' ? 'loopback' : 'other',
				addresses: addresses[name] ?? [],
			});
		}
		return meta;
	}

	/** Let go of the namespace: the open net/dev holds it. */
	close(): void {
		this.netDev.close();
	}
}

export function hostNamespace(proc = '/proc', sys = '/sys'): NamespaceInterfaces {
	return new NamespaceInterfaces({netDev: join(proc, 'net/dev'), sysClassNet: join(sys, 'class/net'), addresses: hostAddresses});
}

/** A container's namespace, through one of its processes. Its addresses come from Docker (matched by MAC). */
export function containerNamespace(pid: number, proc = '/proc'): NamespaceInterfaces {
	return new NamespaceInterfaces({
		netDev: join(proc, String(pid), 'net/dev'),
		sysClassNet: join(proc, String(pid), 'root/sys/class/net'),
		igmp: join(proc, String(pid), 'net/igmp'),
	});
}
