/**
 * A live session: the store, fed by the collectors. Every mode (dashboard, --json, the plain
 * table) starts one, and reads the store's snapshots.
 */
import {existsSync, readFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {DockerCollector} from '../collectors/docker/collector.js';
import {followLog, readLog} from '../collectors/docker/logs.js';
import {readProcFileOrNull} from '../collectors/procfs.js';
import {Sampler} from '../collectors/sampler.js';
import {DiagnosisEngine, type DiagnosisDocker} from '../diagnoses/engine.js';
import {createDockerApi} from '../docker/api.js';
import {locateEngine, type Engine, type Files} from '../docker/context.js';
import {EndpointError} from '../docker/endpoint.js';
import {explainDockerError} from '../docker/errors.js';
import type {Recorder} from '../record/recorder.js';
import {RolloutTracker} from '../rollouts/tracker.js';
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
	/** `--project`, `--filter label=…`: what the snapshots show. */
	readonly scope?: Scope;
}

export interface Session {
	readonly store: Store;
	readonly docker: DockerCollector | null;
	readonly sampler: Sampler;
	/** Resolves when Docker has answered once (or failed to). */
	readonly dockerReady: Promise<void>;
	/** Settles with a one-line reason when watching cannot go on (ssh refused the host key). */
	readonly fatal: Promise<string>;
	stop(): void;
}

/**
 * `Debian GNU/Linux 12, kernel 6.18.44`: asked once, off the sampling path (it runs a few
 * processes). systeminformation is loaded only now: it is a large library, not needed to start.
 */
async function describeOs(): Promise<string | null> {
	try {
		const {default: si} = await import('systeminformation');
		const os = await si.osInfo();
		return `${os.distro} ${os.release}, kernel ${os.kernel}`.replace(/\s+/g, ' ').trim();
	} catch {
		return null;
	}
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

/** What the diagnoses may ask of Docker and /proc: reads only. */
function diagnosisDocker(docker: DockerCollector, sampler: Sampler): DiagnosisDocker {
	return {
		inspect: id => docker.inspector.inspect(id),
		readLog: (c, since) => readLog(docker.api, c, since),
		followLog: (c, since, on) => followLog(docker.api, c, since, on),
		scanSockets: () => sampler.scanSockets(),
		unprivilegedPortStart: () => {
			const value = Number(readProcFileOrNull('/proc/sys/net/ipv4/ip_unprivileged_port_start')?.trim());
			return Number.isInteger(value) ? value : null;
		},
	};
}

/** The OS name is asked for once Docker has answered, or after this long. */
const OS_AFTER_MS = 1_000;

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
	const host = hostname();
	dispatch({type: 'host', hostname: host, os: null, interval: options.interval});
	if (endpointError !== null) {
		dispatch({
			type: 'docker',
			status: {...store.getState().docker, error: endpointError, state: 'unavailable', local: false},
		});
	}

	const api = engine ? createDockerApi(engine.endpoint, options.env['NETWATCH_SSH_COMMAND']) : null;
	const docker = api && engine ? new DockerCollector({api, dispatch, local: engine.endpoint.kind === 'unix', context: engine.context}) : null;
	const sampler = new Sampler({
		dispatch,
		containers: () => store.getState().containers.values(),
		api,
		interval: options.interval,
	});
	const diagnoses = docker ? new DiagnosisEngine({store, docker: diagnosisDocker(docker, sampler)}) : null;
	const rollouts = docker ? new RolloutTracker(store) : null;
	let stopped = false;
	diagnoses?.start();
	rollouts?.start();
	docker?.start();
	sampler.start();
	const dockerReady = docker?.ready ?? Promise.resolve();
	// after Docker's first answer (the processes it runs would slow the first complete frame),
	// but no later than OS_AFTER_MS: --once waits only so long for a slow daemon
	const osDelay = new Promise(resolve => setTimeout(resolve, OS_AFTER_MS).unref());
	void Promise.race([dockerReady, osDelay])
		.then(() => (stopped ? null : describeOs()))
		.then(os => {
			if (!stopped && os) dispatch({type: 'host', hostname: host, os, interval: options.interval});
		});
	return {
		store,
		docker,
		sampler,
		dockerReady,
		fatal: api ? api.fatal.then(error => explainDockerError(error, api.endpoint)) : new Promise(() => undefined),
		stop() {
			stopped = true;
			sampler.stop();
			diagnoses?.stop();
			rollouts?.stop();
			docker?.stop();
			store.close();
			detach?.();
		},
	};
}
