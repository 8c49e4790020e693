/**
 * The domain model: what the collectors read and the store keeps. Plain readonly data, so
 * that a snapshot can be recorded, replayed and rendered by pure functions.
 */
export type {Counters, NetDevRow} from './parsers/proc-net-dev.js';

/** What /sys/class/net/<if>/ says about an interface; read only when the set of names changes. */
export interface InterfaceMeta {
	readonly ifindex: number | null;
	/** The peer's (veth) or parent's (macvlan) ifindex; equals ifindex for NICs, bridges and lo. */
	readonly iflink: number | null;
	/** `up`, `down`, `unknown` (lo), `lowerlayerdown`, `dormant` */
	readonly operstate: string;
	readonly mtu: number | null;
	readonly mac: string | null;
	/** Mb/s; null where the kernel has none (lo, down links, virtio) */
	readonly speed: number | null;
	/** The bridge this interface is enslaved to (`docker0`, `br-…`). */
	readonly master: string | null;
	readonly kind: InterfaceKind;
	readonly addresses: readonly string[];
}

/** Metadata where nothing could be read, with what is known filled in. */
export function unknownMeta(known: Partial<InterfaceMeta> = {}): InterfaceMeta {
	return {ifindex: null, iflink: null, operstate: 'unknown', mtu: null, mac: null, speed: null, master: null, kind: 'other', addresses: [], ...known};
}

export type InterfaceKind = 'loopback' | 'veth' | 'bridge' | 'macvlan' | 'ipvlan' | 'vxlan' | 'tun' | 'ether' | 'other';

export type SocketProto = 'tcp' | 'udp';

export interface ListeningSocket {
	readonly proto: SocketProto;
	readonly family: 4 | 6;
	readonly address: string;
	readonly port: number;
	readonly inode: number;
	/** The network namespace it lives in: `host`, or the id of the container that owns it. */
	readonly netns: string;
	readonly pid: number | null;
	readonly command: string | null;
	/** The container whose process holds it (by cgroup), if any. */
	readonly containerId: string | null;
	/** For docker-proxy: where it forwards to (`-container-ip`, `-container-port`). */
	readonly proxyTo: {readonly ip: string; readonly port: number} | null;
	/** Why pid is null: `needs root`, `process gone`, ... */
	readonly ownerUnknown: string | null;
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerNetwork {
	readonly name: string;
	readonly id: string;
	readonly ipAddress: string;
	readonly prefixLen: number;
	readonly macAddress: string;
}

export interface PortBinding {
	readonly hostIp: string;
	readonly hostPort: number;
	readonly containerPort: number;
	readonly proto: SocketProto;
}

/** A container as Docker describes it (GET /containers/{id}/json), normalised. */
export interface ContainerInfo {
	readonly id: string;
	readonly name: string;
	readonly image: string;
	readonly state: ContainerState;
	readonly exitCode: number | null;
	readonly oomKilled: boolean;
	/** State.Error: why the last start failed ("port is already allocated", ...), or ''. */
	readonly error: string;
	readonly restartCount: number;
	readonly startedAt: string | null;
	readonly finishedAt: string | null;
	readonly pid: number | null;
	/** HostConfig.NetworkMode as given: `default`, `bridge`, `host`, `none`, `container:<id>`, or a network name. */
	readonly rawNetworkMode: string;
	readonly networks: readonly ContainerNetwork[];
	/** Ports Docker really published (NetworkSettings.Ports). */
	readonly ports: readonly PortBinding[];
	readonly exposedPorts: readonly {readonly port: number; readonly proto: SocketProto}[];
	/** Entrypoint followed by Cmd. */
	readonly command: readonly string[];
	readonly tty: boolean;
	readonly labels: Readonly<Record<string, string>>;
}

export interface NetworkInfo {
	readonly id: string;
	readonly name: string;
	/** bridge, host, null, macvlan, ipvlan, overlay, ... */
	readonly driver: string;
	/** macvlan / ipvlan: the host interface it sits on. */
	readonly parent: string | null;
	/** The Linux bridge of a bridge network: docker0, br-<12 hex>. */
	readonly bridge: string | null;
}

/** Where the store's container interface data came from. */
export type InterfaceSource = 'proc' | 'stats-api';

/** The Docker side of the world, as last heard. */
export interface DockerStatus {
	/** `unix:///var/run/docker.sock`, `tcp://…`, `ssh://…` */
	readonly endpoint: string;
	/**
	 * The docker CLI context that named the endpoint (`docker context use rootless`); null for
	 * the default one. Recordings made before contexts were read do not have it.
	 */
	readonly context?: string | null;
	readonly version: string | null;
	readonly apiVersion: string | null;
	/** null when connected; otherwise one line with a hint. */
	readonly error: string | null;
	readonly state: 'connecting' | 'connected' | 'reconnecting' | 'unavailable';
	/** The endpoint is a local unix socket. Whether /proc is the daemon's is decided per container. */
	readonly local: boolean;
	/** Lines of the events stream that did not parse, skipped and counted. */
	readonly badEventLines: number;
}

/** One end of a TCP connection, or a connected UDP socket, as its namespace's table shows it. */
export interface Connection {
	readonly proto: SocketProto;
	readonly family: 4 | 6;
	/** IPv4 peers of dual-stack sockets are written as IPv4. */
	readonly local: string;
	readonly localPort: number;
	readonly remote: string;
	readonly remotePort: number;
	/** `established`, `syn-sent`, `time-wait`, `close-wait`, ... (a connected UDP socket: `established`) */
	readonly state: string;
	readonly txQueue: number;
	readonly rxQueue: number;
	readonly timer: 'retransmit' | 'keepalive' | 'time-wait' | 'probe' | null;
	/** When the timer fires, ms from the read; null without a timer. */
	readonly timerMs: number | null;
	readonly retransmits: number;
	/** 0 for TIME_WAIT, which no process holds. */
	readonly inode: number;
}

/** A process that holds sockets. */
export interface ProcessRef {
	readonly pid: number;
	readonly command: string;
	/** The container it runs in, by its cgroup. */
	readonly containerId: string | null;
}

/** A connection that Docker's DNAT rewrote, from /proc/net/nf_conntrack. */
export interface NatConnection {
	readonly proto: SocketProto;
	/** What the client connected to (a published port) and from where. */
	readonly client: string;
	readonly clientPort: number;
	readonly published: string;
	readonly publishedPort: number;
	/** Where it really went: the container's address and port. */
	readonly target: string;
	readonly targetPort: number;
}

/** A namespace's TCP trouble counters (/proc/net/snmp and netstat), and what they did lately. */
export interface TcpStats {
	readonly retransSegs: number;
	readonly outRsts: number;
	readonly estabResets: number;
	readonly listenOverflows: number;
	readonly listenDrops: number;
	/** Per second since the reading before; null on the first reading. */
	readonly retransRate: number | null;
	readonly resetRate: number | null;
	/** The last time ListenOverflows went up while netwatch watched, with the evidence; null if never. */
	readonly overflow: ListenOverflow | null;
}

export interface ListenOverflow {
	/** ms since the epoch */
	readonly at: number;
	/** How much ListenOverflows and ListenDrops went up between two readings. */
	readonly overflows: number;
	readonly drops: number;
	/** The listeners whose accept queue was not empty then (LISTEN rx_queue). */
	readonly queues: readonly {readonly address: string; readonly port: number; readonly queue: number}[];
}
