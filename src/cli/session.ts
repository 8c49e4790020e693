/**
 * A live session: the store, fed by the collectors. Every mode (dashboard, --json, the plain
 * table) starts one, and reads the store's snapshots.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {hostname, release} from 'node:os';
import {DockerCollector} from '../collectors/docker/collector.js';
import {followLog, readLog} from '../collectors/docker/logs.js';
import {readProcFileOrNull} from '../collectors/procfs.js';
import {AgentLink} from '../collectors/agent.js';
import {CaptionCollector} from '../collectors/captions.js';
import {Sampler} from '../collectors/sampler.js';
import {DiagnosisEngine, type DiagnosisDocker} from '../diagnoses/engine.js';
import {createDockerApi} from '../docker/api.js';
import {contextNames, locateEngine, type Engine, type EngineFlags, type Files} from '../docker/context.js';
import {configDir} from '../docker/endpoint.js';
import {EndpointError} from '../docker/endpoint.js';
import {explainDockerError} from '../docker/errors.js';
import {parseOsRelease} from '../parsers/os-release.js';
import type {Recorder} from '../record/recorder.js';
import {RolloutTracker} from '../rollouts/tracker.js';
import type {Action} from '../store/actions.js';
import type {Scope} from '../store/scope.js';
import {Store} from '../store/store.js';

export interface SessionOptions {
	readonly interval: number;
	/** `-H`; undefined to use DOCKER_HOST, a context or the default socket */
	readonly host: string | undefined;
	/** `--context`; undefined to use DOCKER_CONTEXT or the current context */
	readonly context: string | undefined;
	readonly env: Readonly<Record<string, string | undefined>>;
	/** `--record`: gets every action, from the very first. */
	readonly recorder?: Recorder | null;
	/** `--captions FILE` */
	readonly captions?: string | null;
	/** `--project`, `--filter label=…`: what the snapshots show. */
	readonly scope?: Scope;
	/** For an ssh:// engine: how to run netwatch on its host (`--remote-netwatch`); null: use the engine API alone. */
	readonly remoteNetwatch?: string | null;
	/** This netwatch's version, told to the one on the host. */
	readonly version?: string;
}

export interface Session {
	readonly store: Store;
	/** Resolves when Docker has answered once (or failed to). */
	readonly dockerReady: Promise<void>;
	/** Settles with a one-line reason when watching cannot go on (ssh refused the host key). */
	readonly fatal: Promise<string>;
	/** Take a sample now, and the next ones an interval apart from it (no-op where the host's netwatch samples). */
	sampleNow(): void;
	/** Read the sockets again, with their owners traced (no-op where the host's netwatch does). */
	scanSockets(): void;
	stop(): void;
}

/**
 * Where the host's OS name is, first found first. In a container run with `--pid=host` (and
 * CAP_SYS_PTRACE, to look into processes that are not its own) the root of pid 1 is the host's;
 * so is that of pid 2, the kernel's kthreadd, where pid 1 is shielded (as some VMs' init is).
 * netwatch's own /etc is the host's only outside a container.
 */
const HOST_OS_RELEASE = ['/proc/1/root/etc/os-release', '/proc/1/root/usr/lib/os-release', '/proc/2/root/etc/os-release', '/proc/2/root/usr/lib/os-release'];
const OWN_OS_RELEASE = ['/etc/os-release', '/usr/lib/os-release'];

/** `Debian GNU/Linux 12, kernel 6.18.44`, or null when no os-release file names the host's OS. */
function describeOs({read, exists}: Files): string | null {
	const inContainer = exists('/.dockerenv');
	for (const path of inContainer ? HOST_OS_RELEASE : [...HOST_OS_RELEASE, ...OWN_OS_RELEASE]) {
		const text = read(path);
		const name = text === null ? null : parseOsRelease(text);
		if (name !== null) return `${name}, kernel ${release()}`;
	}
	return null;
}

/** The docker CLI's files (config.json, contexts), as locateEngine reads them. */
const localFiles: Files = {
	exists: existsSync,
	read: path => {
		try {
			return readFileSync(path, 'utf8');
		} catch {
			return null;
		}
	},
};

/** `--contexts all`: every docker CLI context, the default one first, as `docker context ls` lists them. */
export function everyContext(env: SessionOptions['env']): EngineFlags[] {
	const meta = join(configDir(env), 'contexts', 'meta');
	let dirs: string[];
	try {
		dirs = readdirSync(meta);
	} catch {
		dirs = [];
	}
	const texts = dirs.flatMap(dir => localFiles.read(join(meta, dir, 'meta.json')) ?? []);
	return contextNames(texts).map(context => ({context}));
}

/** An engine as the host bar and `engine` in JSON name it: its context, or its address as given. */
export function engineName(flags: EngineFlags): string {
	return flags.context ?? flags.host ?? 'default';
}

/**
 * What the diagnoses may ask of Docker and /proc: reads only. This machine's sockets and sysctls
 * are the Docker host's only when the engine is local; a remote one's are unknown, not ours.
 */
function diagnosisDocker(docker: DockerCollector, sampler: Sampler, local: boolean): DiagnosisDocker {
	return {
		inspect: id => docker.inspector.inspect(id),
		readLog: (c, since) => readLog(docker.api, c, since),
		followLog: (c, since, on) => followLog(docker.api, c, since, on),
		scanSockets: only => (local ? sampler.scanSockets(only) : null),
		unprivilegedPortStart: () => {
			if (!local) return null;
			const value = Number(readProcFileOrNull('/proc/sys/net/ipv4/ip_unprivileged_port_start')?.trim());
			return Number.isInteger(value) ? value : null;
		},
	};
}

/** What watches an engine through its API (and this machine's /proc): started at once, or when netwatch on an ssh:// engine's host cannot serve. */
interface ApiParts {
	readonly sampler: Sampler;
	readonly dockerReady: Promise<void>;
	readonly fatal: Promise<string>;
	stop(): void;
}

function watchThroughApi(engine: Engine | null, store: Store, options: SessionOptions, dispatch: (action: Action) => void): ApiParts {
	const api = engine ? createDockerApi(engine.endpoint, options.env['NETWATCH_SSH_COMMAND']) : null;
	const docker = api && engine ? new DockerCollector({api, dispatch, local: engine.endpoint.kind === 'unix', context: engine.context}) : null;
	const sampler = new Sampler({
		dispatch,
		containers: () => store.getState().containers.values(),
		api,
		interval: options.interval,
	});
	const diagnoses = docker && engine ? new DiagnosisEngine({store, docker: diagnosisDocker(docker, sampler, engine.endpoint.kind === 'unix')}) : null;
	const rollouts = docker ? new RolloutTracker(store) : null;
	diagnoses?.start();
	rollouts?.start();
	docker?.start();
	sampler.start();
	return {
		sampler,
		dockerReady: docker?.ready ?? Promise.resolve(),
		fatal: api ? api.fatal.then(error => explainDockerError(error, api.endpoint)) : new Promise(() => undefined),
		stop() {
			sampler.stop();
			diagnoses?.stop();
			rollouts?.stop();
			docker?.stop();
		},
	};
}

export function startSession(options: SessionOptions): Session {
	let engine: Engine | null = null;
	let endpointError: string | null = null;
	try {
		engine = locateEngine({host: options.host, context: options.context}, options.env, localFiles);
	} catch (error) {
		if (!(error instanceof EndpointError)) throw error;
		endpointError = error.message;
	}
	const store = new Store({
		endpoint: engine?.endpoint.url ?? options.host ?? options.env['DOCKER_HOST'] ?? '',
		context: engine?.context ?? null,
		scope: options.scope,
	});
	const detach = options.recorder?.attach(store);
	const dispatch = store.dispatch.bind(store);
	dispatch({type: 'host', hostname: hostname(), os: describeOs(localFiles), interval: options.interval});
	if (endpointError !== null) {
		dispatch({
			type: 'docker',
			status: {...store.getState().docker, error: endpointError, state: 'unavailable', local: false},
		});
	}
	const captions = options.captions ? new CaptionCollector(options.captions, dispatch) : null;
	captions?.start();

	let parts: ApiParts | null = null;
	let stopped = false;
	const endpoint = engine?.endpoint;
	const link =
		endpoint?.kind === 'ssh' && options.remoteNetwatch
			? new AgentLink({
					endpoint,
					context: engine!.context,
					sshCommand: options.env['NETWATCH_SSH_COMMAND'],
					remote: options.remoteNetwatch,
					interval: options.interval,
					version: options.version ?? 'unknown',
					dispatch,
				})
			: null;
	let dockerReady: Promise<void>;
	let fatal: Promise<string>;
	if (link && endpoint) {
		link.start();
		// netwatch on the host cannot serve: the engine API, and the header says why
		const fallback = link.ready.then(ready => {
			if (ready.serving || stopped) return null;
			const {reason} = ready;
			dispatch({type: 'docker', status: {...store.getState().docker, agentNote: reason}});
			parts = watchThroughApi(engine, store, options, action => dispatch(action.type === 'docker' ? {type: 'docker', status: {...action.status, agentNote: reason}} : action));
			return parts;
		});
		const never = new Promise<never>(() => undefined);
		dockerReady = Promise.race([link.answered, fallback.then(p => p?.dockerReady ?? never)]);
		fatal = Promise.race([link.fatal.then(error => explainDockerError(error, endpoint)), fallback.then(p => p?.fatal ?? never)]);
	} else {
		parts = watchThroughApi(engine, store, options, dispatch);
		dockerReady = parts.dockerReady;
		fatal = parts.fatal;
	}
	return {
		store,
		dockerReady,
		fatal,
		sampleNow: () => parts?.sampler.restart(),
		scanSockets: () => parts?.sampler.scanSockets(),
		stop() {
			stopped = true;
			captions?.stop();
			link?.stop();
			parts?.stop();
			store.close();
			detach?.();
		},
	};
}
