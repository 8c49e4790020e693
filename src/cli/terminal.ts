/**
 * The terminal around the dashboard: the alternate screen on the way in, and everything put
 * back on the way out, however the way out happens: q, Ctrl-C, SIGINT, SIGTERM, SIGHUP (an SSH
 * connection that drops) or an error. Every write is allowed to fail: after SIGHUP there may be
 * no terminal left to write to.
 */

import {spawnSync} from 'node:child_process';

export const ENTER_ALT_SCREEN = '\u001b[?1049h\u001b[H\u001b[2J';
export const LEAVE_ALT_SCREEN = '\u001b[?1049l';
export const NO_WRAP = '\u001b[?7l';
export const WRAP = '\u001b[?7h';
export const SHOW_CURSOR = '\u001b[?25h';

export interface TerminalStreams {
	readonly stdout: NodeJS.WriteStream;
	readonly stdin: NodeJS.ReadStream;
}

/**
 * Why this terminal cannot take the dashboard, or null if it can. The dashboard needs the
 * alternate screen and cursor addressing: TERM=dumb has neither, and a TERM that terminfo does
 * not know may have neither. `tput` answers from the same database as every curses program
 * (status 1: no such capability, 3: an unknown terminal); without tput, TERM is trusted.
 */
export function plainTerminalReason(env: Readonly<Record<string, string | undefined>>): string | null {
	const term = env['TERM'] ?? '';
	if (term === '') return 'TERM is not set';
	if (term === 'dumb') return 'TERM=dumb';
	const probe = spawnSync('tput', ['-T', term, 'cup', '0', '0'], {stdio: 'ignore', timeout: 2_000});
	if (probe.error) return null;
	// (kitty, alacritty and the like over SSH, to a host without their entry, speak xterm)
	if (probe.status === 3) return `terminfo does not know TERM=${term}; with TERM=xterm-256color, an xterm-like terminal gets the dashboard`;
	if (probe.status !== 0) return `TERM=${term} cannot address the cursor`;
	return null;
}

function tryWrite(stream: NodeJS.WriteStream, text: string): void {
	try {
		stream.write(text);
	} catch {
		// the terminal is gone
	}
}

/** The guard in charge, if the dashboard is up: an error on its way out restores through it. */
let active: TerminalGuard | null = null;

/** Put the terminal back now, if the dashboard had taken it (before printing a fatal error). */
export function restoreTerminal(): void {
	active?.restore();
}

export class TerminalGuard {
	private active = false;
	private readonly onExit = (): void => this.restore();

	constructor(private readonly streams: TerminalStreams) {}

	enter(): void {
		this.active = true;
		active = this;
		process.on('exit', this.onExit);
		// after SIGHUP the terminal is gone: a failed write must not become an uncaught error
		this.streams.stdout.on('error', () => undefined);
		// raw from the start: a key typed while the dashboard starts is neither echoed over it nor
		// held back until Enter, but read as a key once the dashboard listens
		const {stdin} = this.streams;
		if (stdin.isTTY) {
			try {
				stdin.setRawMode(true);
			} catch {
				// not a terminal after all
			}
		}
		tryWrite(this.streams.stdout, ENTER_ALT_SCREEN + NO_WRAP);
	}

	/** Put the terminal back: line wrap, cursor, the normal screen, cooked mode. Safe to call twice. */
	restore(): void {
		if (!this.active) return;
		this.active = false;
		if (active === this) active = null;
		process.off('exit', this.onExit);
		const {stdin, stdout} = this.streams;
		if (stdin.isTTY) {
			try {
				stdin.setRawMode(false);
			} catch {
				// not a terminal any more
			}
		}
		tryWrite(stdout, WRAP + SHOW_CURSOR + LEAVE_ALT_SCREEN);
	}
}
