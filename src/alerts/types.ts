/** An alert: a container that could not bind its port, explained. */
import type {SocketProto} from '../model.js';

export type AlertKind = 'EADDRINUSE';

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

export interface Alert {
	/** Stable per victim, kind and port: repeats of the same failure update one alert. */
	readonly id: string;
	readonly kind: AlertKind;
	readonly containerId: string;
	readonly containerName: string;
	/** The victim's network mode, normalised (`host`, `bridge`, ...). */
	readonly networkMode: string;
	readonly port: number | null;
	readonly proto: SocketProto;
	/** Where the port came from: the error message, the command line, the image, or nowhere. */
	readonly portSource: 'message' | 'command' | 'image' | 'unknown';
	readonly holder: AlertHolder | null;
	/** Why there is no holder: `needs root`, `nothing listens on it now`, ... */
	readonly holderUnknown: string | null;
	/** How it was seen: the container exited, it keeps failing while running, or Docker failed to start it. */
	readonly source: 'exit' | 'running' | 'docker-start';
	readonly exitCode: number | null;
	/** The log line or State.Error that matched, as the container wrote it. */
	readonly evidence: string;
	/** One sentence, e.g. "web2 (host network) exited 1: port 8080/tcp is already in use, held by web1 (httpd, pid 4242)". */
	readonly message: string;
	/** How many times this failure was seen (a restart loop counts up instead of raising new alerts). */
	readonly count: number;
	/** ms since the epoch */
	readonly firstSeenAt: number;
	readonly detectedAt: number;
	/** The die event's timeNano, when the alert comes from one; for latency measurements. */
	readonly eventTimeNano: string | null;
	/** The victim now runs and listens on the port, or it is gone. */
	readonly resolved: boolean;
}
