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

export class PtyScreen {
	readonly term: InstanceType<typeof Terminal>;
	readonly process: pty.IPty;
	readonly exited: Promise<ExitStatus>;
	/** Everything the program wrote, raw. */
	output = '';
	private parsing: Promise<void> = Promise.resolve();

	constructor(args: readonly string[], options: PtyOptions = {}) {
		const cols = options.cols ?? 160;
		const rows = options.rows ?? 48;
		this.term = new Terminal({cols, rows, allowProposedApi: true, scrollback: 1000});
		const env = childEnv({TERM: 'xterm-256color', COLORTERM: 'truecolor', ...options.env}) as Record<string, string>;
		const [file, argv] = options.shell !== undefined ? ['sh', ['-c', options.shell]] : [BIN, [...args]];
		this.process = pty.spawn(file, argv, {name: 'xterm-256color', cols, rows, cwd: process.cwd(), env});
		this.process.onData(data => {
			this.output += data;
			this.parsing = this.parsing.then(() => new Promise<void>(resolve => this.term.write(data, resolve)));
		});
		this.exited = new Promise(resolve => this.process.onExit(status => resolve(status)));
	}

	/** Wait until every byte received so far is on the emulated screen. */
	async settle(): Promise<void> {
		await this.parsing;
	}

	/** The visible screen, one string per row, trailing spaces trimmed. */
	async lines(): Promise<string[]> {
		await this.settle();
		const buffer = this.term.buffer.active;
		const out: string[] = [];
		for (let y = 0; y < this.term.rows; y++) out.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
		return out;
	}

	async text(): Promise<string> {
		return (await this.lines()).join('\n');
	}

	/** Wait until the screen matches. */
	async waitFor(pattern: RegExp | ((screen: string) => boolean), timeoutMs = 15_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		const test = typeof pattern === 'function' ? pattern : (s: string) => pattern.test(s);
		for (;;) {
			const screen = await this.text();
			if (test(screen)) return screen;
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}; the screen was:\n${screen}`);
			await new Promise(r => setTimeout(r, 100));
		}
	}

	/** Type keys (after letting the program's input handler attach). */
	async press(keys: string): Promise<void> {
		this.process.write(keys);
		await new Promise(r => setTimeout(r, 150));
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
