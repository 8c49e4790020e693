/**
 * Container logs as GET /containers/{id}/logs sends them. Without a TTY the body is
 * multiplexed: frames of an 8-byte header (stream, 0, 0, 0, big-endian length) and a payload.
 * With a TTY it is raw bytes with \r\n line ends. Lines are bounded: a line longer than
 * `maxLine` is cut there, so a container that prints a megabyte without a newline costs a
 * bounded amount of memory.
 */
import {LineSplitter} from './lines.js';

export const MAX_LINE = 8 * 1024;
const HEADER = 8;

/** Streaming: feed chunks as they arrive (a follow), get complete lines back. */
export class LogLineReader {
	private header = Buffer.alloc(0);
	private remaining = 0;
	private stream = 1;
	/** stdout and stderr frames interleave: each stream has its own lines. */
	private readonly lines: Map<number, LineSplitter>;

	/** @param tty the container has a TTY: the stream is raw, not multiplexed */
	constructor(
		private readonly tty: boolean,
		private readonly maxLine = MAX_LINE,
	) {
		this.lines = new Map();
	}

	private splitter(stream: number): LineSplitter {
		let lines = this.lines.get(stream);
		if (!lines) {
			lines = new LineSplitter({maxLine: this.maxLine, overlong: 'cut'});
			this.lines.set(stream, lines);
		}
		return lines;
	}

	push(chunk: Buffer): string[] {
		if (this.tty) return this.splitter(1).push(chunk);
		const out: string[] = [];
		let offset = 0;
		while (offset < chunk.length) {
			if (this.remaining === 0) {
				const need = HEADER - this.header.length;
				this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + need)]);
				offset += Math.min(need, chunk.length - offset);
				if (this.header.length < HEADER) break;
				this.stream = this.header[0]!;
				this.remaining = this.header.readUInt32BE(4);
				this.header = Buffer.alloc(0);
				continue;
			}
			const take = Math.min(this.remaining, chunk.length - offset);
			out.push(...this.splitter(this.stream).push(chunk.subarray(offset, offset + take)));
			this.remaining -= take;
			offset += take;
		}
		return out;
	}

	end(): string[] {
		return [...this.lines.values()].flatMap(lines => lines.end());
	}
}

/** A whole log body (not followed) -> its lines. */
export function logLines(body: Buffer, tty: boolean, maxLine = MAX_LINE): string[] {
	const reader = new LogLineReader(tty, maxLine);
	return [...reader.push(body), ...reader.end()];
}

/** A line of a log read with timestamps, and the time Docker gave it (RFC 3339, nanoseconds; '' if none). */
export interface TimedLine {
	readonly time: string;
	readonly text: string;
}

const STAMP = /^(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)) (.*)$/s;

/** `2026-12-02T15:00:00.123456789Z text` -> its time and its text. */
export function timedLine(line: string): TimedLine {
	const m = STAMP.exec(line);
	return m ? {time: m[1]!, text: m[2]!} : {time: '', text: line};
}
