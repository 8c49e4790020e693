/**
 * Terminals that cannot take the dashboard: TERM=dumb, a TERM that terminfo does not know, and
 * --plain on any terminal. netwatch prints the plain table once per sample, as `top -b` does,
 * with no escape sequence at all, and says so once.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {PtyScreen} from '../helpers/pty.js';

let screen: PtyScreen | undefined;

afterEach(() => {
	screen?.dispose();
	screen = undefined;
});

/** The clocks of the tables printed so far, in order: the last field of each table's first line. */
const tableClocks = (output: string): string[] => [...output.matchAll(/^netwatch {2}.* (\d\d:\d\d:\d\d)\r?$/gm)].map(m => m[1]!);

describe('plain terminals', () => {
	it.each([
		{why: 'TERM=dumb', env: {TERM: 'dumb'}, args: [], says: 'TERM=dumb'},
		{why: 'an unknown TERM', env: {TERM: 'nwt-no-such-terminal'}, args: [], says: 'terminfo does not know TERM=nwt-no-such-terminal; with TERM=xterm-256color, an xterm-like terminal gets the dashboard'},
		{why: '--plain on xterm', env: {}, args: ['--plain'], says: 'asked for with --plain'},
	])('$why: the plain table once per sample, no escape sequences, said once; Ctrl-C stops', async ({env, args, says}) => {
		screen = new PtyScreen(args, {cols: 160, rows: 48, env});
		const s = screen;
		// three tables, each of a later sample than the one before
		await s.waitFor(() => new Set(tableClocks(s.output)).size >= 3);
		const clocks = tableClocks(s.output);
		expect([...clocks].sort()).toEqual(clocks);
		expect(s.output).toContain('HOST INTERFACE');
		expect(s.output.split(`netwatch: plain output (${says}): the table every 1 s; Ctrl-C stops`)).toHaveLength(2);
		// no alternate screen, no cursor addressing, no colour: not one escape character
		expect(s.output).not.toContain('\u001b');
		expect(s.inAlternateScreen()).toBe(false);
		// the terminal stayed in cooked mode: Ctrl-C is the terminal's SIGINT
		s.press('\u0003');
		expect((await s.exited).exitCode).toBe(0);
	});
});
