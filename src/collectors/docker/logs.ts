/**
 * Container logs for the diagnoses: the tail of a run, read once, or the lines of a running
 * container as they come. Bounded both ways: a read keeps at most LOG_TAIL lines and gives up
 * after LOG_TIMEOUT_MS; a line is cut at MAX_LINE bytes (docker-logs.ts).
 */
import type {IncomingMessage} from 'node:http';
import type {DockerApi} from '../../docker/api.js';
import type {ContainerInfo} from '../../model.js';
import {LogLineReader, timedLine, type TimedLine} from '../../parsers/docker-logs.js';

/** Lines of a log that are read at most. */
const LOG_TAIL = 200;
/** Longest wait for a log. */
const LOG_TIMEOUT_MS = 5_000;

export interface LogFollow {
	stop(): void;
}

function collect(stream: IncomingMessage, tty: boolean, timeoutMs: number): Promise<string[]> {
	const reader = new LogLineReader(tty);
	const lines: string[] = [];
	const keep = (more: readonly string[]): void => {
		lines.push(...more);
		if (lines.length > LOG_TAIL) lines.splice(0, lines.length - LOG_TAIL);
	};
	return new Promise(resolve => {
		const timer = setTimeout(() => stream.destroy(), timeoutMs);
		let done = false;
		const finish = (): void => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			keep(reader.end());
			resolve(lines);
		};
		stream.on('data', (chunk: Buffer) => keep(reader.push(chunk)));
		stream.on('end', finish);
		stream.on('close', finish);
		stream.on('error', finish);
	});
}

/** The last LOG_TAIL lines since `since` (unix seconds), as a stream that ends now: a huge log costs no more. */
export async function readLog(api: DockerApi, c: ContainerInfo, since: number | undefined, now = Date.now()): Promise<string[]> {
	const stream = await api.followLogs(c.id, {tail: LOG_TAIL, until: Math.ceil(now / 1000) + 1, ...(since !== undefined ? {since} : {})});
	return collect(stream, c.tty, LOG_TIMEOUT_MS);
}

export interface FollowHandlers {
	/** Each batch of lines, with their times. */
	readonly lines: (lines: readonly TimedLine[]) => void;
	/** The log ended (the container stopped), failed, or could not be opened. */
	readonly end: () => void;
}

/** Follow a running container's log from `since` (unix seconds). */
export function followLog(api: DockerApi, c: ContainerInfo, since: number, on: FollowHandlers): LogFollow {
	let stream: IncomingMessage | null = null;
	let stopped = false;
	const reader = new LogLineReader(c.tty);
	api.followLogs(c.id, {since, timestamps: true})
		.then(s => {
			stream = s;
			if (stopped) s.destroy();
			s.on('data', (chunk: Buffer) => {
				const lines = reader.push(chunk).map(timedLine);
				if (lines.length > 0 && !stopped) on.lines(lines);
			});
			s.on('end', on.end);
			s.on('close', on.end);
			s.on('error', on.end);
		})
		.catch(on.end);
	return {
		stop() {
			stopped = true;
			stream?.destroy();
		},
	};
}
