/**
 * `--captions FILE`: the last line written to FILE is the caption, for an audience. A demo
 * script appends its narration there; this reads the file's end whenever it changes and
 * dispatches the newest non-empty line, sanitised (anyone may write to the file).
 */
import {closeSync, fstatSync, openSync, readSync, statSync} from 'node:fs';
import {sanitize} from '../util/sanitize.js';
import type {Action} from '../store/actions.js';

/** Only the file's end is read: a caption longer than this is cut. */
const TAIL_BYTES = 4096;
/**
 * How often the file is looked at (a stat; it is read only when that changed). Polling sees a
 * file that does not exist yet, or is replaced.
 */
const POLL_MS = 200;

/** The caption in a file's end: its last non-empty line, sanitised and trimmed, or null. */
export function lastCaption(tail: string): string | null {
	const lines = tail.split(/\r?\n/).map(l => sanitize(l).trim());
	for (let i = lines.length - 1; i >= 0; i--) if (lines[i]) return lines[i]!;
	return null;
}

function readTail(path: string): string {
	let fd: number;
	try {
		fd = openSync(path, 'r');
	} catch {
		return '';
	}
	try {
		const size = fstatSync(fd).size;
		const length = Math.min(size, TAIL_BYTES);
		const buffer = Buffer.alloc(length);
		readSync(fd, buffer, 0, length, size - length);
		return buffer.toString('utf8');
	} catch {
		return '';
	} finally {
		closeSync(fd);
	}
}

/** What changes when a file is written or replaced; '' when it is not there. */
function version(path: string): string {
	try {
		const s = statSync(path);
		return `${s.ino}:${s.size}:${s.mtimeMs}`;
	} catch {
		return '';
	}
}

export class CaptionCollector {
	private shown: string | null = null;
	private seen: string | null = null;
	private timer: NodeJS.Timeout | undefined;
	private readonly check = (): void => {
		const now = version(this.path);
		if (now === this.seen) return;
		this.seen = now;
		const caption = lastCaption(readTail(this.path));
		if (caption === this.shown) return;
		this.shown = caption;
		this.dispatch({type: 'caption', text: caption});
	};

	constructor(
		private readonly path: string,
		private readonly dispatch: (action: Action) => void,
	) {}

	start(): void {
		this.check();
		this.timer = setInterval(this.check, POLL_MS).unref();
	}

	stop(): void {
		clearInterval(this.timer);
	}
}
