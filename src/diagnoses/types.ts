/**
 * A diagnosis: something wrong with a container's network, said with its evidence. Every kind has
 * the same shape, so that the banner, the event log, `--json`, `--once`, recordings and replay
 * show them all alike. The store keeps them (open, counted, resolved); the rules in this folder
 * raise them.
 */
import type {SocketProto} from '../model.js';

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
	/** Its health check fails (State.Health says unhealthy). */
	| 'unhealthy';

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
 * Docker failed to start it; a standing condition of its state (its ports and sockets); or its
 * health check.
 */
export type FindingSource = 'exit' | 'running' | 'docker-start' | 'state' | 'health';

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
	readonly evidenceFrom: 'log' | 'inspect' | 'socket';
	readonly port: number | null;
	readonly proto: SocketProto;
	/** Where the port came from: the error message, the command line, the image, Docker's port map, or nowhere. */
	readonly portSource: 'message' | 'command' | 'image' | 'docker' | 'unknown';
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
