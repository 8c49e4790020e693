/**
 * The connector: every Docker Engine API call netwatch makes, and nothing else. Each one is a
 * GET; netwatch never changes Docker's state.
 *
 * Two dockerode clients sit behind it: one for short requests, with an idle timeout, and one
 * for the events and log streams, without one (docker-modem applies `timeout` to streams too,
 * so an idle events stream would be cut after `timeout` ms).
 */
import {existsSync, readFileSync} from 'node:fs';
import type {IncomingMessage} from 'node:http';
import {join} from 'node:path';
import Dockerode from 'dockerode';
import type {Endpoint} from './endpoint.js';
import {sshCommand, SshAgent, type HostKeyError} from './ssh.js';

/** Idle timeout of a request, and the longest wait for response headers (streams included). */
export const REQUEST_TIMEOUT_MS = 10_000;
/** The first request to an endpoint gives up sooner, so a bad address is reported quickly (not over ssh). */
export const PING_TIMEOUT_MS = 2_500;

export interface VersionInfo {
	readonly Version?: string;
	readonly ApiVersion?: string;
}

export interface LogOptions {
	/** Unix seconds, fractions allowed. */
	readonly since?: number;
	/** Unix seconds: the stream ends there, even for a container that is still running. */
	readonly until?: number;
	readonly tail?: number;
	readonly timestamps?: boolean;
}

export interface DockerApi {
	readonly endpoint: Endpoint;
	/** Settles when the engine cannot be trusted, and retrying will not help: ssh refused its host key. */
	readonly fatal: Promise<HostKeyError>;
	/** GET /version */
	version(signal?: AbortSignal): Promise<VersionInfo>;
	/** GET /events?since=…, the raw stream; `since` is `<sec>.<nsec>`. */
	events(since: string | undefined): Promise<IncomingMessage>;
	/** GET /containers/json?all=1 */
	listContainers(): Promise<readonly {readonly Id: string}[]>;
	/** GET /containers/{id}/json */
	inspectContainer(id: string): Promise<unknown>;
	/** GET /networks */
	listNetworks(): Promise<readonly unknown[]>;
	/** GET /info */
	info(): Promise<unknown>;
	/** GET /services?status=true (a swarm manager only) */
	listServices(): Promise<readonly unknown[]>;
	/** GET /tasks (a swarm manager only) */
	listTasks(): Promise<readonly unknown[]>;
	/** GET /nodes (a swarm manager only) */
	listNodes(): Promise<readonly unknown[]>;
	/** GET /containers/{id}/stats?stream=false&one-shot=true */
	containerStats(id: string): Promise<unknown>;
	/**
	 * GET /containers/{id}/logs?stdout=1&stderr=1&follow=1…, the raw stream (multiplexed unless
	 * the container has a TTY). With `until` it ends there; without, it follows.
	 */
	followLogs(id: string, options: LogOptions): Promise<IncomingMessage>;
}

/** How many short requests run at once over ssh: each connection is an ssh process. */
const SSH_REQUEST_CONNECTIONS = 4;

function options(endpoint: Endpoint, timeout: number | undefined, agent: SshAgent | undefined): Dockerode.DockerOptions {
	// Every key is set, even to undefined: docker-modem merges its own reading of DOCKER_HOST
	// under these, and `-H` must win over it.
	const base = {
		socketPath: undefined as string | undefined,
		host: undefined as string | undefined,
		port: undefined as number | undefined,
		protocol: undefined as 'http' | 'https' | undefined,
		username: undefined as string | undefined,
		timeout,
		connectionTimeout: REQUEST_TIMEOUT_MS,
	};
	switch (endpoint.kind) {
		case 'unix':
			return {...base, socketPath: endpoint.socketPath};
		case 'tcp':
			return {...base, host: endpoint.host, port: endpoint.port, protocol: endpoint.tls ? 'https' : 'http', ...(endpoint.certDir ? tlsFiles(endpoint.certDir) : {})};
		case 'ssh':
			// plain HTTP over the agent's connections, which are ssh processes (see ssh.ts); the
			// host only names the engine in the requests. (docker-modem hands `agent` to each
			// request; @types/dockerode does not list it.)
			return Object.assign({...base, host: endpoint.host, protocol: 'http' as const}, {agent});
	}
}

/** The certificates of a TLS endpoint, those of them that are in `dir`. */
function tlsFiles(dir: string): {ca?: Buffer; cert?: Buffer; key?: Buffer} {
	const read = (name: string): Buffer | undefined => (existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : undefined);
	const files = {ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem')};
	return Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined));
}

// dockerode 5's own options are looser than @types/dockerode 4 says; these calls are typed here.
type Loose = (options?: Record<string, unknown>) => Promise<unknown>;

function logQuery(options: LogOptions): Record<string, unknown> {
	return {
		stdout: true,
		stderr: true,
		follow: true,
		timestamps: options.timestamps ?? false,
		...(options.since !== undefined ? {since: options.since} : {}),
		...(options.until !== undefined ? {until: options.until} : {}),
		...(options.tail !== undefined ? {tail: options.tail} : {}),
	};
}

/**
 * @param sshCommandLine NETWATCH_SSH_COMMAND, for an ssh:// endpoint: the ssh to run and its own
 * options (`ssh -F FILE`)
 */
export function createDockerApi(endpoint: Endpoint, sshCommandLine?: string): DockerApi {
	let refused: (error: HostKeyError) => void = () => undefined;
	const fatal = new Promise<HostKeyError>(resolve => (refused = resolve));
	const agent = (maxSockets: number): SshAgent | undefined =>
		endpoint.kind === 'ssh' ? new SshAgent(endpoint, sshCommand(endpoint, sshCommandLine), refused, {maxSockets}) : undefined;
	const api = new Dockerode(options(endpoint, REQUEST_TIMEOUT_MS, agent(SSH_REQUEST_CONNECTIONS)));
	const stream = new Dockerode(options(endpoint, undefined, agent(Infinity)));
	const call = (fn: unknown, self: unknown, opts?: Record<string, unknown>): Promise<unknown> =>
		(fn as Loose).call(self, opts);
	return {
		endpoint,
		fatal,
		// over ssh, the first request waits for an SSH handshake (two, through a ProxyJump): it
		// gets the request timeout, not the ping's
		version: signal => call(api.version, api, signal && endpoint.kind !== 'ssh' ? {abortSignal: signal} : {}) as Promise<VersionInfo>,
		events: since => call(stream.getEvents, stream, since === undefined ? {} : {since}) as Promise<IncomingMessage>,
		listContainers: () => call(api.listContainers, api, {all: true}) as Promise<{Id: string}[]>,
		inspectContainer: id => {
			const c = api.getContainer(id);
			return call(c.inspect, c, {});
		},
		listNetworks: () => call(api.listNetworks, api, {}) as Promise<unknown[]>,
		info: () => call(api.info, api, {}),
		listServices: () => call(api.listServices, api, {status: true}) as Promise<unknown[]>,
		listTasks: () => call(api.listTasks, api, {}) as Promise<unknown[]>,
		listNodes: () => call(api.listNodes, api, {}) as Promise<unknown[]>,
		containerStats: id => {
			const c = api.getContainer(id);
			return call(c.stats, c, {stream: false, 'one-shot': true});
		},
		followLogs: (id, opts) => {
			const c = stream.getContainer(id);
			return call(c.logs, c, logQuery(opts)) as Promise<IncomingMessage>;
		},
	};
}
