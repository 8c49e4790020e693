/**
 * Bytes to lines, with bounded memory: UTF-8 decoded across chunk boundaries, and a line that
 * grows past `maxLine` characters either cut there (a log line: its start is what matters) or
 * dropped whole (an event: a cut one would not parse anyway). Either way it is counted in
 * `overlong`.
 */
import {StringDecoder} from 'node:string_decoder';

export interface LineOptions {
	readonly maxLine: number;
	readonly overlong: 'cut' | 'drop';
}

export class LineSplitter {
	private readonly decoder = new StringDecoder('utf8');
	private pending = '';
	/** Inside a line that is already too long: skip to its end. */
	private skipping = false;
	/** Lines that were too long, so far. */
	overlong = 0;

	constructor(private readonly options: LineOptions) {}

	/** Characters held back because no newline has arrived yet. */
	get pendingLength(): number {
		return this.pending.length;
	}

	/** Feed a chunk; get back the lines it completed (without their \r\n or \n). */
	push(chunk: Buffer | string): string[] {
		const out: string[] = [];
		let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
		for (;;) {
			const newline = text.indexOf('\n');
			const piece = newline < 0 ? text : text.slice(0, newline);
			if (!this.skipping) {
				this.pending += piece;
				if (this.pending.length > this.options.maxLine) this.tooLong(out);
			}
			if (newline < 0) return out;
			if (!this.skipping) out.push(this.pending.replace(/\r$/, ''));
			this.pending = '';
			this.skipping = false;
			text = text.slice(newline + 1);
		}
	}

	/** The last line, if the stream ended without a newline. */
	end(): string[] {
		const rest = this.skipping ? '' : this.pending + this.decoder.end();
		this.pending = '';
		this.skipping = false;
		return rest.trim() === '' ? [] : [rest.replace(/\r$/, '').slice(0, this.options.maxLine)];
	}

	private tooLong(out: string[]): void {
		this.overlong++;
		if (this.options.overlong === 'cut') out.push(this.pending.slice(0, this.options.maxLine));
		this.pending = '';
		this.skipping = true;
	}
}
