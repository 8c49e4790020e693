/**
 * The entry point: parse the command line, pick a mode, run it, and turn every failure into
 * one line on stderr and an exit status (see EXIT). No stack trace reaches the user.
 */
import {readFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {EXIT, HELP, parseCommandLine, USAGE, UsageError, type Command, type WatchOptions} from './args.js';
import {runJsonStream, runOnce, runPlainStream, type Watched} from './headless.js';
import {terminalIo, warn, type Io} from './io.js';
import {raisePriority} from './priority.js';
import {plainTerminalReason, restoreTerminal} from './terminal.js';
import type {MetricsServer} from '../output/metrics.js';
import {fileSink, Recorder, type RecordSink} from '../record/recorder.js';
import {Fleet} from '../store/fleet.js';
import {engineName, everyContext, startSession} from './session.js';


/** netwatch's own package.json, found upwards from this file (dist/cli/ or the bundle in dist/bundle/). */
export function version(): string {
	for (let dir = new URL('.', import.meta.url); dir.pathname !== '/'; dir = new URL('..', dir)) {
		try {
			const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as {name?: string; version?: string};
			if (pkg.name === 'netwatch' && pkg.version) return pkg.version;
		} catch {
			// not here: one level up
		}
	}
	return 'unknown';
}

/** Resolves on SIGINT, SIGTERM or SIGHUP. */
function untilSignal(): Promise<void> {
	return new Promise(resolve => {
		const done = (): void => {
			for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, done);
			resolve();
		};
		for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, done);
	});
}


/** NETWATCH_FAULT=view or timer: a fault injected into the dashboard, for the tests of its ways out. */
function faultAsked(env: Io['env']): 'view' | 'timer' | undefined {
	const fault = env['NETWATCH_FAULT'];
	return fault === 'view' || fault === 'timer' ? fault : undefined;
}

/** A recording of this session, begun before anything happens, so that it has it all. */
function recorderTo(sink: RecordSink, options: WatchOptions): Recorder {
	return new Recorder(sink, {interval: options.interval, hostname: hostname(), netwatchVersion: version()});
}

/**
 * `--agent`, run over ssh by a netwatch elsewhere (`-H ssh://…`): this host's session, every
 * action written to stdout as a recording is, until ssh closes stdin or a signal comes.
 */
async function serveAgent(options: WatchOptions, io: Io): Promise<number> {
	const recorder = recorderTo({name: 'stdout', write: line => io.stdout.write(line), close: () => undefined}, options);
	const session = startSession({interval: options.interval, host: undefined, context: undefined, env: io.env, recorder});
	const closed = new Promise<void>(resolve => process.stdin.once('end', resolve).once('error', () => resolve()).resume());
	void session.dockerReady.then(() => session.sampleNow());
	await Promise.race([untilSignal(), closed, session.fatal]);
	session.stop();
	return EXIT.ok;
}

async function watch(options: WatchOptions, io: Io): Promise<number> {
	let recorder: Recorder | null;
	try {
		recorder = options.record === null ? null : recorderTo(fileSink(options.record), options);
	} catch (error) {
		warn(io.stderr, `cannot record to ${options.record}: ${(error as Error).message.replace(/^\w+: /, '')}`);
		return EXIT.file;
	}
	const engines = options.allContexts ? everyContext(io.env) : options.engines;
	const several = engines.length > 1;
	const ours = version();
	const sessions: Watched[] = engines.map((flags, i) => ({
		name: several ? engineName(flags) : null,
		session: startSession({
			interval: options.interval,
			host: flags.host,
			context: flags.context,
			env: io.env,
			// with one engine only: the command line says so
			recorder: i === 0 ? recorder : null,
			captions: options.captions,
			scope: options.scope,
			remoteNetwatch: options.remoteNetwatch,
			version: ours,
		}),
	}));
	const first = sessions[0]!.session;
	// a reason to stop that retrying cannot cure (ssh refused the host key): status 3. Of several
	// engines, the others go on: only when every one is refused does netwatch stop.
	let fatal: string | null = null;
	const failed = Promise.all(sessions.map(({name, session}) => session.fatal.then(reason => (name === null ? reason : `${name}: ${reason}`)))).then(reasons => {
		fatal = reasons.join('; ');
	});
	const done = Promise.race([untilSignal(), failed]);
	const unit = options.bits ? 'bits' : 'bytes';
	let metrics: MetricsServer | null = null;
	let live = true;
	try {
		if (options.metrics) {
			// prom-client is loaded only for --metrics
			const {metricsRegistry, serveMetrics} = await import('../output/metrics.js');
			try {
				metrics = await serveMetrics(metricsRegistry(() => first.store.getSnapshot()), options.metrics);
			} catch (error) {
				warn(io.stderr, (error as Error).message);
				return EXIT.failure;
			}
		}
		const isTty = (io.stdout as NodeJS.WriteStream).isTTY === true;
		if (options.once || (!options.json && !isTty && !metrics)) return await runOnce(sessions, io, {json: options.json, unit, whole: !isTty});
		// watching from here on: keep up on a busy host
		raisePriority();
		// a sample as soon as Docker has answered: the containers' rates then show one interval
		// after that, instead of up to two
		for (const {session} of sessions) void session.dockerReady.then(() => live && session.sampleNow());
		let code: number;
		const plain = options.plain ? 'asked for with --plain' : plainTerminalReason(io.env);
		if (options.json) code = await runJsonStream(sessions, io, done);
		else if (!isTty) {
			// --metrics alone, as a service: nothing on stdout
			warn(io.stderr, `serving OpenMetrics at ${metrics!.url} until stopped`);
			await done;
			code = EXIT.ok;
		} else if (plain !== null) code = await runPlainStream(sessions, io, done, plain, unit);
		else {
			const {runInteractive} = await import('./dashboard.js');
			const fleet = several ? new Fleet(sessions.map(({name, session}) => ({name: name!, store: session.store}))) : null;
			code = await runInteractive(fleet ?? first.store, {...options, fault: faultAsked(io.env), end: failed, hosts: fleet?.command}, terminalIo(io));
		}
		if (fatal === null) return code;
		// --json says every Docker error as the collector reports it, each engine's by name: this one
		// too, if it came that way
		const said = options.json && (several || first.store.getState().docker.error === fatal);
		if (!said) warn(io.stderr, fatal);
		return EXIT.docker;
	} finally {
		live = false;
		metrics?.server.close();
		for (const {session} of sessions) session.stop();
		recorder?.close();
		if (recorder?.error) warn(io.stderr, recorder.error);
	}
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
	let command: Command;
	try {
		command = parseCommandLine(argv, io.env);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		warn(io.stderr, error.message);
		io.stderr.write(`${USAGE}\nTry 'netwatch --help' for more.\n`);
		return EXIT.usage;
	}
	switch (command.command) {
		case 'help':
			io.stdout.write(`${HELP}\n`);
			return EXIT.ok;
		case 'version':
			io.stdout.write(`netwatch ${version()}\n`);
			return EXIT.ok;
		case 'replay': {
			const {runReplay} = await import('./replay.js');
			return runReplay(command, io);
		}
		case 'watch':
			return command.agent ? serveAgent(command, io) : watch(command, io);
	}
}

/**
 * Node's deprecation warnings speak to the authors of the code, not to the users of a tool, and
 * written to stderr they would break a one-line error or draw over the dashboard. (docker-modem
 * sets one off with an ssh:// host: DEP0170, a URL it builds.) Asked for with Node's own flags
 * (--trace-deprecation, --throw-deprecation), they are left on.
 */
function quietDeprecations(execArgv: readonly string[], nodeOptions: string | undefined): void {
	const asked = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some(flag => /^--(trace|throw)-deprecation$/.test(flag));
	if (!asked) process.noDeprecation = true;
}

/** Run as a program: exit with main's status; any unexpected error becomes one line. */
export function run(): void {
	const fail = (error: unknown): void => {
		const message = error instanceof Error ? error.message : String(error);
		restoreTerminal();
		warn(process.stderr, message);
		process.exit(EXIT.failure);
	};
	// a closed pipe (`netwatch --json | head`) is a normal way to stop
	process.stdout.on('error', error => {
		if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(EXIT.ok);
		fail(error);
	});
	process.on('uncaughtException', fail);
	process.on('unhandledRejection', fail);
	quietDeprecations(process.execArgv, process.env['NODE_OPTIONS']);
	main(process.argv.slice(2), {stdout: process.stdout, stderr: process.stderr, env: process.env}).then(
		// a pipe takes what does not fit in its buffer (64 KB) later: exit once it has all gone
		code => process.stdout.write('', () => process.exit(code)),
		fail,
	);
}
