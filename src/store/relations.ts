/**
 * How the model's pieces relate: a container's network mode in plain terms, and who owns a
 * listening socket. Pure, and shared by the snapshot (what is shown) and the diagnoses
 * (what is explained), so both say the same thing. Lookups are indexed once per use.
 */
import {HOST_NS, namespaceOwner, type ContainerInfo, type ListeningSocket, type NetworkInfo} from '../model.js';

export interface ContainerRef {
	readonly id: string;
	readonly name: string;
}

export type NetworkKind = 'host' | 'bridge' | 'none' | 'container' | 'network';

export interface Mode {
	readonly kind: NetworkKind;
	/** `host`, `bridge`, `none`, `container:<name>`, or the network's name. */
	readonly mode: string;
	readonly driver: string | null;
	readonly network: NetworkInfo | null;
	/** container: mode: the id of the container whose namespace it shares. */
	readonly sharesWith: string | null;
}

export type SocketOwner = 'container' | 'docker-proxy' | 'process' | 'unknown';

/**
 * The containers by the addresses they hold now: only those that run (or are paused) hold one. A
 * container that stopped can keep its last address in what Docker says of it (when the daemon
 * itself stopped without cleaning up), and that address may be another's by now.
 */
export function containersByAddress(containers: ReadonlyMap<string, ContainerInfo>): Map<string, ContainerInfo> {
	const byIp = new Map<string, ContainerInfo>();
	for (const c of containers.values()) {
		if (c.state !== 'running' && c.state !== 'paused') continue;
		for (const n of c.networks) if (n.ipAddress) byIp.set(n.ipAddress, c);
	}
	return byIp;
}

/** Indexes over the containers and networks Docker knows. */
export class Relations {
	readonly names: ReadonlyMap<string, string>;
	private readonly idsByName: ReadonlyMap<string, string>;
	private readonly byIp: ReadonlyMap<string, ContainerInfo>;
	private readonly networksByName: ReadonlyMap<string, NetworkInfo>;

	constructor(
		readonly containers: ReadonlyMap<string, ContainerInfo>,
		readonly networks: ReadonlyMap<string, NetworkInfo>,
	) {
		this.names = new Map([...containers.values()].map(c => [c.id, c.name]));
		this.idsByName = new Map([...containers.values()].map(c => [c.name, c.id]));
		this.byIp = containersByAddress(containers);
		this.networksByName = new Map([...networks.values()].map(n => [n.name, n]));
	}

	ref(id: string): ContainerRef {
		return {id, name: this.names.get(id) ?? id.slice(0, 12)};
	}

	private network(c: ContainerInfo, name: string): NetworkInfo | null {
		const id = c.networks.find(n => n.name === name)?.id;
		return (id ? this.networks.get(id) : undefined) ?? this.networksByName.get(name) ?? null;
	}

	/** HostConfig.NetworkMode, normalised: `default` is bridge, `container:<id>` gets its name. */
	mode(c: ContainerInfo): Mode {
		const raw = c.rawNetworkMode;
		if (raw === 'host') return {kind: 'host', mode: 'host', driver: 'host', network: this.network(c, 'host'), sharesWith: null};
		if (raw === 'none') return {kind: 'none', mode: 'none', driver: 'null', network: this.network(c, 'none'), sharesWith: null};
		if (raw === 'default' || raw === 'bridge') {
			return {kind: 'bridge', mode: 'bridge', driver: 'bridge', network: this.network(c, 'bridge'), sharesWith: null};
		}
		if (raw.startsWith('container:')) {
			const ref = namespaceOwner(c);
			const id = this.names.has(ref) ? ref : (this.idsByName.get(ref) ?? ref);
			return {kind: 'container', mode: `container:${this.ref(id).name}`, driver: null, network: null, sharesWith: id};
		}
		const network = this.network(c, raw);
		return {kind: 'network', mode: raw, driver: network?.driver ?? null, network, sharesWith: null};
	}

	/** The mode as a sentence says it: `host network`, `bridge`, `container:web1`, `appnet`. */
	modeText(c: ContainerInfo): string {
		const mode = this.mode(c);
		return mode.kind === 'host' ? 'host network' : mode.mode;
	}

	/**
	 * Who holds a listening socket: docker-proxy for the container it forwards to, a container's
	 * process (by cgroup), a host process (even inside a container's namespace: dockerd's embedded
	 * DNS is one), or, when the process cannot be traced, the container whose namespace it is in.
	 */
	owner(socket: ListeningSocket): {owner: SocketOwner; container: ContainerRef | null} {
		if (socket.proxyTo) {
			const target = this.byIp.get(socket.proxyTo.ip);
			return {owner: 'docker-proxy', container: target ? this.ref(target.id) : null};
		}
		if (socket.containerId) return {owner: 'container', container: this.ref(socket.containerId)};
		if (socket.pid !== null) return {owner: 'process', container: null};
		if (socket.netns !== HOST_NS) return {owner: 'container', container: this.containers.has(socket.netns) ? this.ref(socket.netns) : null};
		return {owner: 'unknown', container: null};
	}
}
