/**
 * The sampler: once per interval, read the host's counters, every container namespace's
 * counters and the listening sockets, and dispatch them to the store as one tick.
 *
 * Reads are synchronous (procfs.ts): each is a small /proc file, and a handful of synchronous
 * reads costs less CPU than the same reads through the thread pool. Namespace identities are read once per
 * container process; interface metadata once per change of the interface set; the fd walk that
 * maps sockets to processes only when a new socket appears.
 */
import {readlinkSync} from 'node:fs';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {HOST_NS, namespaceOwner, type ContainerInfo, type ListeningSocket, type NetDevRow} from '../model.js';
import type {Action} from '../store/actions.js';
import type {DockerApi} from '../docker/api.js';
import {ConnectionCollector, connectionNamespaces} from './connections.js';
import {containerNamespace, hostNamespace, type NamespaceInterfaces} from './interfaces.js';
import {netFiles, readProcFileOrNull, type NetFiles} from './procfs.js';
import {SocketCollector, type Fresh, type NamespaceRef} from './sockets.js';
import {StatsApiSampler} from './stats-api.js';

export interface SamplerOptions {
	readonly dispatch: (action: Action) => void;
	/** The containers, as the store keeps them. */
	readonly containers: () => Iterable<ContainerInfo>;
	/** Docker's API, for the stats of containers whose /proc is not this one's; null without Docker. */
	readonly api: DockerApi | null;
	/** Seconds between samples. */
	readonly interval: number;
	readonly proc?: string;
	readonly sys?: string;
}

interface Tracked {
	readonly pid: number;
	readonly ns: NamespaceInterfaces;
	readonly files: NetFiles;
	/** false when this /proc is not the daemon's: counters then come from the stats API */
	readonly local: boolean;
}

function readLink(path: string): string | null {
	try {
		return readlinkSync(path);
	} catch {
		return null;
	}
}

export class Sampler {
	private readonly proc: string;
	private readonly host: NamespaceInterfaces;
	private readonly hostFiles: NetFiles;
	private readonly sockets: SocketCollector;
	readonly connections: ConnectionCollector;
	private readonly tracked = new Map<string, Tracked>();
	private readonly stats: StatsApiSampler | null;
	private readonly ownNetns: string | null;
	private timer: NodeJS.Timeout | undefined;
	private next = 0;
	private running = false;
	/** The namespaces whose sockets the last tick read. */
	private socketNamespaces: NamespaceRef[];

	constructor(private readonly options: SamplerOptions) {
		this.proc = options.proc ?? '/proc';
		this.host = hostNamespace(this.proc, options.sys ?? '/sys');
		this.hostFiles = netFiles(this.proc, null);
		this.socketNamespaces = [{key: HOST_NS, pid: null, files: this.hostFiles}];
		this.sockets = new SocketCollector(this.proc);
		this.connections = new ConnectionCollector(this.proc);
		this.stats = options.api ? new StatsApiSampler(options.api) : null;
		this.ownNetns = readLink(join(this.proc, 'self/ns/net'));
	}

	/** The listening sockets as they are now: every namespace (or these) read again, not from the last tick. */
	scanSockets(only?: ReadonlySet<string>): readonly ListeningSocket[] {
		this.readSockets(only ?? true);
		return this.sockets.current;
	}

	private readSockets(fresh: Fresh = false): void {
		const sockets = this.sockets.sample(this.socketNamespaces, fresh);
		if (!sockets) return;
		this.options.dispatch({type: 'sockets', sockets});
	}

	start(): void {
		this.running = true;
		this.next = performance.now();
		this.loop();
	}

	stop(): void {
		this.running = false;
		clearTimeout(this.timer);
	}

	/** Sample now and restart the grid from here. */
	restart(): void {
		this.stop();
		this.start();
	}

	private loop(): void {
		if (!this.running) return;
		this.tick();
		// stay on the grid: a slow tick shortens the wait, a very slow one skips ahead
		const step = this.options.interval * 1000;
		this.next += step;
		const now = performance.now();
		if (this.next < now) this.next = now + step;
		this.timer = setTimeout(() => this.loop(), this.next - now);
	}

	/** One sample, dispatched as one tick. */
	tick(): void {
		const {dispatch} = this.options;
		const host = this.host.read();
		if (host.meta) dispatch({type: 'interfaces', ns: HOST_NS, meta: host.meta});

		// read twice below (namespaces, then connections): a list, not the store's one-pass iterator
		const containers = [...this.options.containers()];
		const namespaces: Record<string, readonly NetDevRow[]> = {};
		const fromStatsApi: string[] = [];
		const sampledAt: Record<string, number> = {};
		const socketNamespaces: NamespaceRef[] = [{key: HOST_NS, pid: null, files: this.hostFiles}];
		const alive = new Set<string>();
		for (const c of containers) {
			if (c.pid === null) continue;
			alive.add(c.id);
			const tracked = this.track(c, c.pid);
			// host mode and container: mode read no namespace of their own
			if (namespaceOwner(c) !== c.id) continue;
			if (!tracked.local) {
				fromStatsApi.push(c.id);
				const sample = this.stats?.sample(c.id);
				if (sample) {
					namespaces[c.id] = sample.rows;
					sampledAt[c.id] = sample.mono;
				}
				continue;
			}
			try {
				const read = tracked.ns.read();
				if (read.meta) dispatch({type: 'interfaces', ns: c.id, meta: read.meta});
				namespaces[c.id] = read.rows;
				socketNamespaces.push({key: c.id, pid: c.pid, files: tracked.files});
			} catch {
				// the process exited between list and the first read: the namespace is simply gone. Once
				// open, net/dev stays readable after the process exits (the open file holds the namespace)
				// until Docker says the container stopped: it is closed then (untrack). Past the budget of
				// kept-open files (procfs.ts) nothing holds it, and it goes when its process does
				this.untrack(c.id);
			}
		}
		for (const id of this.tracked.keys()) if (!alive.has(id)) this.untrack(id);
		if (fromStatsApi.length > 0) this.stats?.request(fromStatsApi);

		this.socketNamespaces = socketNamespaces;
		this.readSockets();
		const connections = this.connections.sample(connectionNamespaces(socketNamespaces, containers, {...namespaces, [HOST_NS]: host.rows}, this.sockets.current));
		if (connections) dispatch(connections);
		dispatch({
			type: 'tick',
			at: Date.now(),
			mono: performance.now(),
			host: host.rows,
			namespaces,
			...(fromStatsApi.length > 0 ? {fromStatsApi, sampledAt} : {}),
		});
	}

	private untrack(id: string): void {
		this.close(this.tracked.get(id));
		this.tracked.delete(id);
	}

	/** Let go of a process's namespace: its open files hold it. */
	private close(tracked: Tracked | undefined): void {
		tracked?.ns.close();
		tracked?.files.close();
	}

	/** Start following a container process: read its namespace identity once. */
	private track(c: ContainerInfo, pid: number): Tracked {
		const existing = this.tracked.get(c.id);
		if (existing && existing.pid === pid) return existing;
		this.close(existing);
		const cgroup = readProcFileOrNull(join(this.proc, String(pid), 'cgroup')) ?? '';
		// the same pid on this machine belongs to that container only if /proc is the daemon's
		const local = cgroup.includes(c.id);
		const netns = local ? readLink(join(this.proc, String(pid), 'ns/net')) : null;
		this.options.dispatch({
			type: 'namespace',
			containerId: c.id,
			netns,
			sharesHostNetns: netns !== null && this.ownNetns !== null ? netns === this.ownNetns : null,
		});
		const tracked: Tracked = {pid, ns: containerNamespace(pid, this.proc), files: netFiles(this.proc, pid), local};
		this.tracked.set(c.id, tracked);
		return tracked;
	}
}
