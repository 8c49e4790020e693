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

/** The key of the host's network namespace; a container's namespace is keyed by the id of the container that owns it. */
export const HOST_NS = 'host';

/**
 * Whose network namespace a container's processes live in: the host's (`--net=host`), the
 * container's whose namespace it shares (`--net=container:…`, which Docker stores as the full
 * id), or its own. Every "which namespace" in netwatch is answered here.
 */
export function namespaceOwner(c: Pick<ContainerInfo, 'id' | 'rawNetworkMode'>): string {
	if (c.rawNetworkMode === 'host') return HOST_NS;
	if (c.rawNetworkMode.startsWith('container:')) return c.rawNetworkMode.slice('container:'.length);
	return c.id;
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
	/** Names it answers to on this network besides its own (Compose service names, `--network-alias`). */
	readonly aliases: readonly string[];
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
	/** Ports it was asked to publish (HostConfig.PortBindings); hostPort 0 asks for any free one. */
	readonly requestedPorts: readonly PortBinding[];
	/** Config.User: who its processes run as (`''` is root). */
	readonly user: string;
	readonly exposedPorts: readonly {readonly port: number; readonly proto: SocketProto}[];
	/** Entrypoint followed by Cmd. */
	readonly command: readonly string[];
	readonly tty: boolean;
	readonly labels: Readonly<Record<string, string>>;
	/** What Docker Compose said of it in its labels; null for a container Compose did not make. */
	readonly compose: ComposeInfo | null;
	/** State.Health: null for a container without a health check. */
	readonly health: HealthInfo | null;
}

/** What Docker's health check said last (State.Health). */
export interface HealthInfo {
	readonly status: 'starting' | 'healthy' | 'unhealthy';
	/** Probes failed in a row. */
	readonly failingStreak: number;
	/** The last probe's output: sanitised, on one line, cut to HEALTH_OUTPUT_MAX characters. */
	readonly lastOutput: string;
	readonly lastExitCode: number | null;
	/** When the last probe ended (ISO 8601), or null before the first. */
	readonly lastCheckAt: string | null;
}

/** The `com.docker.compose.*` labels that Compose (v1 and v2 alike) puts on its containers. */
export interface ComposeInfo {
	readonly project: string;
	readonly service: string;
	/** `.container-number`: the replica's number within its service; null when absent. */
	readonly number: number | null;
	/** `.oneoff`: made by `compose run`, not by `up`. */
	readonly oneoff: boolean;
	/** `.config-hash`: changes when the service's configuration does (a rollout replaces it). */
	readonly configHash: string | null;
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

/** A port a Swarm service publishes: through the routing mesh (`ingress`), or on the node itself (`host`). */
export interface SwarmPort {
	readonly published: number;
	readonly target: number;
	readonly proto: SocketProto;
	readonly mode: 'ingress' | 'host';
}

/** A Swarm service's rolling update, as the manager tells it (UpdateStatus). */
export interface SwarmUpdate {
	/** `updating`, `paused`, `completed`, `rollback_started`, `rollback_paused`, `rollback_completed` */
	readonly state: string;
	readonly startedAt: string | null;
	readonly completedAt: string | null;
	readonly message: string;
}

/** A Swarm service (GET /services?status=true), normalised. */
export interface SwarmService {
	readonly id: string;
	readonly name: string;
	/** `com.docker.stack.namespace`: the stack that deployed it, or null. */
	readonly stack: string | null;
	/** `replicated`, `global`, or the mode a later Engine named (`replicated-job`, ...). */
	readonly mode: string;
	/** Replicas asked for; null for a global service (one per node). */
	readonly replicas: number | null;
	/** ServiceStatus: tasks running and desired, as the manager counts them; null when it does not say. */
	readonly running: number | null;
	readonly desired: number | null;
	/** The image, without its digest. */
	readonly image: string;
	/** The image before the last update (PreviousSpec), or null. */
	readonly previousImage: string | null;
	readonly ports: readonly SwarmPort[];
	readonly update: SwarmUpdate | null;
	readonly labels: Readonly<Record<string, string>>;
	readonly createdAt: string | null;
	readonly updatedAt: string | null;
}

/** A Swarm task (GET /tasks): one replica's attempt to run, on a node. */
export interface SwarmTask {
	readonly id: string;
	readonly serviceId: string;
	/** A replicated service's replica number; null for a global service's task. */
	readonly slot: number | null;
	readonly nodeId: string;
	/** `new`, `pending`, `assigned`, `accepted`, `preparing`, `starting`, `running`, `complete`, `failed`, `shutdown`, `rejected`, `orphaned`, `remove` */
	readonly state: string;
	readonly desiredState: string;
	/** Status.Message: what the manager last did with it (`started`, `starting`, ...). */
	readonly message: string;
	/** Status.Err, sanitised: why it failed, was rejected or waits; '' when none. */
	readonly error: string;
	readonly containerId: string | null;
	readonly exitCode: number | null;
	readonly image: string;
	readonly createdAt: string | null;
	/** Status.Timestamp: when it reached its state. */
	readonly stateAt: string | null;
}

/** A Swarm node (GET /nodes). */
export interface SwarmNode {
	readonly id: string;
	readonly hostname: string;
	readonly role: string;
	/** `active`, `pause`, `drain` */
	readonly availability: string;
	/** `ready`, `down`, `unknown`, `disconnected` */
	readonly state: string;
	readonly address: string;
	readonly leader: boolean;
	readonly engineVersion: string;
}

/** What a swarm manager says of its cluster: null when the engine is not a manager. */
export interface SwarmState {
	/** The node this engine is. */
	readonly nodeId: string;
	readonly services: readonly SwarmService[];
	readonly tasks: readonly SwarmTask[];
	readonly nodes: readonly SwarmNode[];
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
	/**
	 * An ssh:// engine seen through netwatch on its host (`netwatch --agent`, over the same ssh):
	 * that netwatch's version. null or absent: the view comes from the engine API.
	 */
	readonly agent?: string | null;
	/** Why the view of an ssh:// engine comes from the engine API: netwatch not on the host, or a version that does not fit. */
	readonly agentNote?: string | null;
}

// Diagnoses: what the rules in src/diagnoses find, and the alerts the store keeps of them. Every
// kind has the same shape, so that the banner, the event log, --json, --once, recordings and
// replay show them all alike.

export type DiagnosisKind =
	/** A bind failed: the port is taken (by the holder, when it can be found). */
	| 'EADDRINUSE'
	/** A bind failed: the port is privileged and the process is not. */
	| 'EACCES'
	/** A bind failed: the address is not one that the container's namespace has. */
	| 'EADDRNOTAVAIL'
	/** A published port with nothing listening behind it, after the grace period. */
	| 'published-no-listener'
	/** A published port whose server listens only on loopback inside its namespace. */
	| 'loopback-only'
	/** A host-network container created with port bindings, which Docker ignores. */
	| 'host-ports-discarded'
	/** A container on the default bridge cannot look up another container by name. */
	| 'dns-default-bridge'
	/** Two containers on user-defined networks that they do not share: no name lookup between them. */
	| 'dns-other-network'
	/** A listener's accept queue overflowed: the kernel dropped connection attempts. */
	| 'listen-overflow'
	/** Its health check fails (State.Health says unhealthy). */
	| 'unhealthy'
	/** A Swarm task failed or was rejected, for a reason other than a bind (those keep their bind kind). */
	| 'task-failed'
	/** A Swarm task waits with an error: the scheduler finds no node for it (a host-mode port in use, a constraint). */
	| 'task-unplaceable';

export type Severity = 'error' | 'warning' | 'info';

/** Who holds the port the victim wanted. */
export interface AlertHolder {
	/** Another container (by cgroup), or the container whose published port docker-proxy holds. */
	readonly containerId: string | null;
	readonly containerName: string | null;
	readonly pid: number | null;
	/** The holding process, e.g. `httpd -f -p 8080 -h /www`. */
	readonly command: string | null;
	readonly via: 'container' | 'process' | 'docker-proxy' | 'published-port';
}

/**
 * How it was seen: the container exited; it keeps failing while it runs (its log, followed);
 * Docker failed to start it; a standing condition of its state (its ports, sockets and TCP
 * counters); its health check; or a swarm manager's word on a task.
 */
export type FindingSource = 'exit' | 'running' | 'docker-start' | 'state' | 'health' | 'task';

/** What a rule finds. The store turns findings into alerts: counted, kept, resolved. */
export interface Finding {
	/** Stable per container, kind and subject (a port, a name): a repeat updates one alert. */
	readonly id: string;
	readonly kind: DiagnosisKind;
	readonly severity: Severity;
	readonly containerId: string;
	readonly containerName: string;
	/** The container's network mode, as the dashboard says it (`host`, `bridge`, ...). */
	readonly networkMode: string;
	/** One line: what is wrong and why. */
	readonly message: string;
	/** What to do about it. */
	readonly hint: string;
	/** The log line, the inspect field or the socket that shows it, as Docker or the container gave it. */
	readonly evidence: string;
	readonly evidenceFrom: 'log' | 'inspect' | 'socket' | 'task';
	readonly port: number | null;
	readonly proto: SocketProto;
	/** Where the port came from: the error message, the command line, the image, Docker's port map, a socket table, or nowhere. */
	readonly portSource: 'message' | 'command' | 'image' | 'docker' | 'socket' | 'unknown';
	readonly holder: AlertHolder | null;
	/** Why there is no holder: `needs root`, `nothing listens on it now`, ... */
	readonly holderUnknown: string | null;
	/** The name that could not be looked up (the DNS diagnoses). */
	readonly lookup: string | null;
	readonly source: FindingSource;
	readonly exitCode: number | null;
	/**
	 * Which failure this is, so that one failure seen two ways (the followed log, then the exit)
	 * counts once: `run:<StartedAt>` for a run, `run:<StartedAt>|<line time>` for one failure
	 * within a run. null for a standing condition, which counts once while it lasts.
	 */
	readonly occurrence: string | null;
	/** ms since the epoch */
	readonly detectedAt: number;
	/** The die event's timeNano, when it comes from one; for latency measurements. */
	readonly eventTimeNano: string | null;
}

export interface Alert extends Finding {
	/** How many times it was seen (a restart loop counts up instead of raising new alerts). */
	readonly count: number;
	readonly firstSeenAt: number;
	/** The occurrences counted, newest last (a few). */
	readonly occurrences: readonly string[];
	/** The condition ended: the victim now listens on its port, or is gone, or ... */
	readonly resolved: boolean;
	readonly resolvedAt: number | null;
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = {error: 0, warning: 1, info: 2};

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
	/**
	 * TIME_WAIT sockets between the same two addresses and the same server port, folded into one
	 * (a busy HTTP server keeps thousands): how many. The client's port, which differs from one
	 * to the next, is then 0, and timerMs is the latest one's. Absent: one socket.
	 */
	readonly count?: number;
}

/** Where Linux starts ephemeral ports by default (net.ipv4.ip_local_port_range). */
const EPHEMERAL_FROM = 32768;

/**
 * Whether the end whose ports these are is the server's, when its namespace's listeners do not
 * say: its port is the lower and below the ephemeral range.
 */
function looksLikeServer(localPort: number, remotePort: number): boolean {
	return localPort < remotePort && localPort < EPHEMERAL_FROM;
}

/**
 * Whether a connection's end is the server's: its local port listens (`listens`), or else its
 * ports look like it. A folded TIME_WAIT end says by the port that is 0: the client's.
 */
export function isServerEnd(c: Pick<Connection, 'localPort' | 'remotePort' | 'count'>, listens: boolean): boolean {
	return c.count !== undefined ? c.remotePort === 0 : listens || looksLikeServer(c.localPort, c.remotePort);
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

/** A new container of a rollout, and how long it took to get there from the rollout's start. */
export interface RolloutContainer {
	readonly id: string;
	readonly name: string;
	readonly image: string;
	/** ms after the rollout began; null until it happened. */
	readonly runningAfterMs: number | null;
	readonly healthyAfterMs: number | null;
	readonly listeningAfterMs: number | null;
}

/**
 * A Compose service whose containers are replaced by ones of another configuration (`compose
 * up` with a changed image, environment, ...), or that gains replicas (`--scale`): followed from
 * the first new container until every old one is gone and every new one runs, is healthy (if it
 * has a check) and listens on the service's ports (done), or a new one fails (failed, with the
 * reason).
 */
export interface Rollout {
	/** `<project>/<service>@<new config hash>`, and `+<first new container's short id>` for a scale */
	readonly id: string;
	readonly source: 'compose' | 'swarm';
	/** `update`: the configuration changed, old containers are replaced; `scale`: replicas are added. */
	readonly kind: 'update' | 'scale';
	readonly project: string;
	readonly service: string;
	/** ms since the epoch: the first new container's creation. */
	readonly startedAt: number;
	readonly old: {readonly configHash: string | null; readonly images: readonly string[]; readonly containers: readonly {readonly id: string; readonly name: string}[]};
	readonly configHash: string | null;
	readonly containers: readonly RolloutContainer[];
	/** The ports the old containers listened on (`80/tcp`): the new ones must too. */
	readonly ports: readonly string[];
	readonly outcome: 'in-progress' | 'done' | 'failed';
	/** Why it failed: `web_1 exited with code 3`, `web_1 is unhealthy: …`, `web_1 could not start: …`. */
	readonly reason: string | null;
	/** The diagnosis that explains the failure, if one was raised. */
	readonly alertId: string | null;
	readonly endedAt: number | null;
}
