/**
 * The Ink patch that netwatch carries (patches/ink+6.8.0.patch) rewrites a changed line only
 * where it changed. Whatever the characters, the terminal must end up showing what a full
 * redraw of the same frame shows: both are fed to a terminal emulator and compared.
 */
import {EventEmitter} from 'node:events';
import xterm from '@xterm/headless';
import {render, Text, Box} from 'ink';
import {describe, expect, it, vi} from 'vitest';

// Ink draws only the last frame when it believes it runs in CI (CI=true, as CI sets it); it
// reads that as it loads, so the variable is set before Ink is imported
vi.hoisted(() => {
	process.env['CI'] = 'false';
});

// a pseudo-terminal turns \n into \r\n (onlcr): so does the emulator here
const COLS = 40;
const ROWS = 8;

/** A stdout that feeds a terminal emulator. */
class TerminalOut extends EventEmitter {
	readonly columns = COLS;
	readonly rows = ROWS;
	readonly isTTY = true;
	readonly term = new xterm.Terminal({cols: COLS, rows: ROWS, allowProposedApi: true, convertEol: true});
	private parsing: Promise<void> = Promise.resolve();
	/** Everything written, raw. */
	written = '';
	write(data: string): boolean {
		this.written += data;
		this.parsing = this.parsing.then(() => new Promise<void>(resolve => this.term.write(data, resolve)));
		return true;
	}
	async screen(): Promise<string[]> {
		await this.parsing;
		const buffer = this.term.buffer.active;
		return Array.from({length: ROWS}, (_, y) => buffer.getLine(y)?.translateToString(true) ?? '');
	}
}

class Keys extends EventEmitter {
	readonly isTTY = false;
	setEncoding(): void {}
	setRawMode(): void {}
	ref(): void {}
	unref(): void {}
	read(): null {
		return null;
	}
}

// one row short of the terminal, as the dashboard: a frame as tall as the terminal is cleared
// and drawn whole by Ink, every time
function Frame({lines}: {lines: readonly string[]}) {
	return (
		<Box flexDirection="column" width={COLS} height={ROWS - 1}>
			{lines.map((line, i) => (
				<Text key={i} color={i % 2 ? 'cyan' : undefined} wrap="truncate-end">
					{line}
				</Text>
			))}
		</Box>
	);
}

/**
 * Draw `frames` one after another, incrementally; and the last one alone, from scratch. `last`
 * is what the last update wrote.
 */
async function drawn(frames: readonly (readonly string[])[]): Promise<{incremental: string[]; fresh: string[]; last: string}> {
	const options = {stdin: new Keys() as never, exitOnCtrlC: false, patchConsole: false, maxFps: 1000, incrementalRendering: true};
	const out = new TerminalOut();
	const app = render(<Frame lines={frames[0]!} />, {...options, stdout: out as never});
	let before = 0;
	for (const lines of frames.slice(1)) {
		await new Promise(r => setTimeout(r, 5));
		before = out.written.length;
		app.rerender(<Frame lines={lines} />);
	}
	await new Promise(r => setTimeout(r, 20));
	const last = out.written.slice(before);
	const incremental = await out.screen();
	app.unmount();
	const alone = new TerminalOut();
	const second = render(<Frame lines={frames.at(-1)!} />, {...options, stdout: alone as never});
	await new Promise(r => setTimeout(r, 20));
	const fresh = await alone.screen();
	second.unmount();
	return {incremental, fresh, last};
}

describe('the carried Ink patch: partial rewrites of a line', () => {
	it('leave the screen as a full redraw would, for plain text', async () => {
		const {incremental, fresh, last} = await drawn([
			['eth0  up   1.0 KB/s   2.0 KB/s', 'web1  running  bridge', 'a longer line that will get shorter'],
			['eth0  up   1.5 KB/s   2.0 KB/s', 'web1  exited 1  bridge', 'shorter'],
			['eth0  up  11.5 KB/s  12.0 KB/s', 'web2  running  host', ''],
		]);
		expect(incremental).toEqual(fresh);
		expect(incremental[0]).toContain('11.5 KB/s');
		// in part: what changed in the rates, not the name before them
		expect(last).toMatch(/\u001b\[\d+G/);
		expect(last).not.toContain('eth0');
	});

	it('leave the screen as a full redraw would, with wide, zero-width and combining characters', async () => {
		const {incremental, fresh, last} = await drawn([
			['名前 web1 running', 'a\u200bb\u200bc 1.0 KB/s', '\ufeffbom 1', 'e\u0301te 1', '☝🏻 x 1'],
			['名前 web1 exited', 'a\u200bb\u200bc 2.0 KB/s', '\ufeffbom 2', 'e\u0301te 2', '☝🏻 x 2'],
			['名前 web2 exited', 'a\u200bb\u200bc 3.0 KB/s', '\ufeffbom 3', 'e\u0301te 3', '☝🏻 y 3'],
		]);
		expect(incremental).toEqual(fresh);
		// columns counted in cells would be wrong on these lines (double-width, zero-width): they
		// are rewritten whole; é (e and a combining accent) is one column, like any letter
		for (const line of ['名前 web2 exited', 'a\u200bb\u200bc 3.0 KB/s', '\ufeffbom 3', '☝🏻 y 3']) expect(last).toContain(line);
	});
});
