/**
 * The real program in a pseudo-terminal of a chosen size (node-pty), its output fed to a
 * terminal emulator (@xterm/headless), so tests assert on what a user would see: the screen,
 * ghost lines and all, and the state the terminal is left in.
 */
import xterm from '@xterm/headless';
import * as pty from 'node-pty';
import {BIN, childEnv} from './netwatch.js';

const {Terminal} = xterm;

export interface ExitStatus {
	readonly exitCode: number;
	readonly signal?: number | undefined;
}

export interface PtyOptions {
	readonly cols?: number;
	readonly rows?: number;
	readonly env?: Record<string, string | undefined>;
	/** Run through `sh -c` so a command can follow netwatch (e.g. `stty -a`). */
	readonly shell?: string;
}

/**
 * What a `shell` runs after netwatch to report the terminal's state: `stty -a`, then a marker,
 * so that a test waits for the whole report (its lines arrive in more than one write).
 */
export const TTY_REPORT = 'stty -a; echo END-OF-TTY-REPORT; sleep 5';
export const TTY_REPORT_END = /END-OF-TTY-REPORT/;

/** The clock on the dashboard's top line (the time of the sample shown). */
export function headerClock(screen: string): string | undefined {
	return /(\d\d:\d\d:\d\d)/.exec(screen.split('\n')[0]!)?.[1];
}

/** A synchronized update: Ink wraps each frame in ESC[?2026h … ESC[?2026l. */
const FRAME_START = '\u001b[?2026h';
const FRAME_END = '\u001b[?2026l';

export class PtyScreen {
	readonly term: InstanceType<typeof Terminal>;
	readonly process: pty.IPty;
	readonly exited: Promise<ExitStatus>;
	/** Everything the program wrote, raw. */
	output = '';
	private parsing: Promise<void> = Promise.resolve();
	/** Called after each piece of output is on the emulated screen; `frame` when it ended a frame. */
	private readonly watchers = new Set<(frame: boolean) => void>();
	/** Inside a frame that has not all arrived: the screen is half old, half new. */
	private midFrame = false;

	constructor(args: readonly string[], options: PtyOptions = {}) {
		const cols = options.cols ?? 160;
		const rows = options.rows ?? 48;
		this.term = new Terminal({cols, rows, allowProposedApi: true, scrollback: 1000});
		const env = childEnv({TERM: 'xterm-256color', COLORTERM: 'truecolor', ...options.env}) as Record<string, string>;
		const [file, argv] = options.shell !== undefined ? ['sh', ['-c', options.shell]] : [BIN, [...args]];
		// node-pty sets TERM to `name`: the terminal a test asks for (TERM=dumb) is the name
		this.process = pty.spawn(file, argv, {name: env['TERM']!, cols, rows, cwd: process.cwd(), env});
		this.process.onData(data => {
			this.output += data;
			// a frame ends where a synchronized update ends: the screen is whole there
			const pieces = data.split(FRAME_END);
			pieces.forEach((piece, i) => {
				const frame = i < pieces.length - 1;
				this.parsing = this.parsing.then(
					() =>
						new Promise<void>(resolve =>
							this.term.write(frame ? piece + FRAME_END : piece, () => {
								this.midFrame = !frame && (piece.includes(FRAME_START) || this.midFrame);
								if (frame) this.midFrame = false;
								for (const watcher of [...this.watchers]) watcher(frame);
								resolve();
							}),
						),
				);
			});
		});
		this.exited = new Promise(resolve => this.process.onExit(status => resolve(status)));
	}

	/** Wait until every byte received so far is on the emulated screen. */
	async settle(): Promise<void> {
		await this.parsing;
	}

	/** The visible screen now, one string per row, trailing spaces trimmed. */
	screenLines(): string[] {
		const buffer = this.term.buffer.active;
		const out: string[] = [];
		for (let y = 0; y < this.term.rows; y++) out.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
		return out;
	}

	/** The visible screen, once everything received so far is on it. */
	async lines(): Promise<string[]> {
		await this.settle();
		return this.screenLines();
	}

	async text(): Promise<string> {
		return (await this.lines()).join('\n');
	}

	/**
	 * Wait until `test` holds for the screen, checked each time output reaches it (and at once),
	 * but never half-way through a frame; with `frames`, only when a whole frame has just landed.
	 * Resolves with the screen.
	 */
	async waitFor(pattern: RegExp | ((screen: string) => boolean), timeoutMs = 15_000, frames = false): Promise<string> {
		const test = typeof pattern === 'function' ? pattern : (s: string) => pattern.test(s);
		const now = await this.text();
		if (!frames && !this.midFrame && test(now)) return now;
		return new Promise((resolve, reject) => {
			const done = (): void => {
				clearTimeout(timer);
				this.watchers.delete(watch);
			};
			const watch = (frame: boolean): void => {
				if (frames ? !frame : this.midFrame) return;
				const screen = this.screenLines().join('\n');
				if (!test(screen)) return;
				done();
				resolve(screen);
			};
			const timer = setTimeout(() => {
				done();
				reject(new Error(`timed out waiting for ${String(pattern)}; the screen was:\n${this.screenLines().join('\n')}`));
			}, timeoutMs);
			this.watchers.add(watch);
		});
	}

	/** The next whole frame that satisfies `test` (any frame, by default). */
	nextFrame(test: (screen: string) => boolean = () => true, timeoutMs = 15_000): Promise<string> {
		return this.waitFor(test, timeoutMs, true);
	}

	/** Call `listener` with every whole frame, until the returned function is called. */
	onFrame(listener: (screen: string) => void): () => void {
		const watch = (frame: boolean): void => {
			if (frame) listener(this.screenLines().join('\n'));
		};
		this.watchers.add(watch);
		return () => this.watchers.delete(watch);
	}

	/** Type keys. netwatch reads the terminal raw from its start, so nothing typed is lost. */
	press(keys: string): void {
		this.process.write(keys);
	}

	/**
	 * Type keys and time them: the milliseconds until a whole frame on the emulated screen
	 * satisfies `test`.
	 */
	async keyToScreen(keys: string, test: (screen: string) => boolean, timeoutMs = 5_000): Promise<number> {
		await this.settle();
		if (test(this.screenLines().join('\n'))) throw new Error('keyToScreen: the screen shows it before the key');
		return new Promise((resolve, reject) => {
			const pressed = performance.now();
			const done = (): void => {
				clearTimeout(timer);
				this.watchers.delete(watch);
			};
			const watch = (frame: boolean): void => {
				if (!frame || !test(this.screenLines().join('\n'))) return;
				done();
				resolve(performance.now() - pressed);
			};
			const timer = setTimeout(() => {
				done();
				reject(new Error(`no screen change within ${timeoutMs} ms of the key ${JSON.stringify(keys)}`));
			}, timeoutMs);
			this.watchers.add(watch);
			this.press(keys);
		});
	}

	resize(cols: number, rows: number): void {
		this.process.resize(cols, rows);
		this.term.resize(cols, rows);
	}

	/** Whether the program's last word on the cursor was "show". */
	cursorShown(): boolean {
		const hide = this.output.lastIndexOf('\u001b[?25l');
		const show = this.output.lastIndexOf('\u001b[?25h');
		return show > hide;
	}

	inAlternateScreen(): boolean {
		return this.term.buffer.active.type === 'alternate';
	}

	kill(signal = 'SIGKILL'): void {
		try {
			this.process.kill(signal);
		} catch {
			// already gone
		}
	}

	dispose(): void {
		this.kill();
		this.term.dispose();
	}
}
