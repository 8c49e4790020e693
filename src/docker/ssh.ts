/**
 * Docker over SSH as the docker CLI reaches it: the system's `ssh` runs `docker system
 * dial-stdio` on the far side, and that process's stdin and stdout are one HTTP connection to
 * the engine. So everything the user set up for ssh applies: ~/.ssh/config (Host aliases, User,
 * Port, IdentityFile, ProxyJump), known_hosts and StrictHostKeyChecking, and the agent.
 *
 * BatchMode is on, since nothing may prompt while the dashboard holds the terminal: a host key
 * that ssh would ask about is refused, like one that changed. That refusal is a HostKeyError,
 * which names the host and the key's fingerprint; netwatch stops on it rather than retrying.
 */
import {spawn, type ChildProcessByStdio} from 'node:child_process';
import {Agent, type AgentOptions} from 'node:http';
import {Duplex, type Readable, type Writable} from 'node:stream';
import shellQuote from 'shell-quote';

export interface SshTarget {
	readonly host: string;
	/** null: as ~/.ssh/config says (else 22) */
	readonly port: number | null;
	/** null: as ~/.ssh/config says (else the local user) */
	readonly username: string | null;
}

/** ssh would not trust the far side's host key: unknown, or not the one known_hosts holds. */
export class HostKeyError extends Error {}

/** An ssh failure; `code` ECONNREFUSED or ENOTFOUND where ssh said so, else ESSH. */
export class SshError extends Error {
	constructor(
		message: string,
		readonly code: string,
	) {
		super(message);
	}
}

/** What the docker CLI runs on the far side: its stdin and stdout become a connection to the engine. */
const DIAL_STDIO: readonly string[] = ['docker', 'system', 'dial-stdio'];

/**
 * The command line: NETWATCH_SSH_COMMAND, split as a shell would (like GIT_SSH_COMMAND: `ssh -F
 * ~/other-config`), else `ssh`; then what the docker CLI passes, and `remote`: the words ssh
 * joins with spaces for the far side's shell. `-v` makes ssh name the key it was shown, for a
 * HostKeyError; its debug lines are read, never shown.
 */
export function sshCommand(target: SshTarget, command: string | undefined, remote: readonly string[] = DIAL_STDIO): [string, string[]] {
	const words = shellQuote.parse(command?.trim() || 'ssh').filter((w): w is string => typeof w === 'string');
	const [file = 'ssh', ...options] = words;
	return [
		file,
		[
			...options,
			'-T',
			'-v',
			'-o',
			'BatchMode=yes',
			...(target.username !== null ? ['-l', target.username] : []),
			...(target.port !== null ? ['-p', String(target.port)] : []),
			'--',
			target.host,
			...remote,
		],
	];
}

/** The lines of ssh's stderr that speak to a person: not -v's debug lines nor its banner. */
function spoken(stderr: string): string[] {
	return stderr
		.split(/\r?\n/)
		.map(l => l.trim())
		.filter(l => l !== '' && !/^(debug\d:|OpenSSH_|Warning: Permanently added|@+$|Authenticated to )/.test(l));
}

/** What ssh's stderr says went wrong, as an error; null when it says nothing. */
export function sshFailure(stderr: string, target: SshTarget): Error | null {
	const lines = spoken(stderr);
	if (lines.length === 0) return null;
	if (lines.some(l => /^Host key verification failed/.test(l))) {
		const shown = /Server host key: (\S+) (\S+)/.exec(stderr);
		const fingerprint = shown ? `${shown[1]} ${shown[2]}` : 'its key';
		const changed = /Host key for (\S+) has changed/.exec(stderr);
		const unknown = /No \S+ host key is known for (\S+)/.exec(stderr);
		// as known_hosts names it; ssh names it itself, unless BatchMode answered its question
		const host = changed?.[1] ?? unknown?.[1] ?? (target.port !== null ? `[${target.host}]:${target.port}` : target.host);
		if (changed || /REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr)) {
			return new HostKeyError(
				`the host key of ${host} has changed: it is now ${fingerprint}, not the one in known_hosts, so ssh refused it (someone may pose as the Docker host; if the key changed on purpose, run ssh-keygen -R ${host})`,
			);
		}
		return new HostKeyError(
			`the host key of ${host} is not known: ${fingerprint}; ssh refused it (if that is the host's key, add it to known_hosts, for example by running ssh ${target.host} once)`,
		);
	}
	const said = lines.join('; ');
	if (/Connection refused/i.test(said)) return new SshError(said, 'ECONNREFUSED');
	if (/Could not resolve hostname/i.test(said)) return new SshError(said, 'ENOTFOUND');
	return new SshError(said, 'ESSH');
}

/** How much of ssh's stderr is kept: enough for its last words and the key it was shown. */
export const STDERR_KEPT = 16 * 1024;

type SshProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * One connection: an ssh process, as the socket an http.Agent expects (the methods it calls on
 * one, and an idle timeout). It ends when ssh ends: cleanly if ssh exited 0, else with what
 * ssh said.
 */
class SshConnection extends Duplex {
	timeout = 0;
	private timer: NodeJS.Timeout | undefined;
	private stderr = '';
	private hostKey = '';

	constructor(
		private readonly child: SshProcess,
		target: SshTarget,
		onHostKey: (error: HostKeyError) => void,
	) {
		super();
		child.stdout.on('data', (chunk: Buffer) => {
			this.touch();
			if (!this.push(chunk)) child.stdout.pause();
		});
		child.stderr.setEncoding('utf8');
		child.stderr.on('data', (text: string) => {
			const key = /Server host key: .*/.exec(text)?.[0];
			if (key) this.hostKey = key;
			this.stderr = (this.stderr + text).slice(-STDERR_KEPT);
		});
		// a write to an ssh that is gone: its exit says why
		child.stdin.on('error', () => undefined);
		child.on('error', error => this.destroy(new SshError(`cannot run ${child.spawnfile}: ${error.message}`, 'ESSH')));
		child.on('close', code => {
			if (this.destroyed) return;
			if (code === 0) {
				this.push(null);
				return;
			}
			const failure = sshFailure(`${this.hostKey}\n${this.stderr}`, target) ?? new SshError(`ssh ended with status ${code ?? 'by a signal'}`, 'ESSH');
			this.destroy(failure);
			// once the request that failed has had the error (the collector reports it first)
			if (failure instanceof HostKeyError) setImmediate(() => onHostKey(failure));
		});
	}

	override _read(): void {
		this.child.stdout.resume();
	}

	override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
		this.touch();
		this.child.stdin.write(chunk, () => callback());
	}

	override _final(callback: (error?: Error | null) => void): void {
		this.child.stdin.end(callback);
	}

	override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		clearTimeout(this.timer);
		if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
		callback(error);
	}

	/**
	 * As net.Socket's: 'timeout' after `ms` without a byte either way; 0 turns it off and takes
	 * `callback` off again (the http client counts on that for a socket it keeps alive).
	 */
	setTimeout(ms: number, callback?: () => void): this {
		this.timeout = ms;
		if (callback && ms === 0) this.off('timeout', callback);
		else if (callback) this.once('timeout', callback);
		this.touch();
		return this;
	}

	private touch(): void {
		clearTimeout(this.timer);
		if (this.timeout > 0 && !this.destroyed) this.timer = setTimeout(() => this.emit('timeout'), this.timeout).unref();
	}

	setKeepAlive(): this {
		return this;
	}

	setNoDelay(): this {
		return this;
	}

	ref(): this {
		return this;
	}

	unref(): this {
		return this;
	}
}

/**
 * An http.Agent whose connections are ssh processes. Connections are kept alive and reused, as
 * each new one is an SSH handshake.
 */
export class SshAgent extends Agent {
	constructor(
		private readonly target: SshTarget,
		private readonly command: [string, string[]],
		private readonly onHostKey: (error: HostKeyError) => void,
		options: AgentOptions = {},
	) {
		super({keepAlive: true, ...options});
	}

	override createConnection(): Duplex {
		const [file, args] = this.command;
		const child = spawn(file, args, {stdio: ['pipe', 'pipe', 'pipe']});
		return new SshConnection(child, this.target, this.onHostKey);
	}
}
