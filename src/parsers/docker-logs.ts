/**
 * Container logs as GET /containers/{id}/logs sends them. Without a TTY the body is
 * multiplexed: frames of an 8-byte header (stream, 0, 0, 0, big-endian length) and a payload.
 * With a TTY it is raw bytes with \r\n line ends. Lines are bounded: a line longer than
 * `maxLine` is cut there, so a container that prints a megabyte without a newline costs a
 * bounded amount of memory.
 */
import {StringDecoder} from 'node:string_decoder';

export const MAX_LINE = 8 * 1024;
const HEADER = 8;

/** Cuts a byte stream into lines of at most `maxLine` characters. */
class BoundedLines {
	private readonly decoder = new StringDecoder('utf8');
	private pending = '';
	/** Inside a line that was already cut: skip to its end. */
	private skipping = false;

	constructor(private readonly maxLine: number) {}

	push(bytes: Buffer, out: string[]): void {
		let text = this.decoder.write(bytes);
		while (text.length > 0) {
			const newline = text.indexOf('\n');
			const piece = newline < 0 ? text : text.slice(0, newline);
			if (!this.skipping) {
				this.pending += piece.slice(0, Math.max(0, this.maxLine - this.pending.length));
				if (this.pending.length >= this.maxLine && newline < 0) {
					out.push(this.pending.replace(/\r$/, ''));
					this.pending = '';
					this.skipping = true;
				}
			}
			if (newline < 0) break;
			if (!this.skipping) out.push(this.pending.replace(/\r$/, ''));
			this.pending = '';
			this.skipping = false;
			text = text.slice(newline + 1);
		}
	}

	end(out: string[]): void {
		const rest = this.pending + this.decoder.end();
		if (!this.skipping && rest !== '') out.push(rest.replace(/\r$/, '').slice(0, this.maxLine));
		this.pending = '';
	}
}

/** Streaming: feed chunks as they arrive (a follow), get complete lines back. */
export class LogLineReader {
	private header = Buffer.alloc(0);
	private remaining = 0;
	private readonly lines: BoundedLines;

	/** @param tty the container has a TTY: the stream is raw, not multiplexed */
	constructor(
		private readonly tty: boolean,
		maxLine = MAX_LINE,
	) {
		this.lines = new BoundedLines(maxLine);
	}

	push(chunk: Buffer): string[] {
		const out: string[] = [];
		if (this.tty) {
			this.lines.push(chunk, out);
			return out;
		}
		let offset = 0;
		while (offset < chunk.length) {
			if (this.remaining === 0) {
				const need = HEADER - this.header.length;
				this.header = Buffer.concat([this.header, chunk.subarray(offset, offset + need)]);
				offset += Math.min(need, chunk.length - offset);
				if (this.header.length < HEADER) break;
				this.remaining = this.header.readUInt32BE(4);
				this.header = Buffer.alloc(0);
				continue;
			}
			const take = Math.min(this.remaining, chunk.length - offset);
			this.lines.push(chunk.subarray(offset, offset + take), out);
			this.remaining -= take;
			offset += take;
		}
		return out;
	}

	end(): string[] {
		const out: string[] = [];
		this.lines.end(out);
		return out;
	}
}

/** A whole log body (not followed) -> its lines. */
export function logLines(body: Buffer, tty: boolean, maxLine = MAX_LINE): string[] {
	const reader = new LogLineReader(tty, maxLine);
	return [...reader.push(body), ...reader.end()];
}
