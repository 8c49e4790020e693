/** The streams and environment a command runs with: the process's, or a test's. */
import type {Writable} from 'node:stream';
import {sanitize} from '../util/sanitize.js';

export interface Io {
	readonly stdout: NodeJS.WriteStream | Writable;
	readonly stderr: Writable;
	readonly env: Readonly<Record<string, string | undefined>>;
}

/** The dashboard needs the real terminal streams. */
export function terminalIo(io: Io): {stdout: NodeJS.WriteStream; stdin: NodeJS.ReadStream; stderr: NodeJS.WriteStream} {
	return {stdout: io.stdout as NodeJS.WriteStream, stdin: process.stdin, stderr: io.stderr as NodeJS.WriteStream};
}

/**
 * One line on stderr: `netwatch: <message>`. Messages carry text from Docker, from files and
 * from the command line, so only the first line is kept and it is sanitised like the screen.
 */
export function warn(stderr: Writable, message: string): void {
	stderr.write(`netwatch: ${sanitize(message.split('\n')[0]!)}\n`);
}
