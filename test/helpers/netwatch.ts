/** Run the real program, bin/netwatch.js, as a user would. */
import {spawn, type ChildProcess} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {afterEach} from 'vitest';

export const BIN = fileURLToPath(new URL('../../bin/netwatch.js', import.meta.url));

export interface Result {
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
	readonly stdout: string;
	readonly stderr: string;
	readonly ms: number;
}

/** The environment for a child: this one, minus CI (as on a user's terminal), plus `extra`. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {...process.env};
	delete env['CI'];
	Object.assign(env, extra);
	for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
	return env;
}

/** A running process's resident memory, in kB. */
export function rssKb(pid: number): number {
	return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

/** Run netwatch to completion. */
export function netwatch(args: readonly string[], env: Record<string, string | undefined> = {}, timeoutMs = 20_000): Promise<Result> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(BIN, [...args], {env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
		child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`netwatch ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr: ${stderr}`));
		}, timeoutMs);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code, signal, stdout, stderr, ms: Date.now() - started});
		});
		child.on('error', reject);
	});
}

/** `netwatch --json --once`, parsed. */
export async function snapshotOnce<T = OnceDocument>(args: readonly string[] = [], env: Record<string, string | undefined> = {}): Promise<T> {
	const result = await netwatch(['--json', '--once', ...args], env);
	if (result.code !== 0) throw new Error(`netwatch exited ${result.code}: ${result.stderr}`);
	return JSON.parse(result.stdout) as T;
}

export interface JsonInterface {
	name: string;
	ifindex: number | null;
	iflink: number | null;
	state: string;
	kind: string;
	rxBytes: number;
	txBytes: number;
	rxRate: number | null;
	txRate: number | null;
	container: {id: string; name: string} | null;
	peer: {name: string; ifindex: number; kind: string} | null;
}

export interface JsonListening {
	proto: string;
	address: string;
	port: number;
	pid: number | null;
	command: string | null;
	owner: string;
	container: {id: string; name: string} | null;
	ownerUnknown?: string;
}

export interface JsonContainer {
	id: string;
	name: string;
	state: string;
	exitCode: number | null;
	networkMode: string;
	networkDriver: string | null;
	sharesHostNetns: boolean | null;
	netns: string | null;
	sharesNetnsWith: {id: string; name: string} | null;
	interfacesFrom: string;
	source: string | null;
	interfaces: JsonInterface[];
	listening: JsonListening[];
	labels: Record<string, string>;
}

export interface JsonAlert {
	type: 'alert';
	kind: string;
	severity: 'error' | 'warning' | 'info';
	hint: string;
	evidenceFrom: string;
	lookup: string | null;
	container: string;
	containerId: string;
	networkMode: string;
	port: number | null;
	proto: string;
	portSource: string;
	holder: {container: string | null; containerId: string | null; pid: number | null; command: string | null; via: string} | null;
	holderUnknown: string | null;
	source: string;
	count: number;
	message: string;
	evidence: string;
	resolved: boolean;
	detectedAt: string;
}

export interface OnceDocument {
	/** Watching several engines: whose this is. */
	engine?: string;
	time: string;
	docker: {endpoint: string; context: string | null; version: string | null; error: string | null; state: string; agent: string | null; agentNote: string | null};
	host: {interfaces: JsonInterface[]; listening: JsonListening[]};
	containers: JsonContainer[];
	alerts: JsonAlert[];
	events: JsonEvent[];
}

export interface JsonEvent {
	type: 'event';
	time: string;
	timeNano: string;
	kind: string;
	action: string;
	id: string;
	container: {id: string; name: string | null} | null;
	attributes: Record<string, string>;
}

export type JsonRecord = (({type: 'snapshot'} & OnceDocument & {seq: number}) | JsonEvent | JsonAlert) & {engine?: string};

/**
 * How a test starts netwatch: `through` a command that runs it (`nice -n 5`, say), and in a
 * `session` of its own, as ssh or a terminal starts a command.
 */
export interface Launch {
	readonly through?: readonly string[];
	readonly session?: boolean;
}

/** `netwatch --json` running in the background, its records collected as they arrive. */
export class JsonStream {
	readonly records: JsonRecord[] = [];
	stderr = '';
	private readonly child: ChildProcess;
	private buffer = '';
	private readonly waiters = new Set<() => void>();
	readonly exited: Promise<number | null>;

	constructor(args: readonly string[] = [], env: Record<string, string | undefined> = {}, launch: Launch = {}) {
		const [file, ...argv] = [...(launch.through ?? []), BIN, '--json', ...args];
		this.child = spawn(file!, argv, {env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: launch.session ?? false});
		this.child.stdout!.on('data', (chunk: Buffer) => {
			this.buffer += chunk.toString();
			const lines = this.buffer.split('\n');
			this.buffer = lines.pop()!;
			for (const line of lines) if (line.trim()) this.records.push(JSON.parse(line) as JsonRecord);
			for (const wake of this.waiters) wake();
		});
		this.child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
		this.exited = new Promise(resolve => this.child.on('close', code => resolve(code)));
	}

	get pid(): number {
		return this.child.pid!;
	}

	snapshots(): Extract<JsonRecord, {type: 'snapshot'}>[] {
		return this.records.filter((r): r is Extract<JsonRecord, {type: 'snapshot'}> => r.type === 'snapshot');
	}

	events(): JsonEvent[] {
		return this.records.filter((r): r is JsonEvent => r.type === 'event');
	}

	alerts(): JsonAlert[] {
		return this.records.filter((r): r is JsonAlert => r.type === 'alert');
	}

	/** Wait until `probe` returns something for the records so far. */
	async until<T>(what: string, probe: (stream: this) => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = probe(this);
			if (value) return value;
			const left = deadline - Date.now();
			if (left <= 0) throw new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-500)}`);
			await new Promise<void>(resolve => {
				const wake = (): void => {
					this.waiters.delete(wake);
					clearTimeout(timer);
					resolve();
				};
				const timer = setTimeout(wake, Math.min(left, 250));
				this.waiters.add(wake);
			});
		}
	}

	/** Wait for `count` more samples than have come so far (the process has settled, say). */
	async moreSamples(count: number, timeoutMs = 15_000): Promise<void> {
		const from = this.snapshots().length;
		await this.until(`${count} more samples`, s => s.snapshots().length >= from + count, timeoutMs);
	}

	/** Wait until this stream has reported an event of this container (a Reference marker's create, say). */
	async sawEvent(id: string, action: string, timeoutMs = 15_000): Promise<void> {
		await this.until(`the ${action} event of ${id.slice(0, 12)}`, s => s.events().some(e => e.id === id && e.action === action), timeoutMs);
	}

	async stop(): Promise<number | null> {
		if (this.child.exitCode === null) this.child.kill('SIGTERM');
		return this.exited;
	}
}

/**
 * `netwatch --json` for the tests of a file: the function returned starts it and waits for its
 * first snapshot; it is stopped after each test, passed or failed.
 */
export function useNetwatch(): (args?: readonly string[], env?: Record<string, string | undefined>, launch?: Launch) => Promise<JsonStream> {
	let stream: JsonStream | undefined;
	afterEach(async () => {
		await stream?.stop();
		stream = undefined;
	});
	return async (args = [], env = {}, launch = {}) => {
		stream = new JsonStream(args, env, launch);
		await stream.until('the first snapshot', s => s.snapshots().length > 0);
		return stream;
	};
}
