/**
 * The whole view of an ssh:// engine's host: netwatch runs there (`netwatch --agent`, over ssh,
 * as the docker CLI runs `docker system dial-stdio`) and writes its store's actions to stdout in
 * the recording format (record/format.ts); each is dispatched here as it arrives. Namespaces,
 * veth pairs, sockets, holders and alerts are then the host's own, not the stats API's
 * estimates, and the diagnoses are the ones that ran there.
 *
 * Until the agent's first line, anything that ends the link gives the view to the engine API:
 * netwatch is not on the host (the far shell's status 127), it is a version that cannot serve
 * this one (too old for --agent, or a newer format), or ssh failed. `ready` says so, with the
 * reason; the engine API's own connection then meets, and reports, whatever ssh said. Once the
 * agent has answered, a link that drops is made again with backoff, and the new agent lists
 * everything again; a host key that ssh refuses then is `fatal`.
 */
import {spawn, type ChildProcessByStdio} from 'node:child_process';
import {createInterface} from 'node:readline';
import type {Readable, Writable} from 'node:stream';
import type {DockerStatus} from '../model.js';
import type {Endpoint} from '../docker/endpoint.js';
import {explainDockerError} from '../docker/errors.js';
import {Decoder, isHeader, isLine, VERSION, type RecordingHeader} from '../record/format.js';
import {isValidAction} from '../record/validate.js';
import type {Action} from '../store/actions.js';
import {HostKeyError, sshCommand, sshFailure, STDERR_KEPT} from '../docker/ssh.js';

export interface AgentLinkOptions {
	/** The engine as it is named here: the agent's own status says `unix:///var/run/docker.sock`. */
	readonly endpoint: Extract<Endpoint, {kind: 'ssh'}>;
	readonly context: string | null;
	/** NETWATCH_SSH_COMMAND */
	readonly sshCommand: string | undefined;
	/** How to run netwatch on the host: `--remote-netwatch`, `netwatch` by default. */
	readonly remote: string;
	readonly interval: number;
	/** This netwatch's version, for a message about the other's. */
	readonly version: string;
	readonly dispatch: (action: Action) => void;
	readonly minBackoffMs?: number;
}

/** The agent's answer: it serves (true), or why the engine API has to do. */
export type AgentReady = {readonly serving: true} | {readonly serving: false; readonly reason: string};

const MAX_BACKOFF_MS = 5_000;
/** How long the agent has to say who it is, the first time, before the engine API takes over. */
const FIRST_LINE_MS = 10_000;
/** What the far side's shell says when the command is not there. */
const NOT_FOUND_STATUS = 127;

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

/** Why this agent cannot serve this netwatch, or null when it can. */
export function agentMismatch(header: RecordingHeader, ours: string, host: string): string | null {
	if (header.version <= VERSION) return null;
	return `netwatch ${header.netwatchVersion} on ${host} writes format ${header.version}, and this netwatch (${ours}) reads up to ${VERSION}: install the same netwatch on both ends`;
}

export class AgentLink {
	readonly ready: Promise<AgentReady>;
	readonly fatal: Promise<HostKeyError>;
	/** Resolves when the agent's engine has answered once (its containers listed), or failed to. */
	readonly answered: Promise<void>;
	private settle!: (ready: AgentReady) => void;
	private answer!: () => void;
	private refuse!: (error: HostKeyError) => void;
	private child: Child | null = null;
	private header: RecordingHeader | null = null;
	/** The agent has said who it is on this link or an earlier one. */
	private served = false;
	private stopped = false;
	private retry: NodeJS.Timeout | undefined;
	private deadline: NodeJS.Timeout | undefined;
	private backoff: number;

	constructor(private readonly options: AgentLinkOptions) {
		this.backoff = options.minBackoffMs ?? 250;
		this.ready = new Promise(resolve => (this.settle = resolve));
		this.fatal = new Promise(resolve => (this.refuse = resolve));
		this.answered = new Promise(resolve => (this.answer = resolve));
	}

	start(): void {
		this.connect();
		// an ssh that hangs (a host that drops packets) says nothing for minutes
		this.deadline = setTimeout(() => {
			if (!this.served) this.give(`netwatch on ${this.options.endpoint.host} did not answer within ${FIRST_LINE_MS / 1000} s`);
		}, FIRST_LINE_MS);
		this.deadline.unref();
	}

	stop(): void {
		this.stopped = true;
		clearTimeout(this.retry);
		clearTimeout(this.deadline);
		this.child?.kill();
	}

	private connect(): void {
		if (this.stopped) return;
		const {endpoint, remote, interval} = this.options;
		const [file, args] = sshCommand(endpoint, this.options.sshCommand, [remote, '--agent', '-i', String(interval)]);
		const child = spawn(file, args, {stdio: ['pipe', 'pipe', 'pipe']});
		this.child = child;
		this.header = null;
		const decoder = new Decoder();
		let stderr = '';
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (text: string) => (stderr = (stderr + text).slice(-STDERR_KEPT)));
		child.stdin.on('error', () => undefined);
		// a spawn that fails says so with 'error', and may 'close' too: one end per link
		let over = false;
		const end = (code: number | null, stderr: string, failure?: string): void => {
			if (!over) this.ended(code, stderr, failure);
			over = true;
		};
		child.on('error', error => end(null, '', `cannot run ${file}: ${error.message}`));
		const lines = createInterface({input: child.stdout, crlfDelay: Infinity});
		lines.on('line', line => this.line(line, decoder));
		child.on('close', code => end(code, stderr));
	}

	private line(text: string, decoder: Decoder): void {
		if (this.stopped) return;
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch {
			return;
		}
		if (this.header === null) {
			// what a login script printed before it, if anything, is not the agent's
			if (!isHeader(value)) return;
			const mismatch = agentMismatch(value, this.options.version, this.options.endpoint.host);
			if (mismatch && this.served) {
				// upgraded on the host while watched: say so, rather than reconnect for ever
				this.stopped = true;
				this.child?.kill();
				this.options.dispatch({type: 'docker', status: this.status('unavailable', mismatch)});
				return;
			}
			if (mismatch) {
				this.give(mismatch);
				return;
			}
			this.header = value;
			this.served = true;
			clearTimeout(this.deadline);
			this.backoff = this.options.minBackoffMs ?? 250;
			this.settle({serving: true});
			return;
		}
		if (!isLine(value)) return;
		let action: Action;
		try {
			action = decoder.decode(value);
		} catch {
			return;
		}
		if (!isValidAction(action)) return;
		this.options.dispatch(this.here(action));
		if (action.type === 'containers' || (action.type === 'docker' && action.status.error !== null)) this.answer();
	}

	/** The agent's word on its engine, as it is named from here. */
	private here(action: Action): Action {
		return action.type === 'docker' ? {type: 'docker', status: this.named(action.status)} : action;
	}

	/** A status of the engine as it is named here, and whose view it is. */
	private named(status: Omit<DockerStatus, 'endpoint' | 'context' | 'local' | 'agent' | 'agentNote'>): DockerStatus {
		return {...status, endpoint: this.options.endpoint.url, context: this.options.context, local: false, agent: this.header?.netwatchVersion ?? null, agentNote: null};
	}

	/** This agent cannot serve: the engine API does, and the link is not made again. */
	private give(reason: string): void {
		this.stopped = true;
		clearTimeout(this.deadline);
		this.child?.kill();
		this.settle({serving: false, reason});
	}

	private ended(code: number | null, stderr: string, spawnFailure?: string): void {
		if (this.stopped) return;
		const {endpoint, remote} = this.options;
		const failure = spawnFailure === undefined ? sshFailure(stderr, endpoint) : new Error(spawnFailure);
		if (!this.served) {
			if (code === NOT_FOUND_STATUS) this.give(`${remote} is not on ${endpoint.host}`);
			// netwatch from before --agent: its usage error
			else if (/unknown option '--agent'/.test(stderr)) this.give(`the netwatch on ${endpoint.host} is older than this one (${this.options.version}) and has no --agent`);
			else this.give(`netwatch on ${endpoint.host} could not be reached: ${failure?.message ?? `ssh ended with status ${code ?? 'by a signal'}`}`);
			return;
		}
		if (failure instanceof HostKeyError) {
			this.stopped = true;
			this.options.dispatch({type: 'docker', status: this.status('unavailable', explainDockerError(failure, endpoint))});
			this.refuse(failure);
			return;
		}
		const said = failure?.message ?? `it ended with status ${code ?? 'by a signal'}`;
		this.options.dispatch({type: 'docker', status: this.status('reconnecting', `the link to netwatch on ${endpoint.host} dropped: ${said}`)});
		this.retry = setTimeout(() => this.connect(), this.backoff);
		this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
	}

	private status(state: DockerStatus['state'], error: string): DockerStatus {
		return this.named({version: null, apiVersion: null, error, state, badEventLines: 0});
	}
}
