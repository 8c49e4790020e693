/**
 * The entry point: parse the command line, pick a mode, run it, and turn every failure into
 * one line on stderr and an exit status (see EXIT). No stack trace reaches the user.
 */
import {readFileSync} from 'node:fs';
import type {Writable} from 'node:stream';
import {EXIT, HELP, parseCommandLine, USAGE, UsageError, type Command, type WatchOptions} from './args.js';
import {runJsonStream, runOnce} from './headless.js';
import {startSession} from './session.js';

export interface Io {
	readonly stdout: NodeJS.WriteStream | Writable;
	readonly stderr: Writable;
	readonly env: Readonly<Record<string, string | undefined>>;
}

export function version(): string {
	const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string};
	return pkg.version;
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

/** The dashboard needs the real terminal streams. */
function terminalIo(io: Io): {stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream} {
	return {stdout: io.stdout as NodeJS.WriteStream, stdin: process.stdin, stderr: io.stderr as NodeJS.WriteStream};
}

async function watch(options: WatchOptions, io: Io): Promise<number> {
	const session = startSession({interval: options.interval, host: options.host, env: io.env});
	try {
		const isTty = (io.stdout as NodeJS.WriteStream).isTTY === true;
		if (options.once || (!options.json && !isTty)) return await runOnce(session, io, options.json);
		if (options.json) return await runJsonStream(session, io, untilSignal());
		const {runInteractive} = await import('./dashboard.js');
		return await runInteractive(session.store, {...options, bell: options.bell}, terminalIo(io));
	} finally {
		session.stop();
	}
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
	let command: Command;
	try {
		command = parseCommandLine(argv, io.env);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		io.stderr.write(`netwatch: ${error.message}\n${USAGE}\nTry 'netwatch --help' for more.\n`);
		return EXIT.usage;
	}
	switch (command.command) {
		case 'help':
			io.stdout.write(`${HELP}\n`);
			return EXIT.ok;
		case 'version':
			io.stdout.write(`netwatch ${version()}\n`);
			return EXIT.ok;
		case 'replay':
			io.stderr.write('netwatch: replay is not available in this build\n');
			return EXIT.usage;
		case 'watch':
			return watch(command, io);
	}
}

/** Run as a program: exit with main's status; any unexpected error becomes one line. */
export function run(): void {
	const fail = (error: unknown): void => {
		const message = error instanceof Error ? error.message : String(error);
		process.stderr.write(`netwatch: ${message.split('\n')[0]}\n`);
		process.exit(EXIT.failure);
	};
	// a closed pipe (`netwatch --json | head`) is a normal way to stop
	process.stdout.on('error', error => {
		if ((error as NodeJS.ErrnoException).code === 'EPIPE') process.exit(EXIT.ok);
		fail(error);
	});
	process.on('uncaughtException', fail);
	process.on('unhandledRejection', fail);
	main(process.argv.slice(2), {stdout: process.stdout, stderr: process.stderr, env: process.env}).then(
		code => process.exit(code),
		fail,
	);
}
