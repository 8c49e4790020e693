/**
 * Actions: the only way data enters the store. Collectors dispatch them live; `replay` reads
 * them back from a recording and dispatches the same ones, so a replayed dashboard is built by
 * the same code as a live one. Every action is plain JSON.
 */
import type {
	Alert,
	Connection,
	ContainerInfo,
	DockerStatus,
	Finding,
	InterfaceMeta,
	ListeningSocket,
	NatConnection,
	NetDevRow,
	NetworkInfo,
	ProcessRef,
	Rollout,
	SwarmState,
	TcpStats,
} from '../model.js';
import type {DockerEvent} from '../parsers/docker-events.js';

export interface HostAction {
	readonly type: 'host';
	readonly hostname: string;
	readonly os: string | null;
	readonly interval: number;
}

/** One sample: the counters of the host and of every container namespace that was read. */
export interface TickAction {
	readonly type: 'tick';
	/** Wall clock, ms since the epoch. */
	readonly at: number;
	/** Monotonic clock, ms; rates come from this. */
	readonly mono: number;
	readonly host: readonly NetDevRow[];
	/** Keyed by the id of the container that owns the namespace. */
	readonly namespaces: Readonly<Record<string, readonly NetDevRow[]>>;
	/** Namespaces whose counters came from Docker's stats API instead of /proc. */
	readonly fromStatsApi?: readonly string[];
	/** When those counters were read (monotonic ms), where that is not `mono`. */
	readonly sampledAt?: Readonly<Record<string, number>>;
}

/** Interface metadata of one namespace, sent when its set of interfaces changes. */
export interface InterfacesAction {
	readonly type: 'interfaces';
	readonly ns: string;
	readonly meta: Readonly<Record<string, InterfaceMeta>>;
}

/** Network namespace identity of a running container, read from /proc/<pid>/ns/net. */
export interface NamespaceAction {
	readonly type: 'namespace';
	readonly containerId: string;
	/** `net:[4026532184]`, or null when it cannot be read (not root, or not local). */
	readonly netns: string | null;
	readonly sharesHostNetns: boolean | null;
}

export interface SocketsAction {
	readonly type: 'sockets';
	readonly sockets: readonly ListeningSocket[];
}

/**
 * Connections of the namespaces read this time (the others are as they were), and what else
 * was learned: owners of sockets newly traced, and the DNAT connections when conntrack was read.
 */
export interface ConnectionsAction {
	readonly type: 'connections';
	/** Keyed like the tick's namespaces (`host`, or the owning container's id); replaces what the store had. */
	readonly read: Readonly<Record<string, readonly Connection[]>>;
	/** Namespaces that are gone. */
	readonly gone: readonly string[];
	/** By inode. */
	readonly owners: Readonly<Record<string, ProcessRef>>;
	/** Read again when present; null: this kernel has no /proc/net/nf_conntrack. */
	readonly nat?: readonly NatConnection[] | null;
	/** TCP counters of the namespaces whose counters changed. */
	readonly tcp?: Readonly<Record<string, TcpStats>>;
}

/** The full container list, after connecting or reconnecting: replaces what the store had. */
export interface ContainersAction {
	readonly type: 'containers';
	readonly containers: readonly ContainerInfo[];
}

export interface ContainerAction {
	readonly type: 'container';
	readonly container: ContainerInfo;
}

export interface ContainerRemovedAction {
	readonly type: 'container-removed';
	readonly id: string;
}

export interface NetworksAction {
	readonly type: 'networks';
	readonly networks: readonly NetworkInfo[];
}

export interface DockerStatusAction {
	readonly type: 'docker';
	readonly status: DockerStatus;
}

export interface EventAction {
	readonly type: 'event';
	readonly event: DockerEvent;
}

/** A swarm manager's services, tasks and nodes, read again; null: the engine is not a manager (any more). */
export interface SwarmAction {
	readonly type: 'swarm';
	readonly swarm: SwarmState | null;
}

/** A rule found something wrong (again): the store opens, counts or updates its alert. */
export interface DiagnosisAction {
	readonly type: 'diagnosis';
	readonly finding: Finding;
}

/** The condition behind an open alert ended. */
export interface DiagnosisResolvedAction {
	readonly type: 'diagnosis-resolved';
	readonly id: string;
	/** ms since the epoch */
	readonly at: number;
}

/** A rollout opened or moved on (src/rollouts): the store keeps the newest word on each. */
export interface RolloutAction {
	readonly type: 'rollout';
	readonly rollout: Rollout;
}

/** What alerts gained with diagnoses (format 2). */
type Format2Fields = 'severity' | 'hint' | 'evidenceFrom' | 'lookup' | 'occurrence' | 'occurrences' | 'resolvedAt';

/** A whole alert, as recordings made before the store kept alerts hold them (format 1). */
export interface AlertAction {
	readonly type: 'alert';
	readonly alert: Omit<Alert, Format2Fields> & Partial<Pick<Alert, Format2Fields>>;
}

/** `--captions FILE`: the narration line now shown (sanitised), or null when there is none. */
export interface CaptionAction {
	readonly type: 'caption';
	readonly text: string | null;
}

export type Action =
	| HostAction
	| TickAction
	| InterfacesAction
	| NamespaceAction
	| SocketsAction
	| ConnectionsAction
	| ContainersAction
	| ContainerAction
	| ContainerRemovedAction
	| NetworksAction
	| DockerStatusAction
	| EventAction
	| SwarmAction
	| DiagnosisAction
	| DiagnosisResolvedAction
	| RolloutAction
	| AlertAction
	| CaptionAction;
