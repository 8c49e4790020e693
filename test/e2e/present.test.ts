/**
 * The projector view (`--present --theme light --focus NAME`) on the emulated screen, at the two
 * sizes a talk is likely to have: the shipped recording replayed and paused on its alert.
 */
import {readFileSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {readRecording} from '../../src/record/reader.js';
import {PtyScreen} from '../helpers/pty.js';

const RECORDING = 'demo/port-conflict.ndjson';
const recording = readRecording(readFileSync(RECORDING, 'utf8'));
/** The host interfaces --present hides: lo, and those that were down in the recording. */
const hidden = (() => {
	const names = new Set(['lo']);
	for (const {action} of recording.actions) {
		if (action.type !== 'interfaces' || action.ns !== 'host') continue;
		for (const [name, meta] of Object.entries(action.meta)) if (meta.operstate === 'down') names.add(name);
	}
	return [...names];
})();
let screens: PtyScreen[] = [];

afterEach(() => {
	for (const s of screens) s.dispose();
	screens = [];
});

/** The replay at this size, paused where the alert is up. */
async function pausedOnAlert(args: string[], cols: number, rows: number): Promise<{s: PtyScreen; lines: string[]}> {
	const s = new PtyScreen(['replay', RECORDING, '--speed', '10', ...args], {cols, rows});
	screens.push(s);
	await s.waitFor(/already in use/, 30_000);
	s.press(' ');
	await s.waitFor(/^REPLAY ×10 \(paused\)/);
	return {s, lines: await s.lines()};
}

/** The alert banner's title line: at the top, under the header and the narration's caption bar and the banner's own border. */
function bannerAt(lines: readonly string[], title: RegExp): number {
	const banner = lines.findIndex(l => title.test(l));
	expect(lines[banner - 1]).toMatch(/^[╭┏][─━]+[╮┓]$/);
	// between the header and the banner: the caption bar only (the recording narrates), no pane
	expect(lines.slice(1, banner - 1).filter(l => /^[│┃╭┏╰┗]/.test(l))).toEqual([]);
	expect(banner).toBeLessThanOrEqual(4);
	return banner;
}

function cellAt(s: PtyScreen, y: number, x: number) {
	return s.term.buffer.active.getLine(s.term.buffer.active.viewportY + y)!.getCell(x)!;
}

describe.each([
	[120, 36],
	[100, 30],
])('the projector view at %i×%i', (cols, rows) => {
	it('hides lo and down interfaces, stands out the focused container and the alert, and spaces the panes', async () => {
		expect(hidden.length).toBeGreaterThan(1);
		const {s, lines} = await pausedOnAlert(['--present', '--theme', 'light', '--focus', 'web2'], cols, rows);
		const text = lines.join('\n');
		for (const name of hidden) expect(text).not.toMatch(new RegExp(`[│┃]${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`));

		// --focus web2: its pane, with a heavy border
		const title = lines.findIndex(l => /┃web2 · host network/.test(l));
		expect(title).toBeGreaterThan(0);
		expect(lines[title - 1]).toMatch(/┏━+┓/);
		// the open alert, in a heavy border too, its message in the light theme's red
		const banner = bannerAt(lines, /^┃⚠ 1 alert/);
		const message = cellAt(s, banner + 1, 1);
		expect(message.getChars()).toBe('w');
		expect(message.isFgRGB()).toBe(true);
		expect(message.getFgColor()).toBe(0xa40e26);
		// the selected row of the list: web2, reversed and bold
		const row = lines.findIndex(l => /^│. web2\s/.test(l));
		const name = cellAt(s, row, 3);
		expect([name.getChars(), Boolean(name.isInverse()), Boolean(name.isBold())]).toEqual(['w', true, true]);
		// a blank line above the list; side by side, a blank column between the interface panes
		const list = lines.findIndex(l => /^│Containers \d+/.test(l)) - 1;
		expect(list).toBeGreaterThan(title);
		expect(lines[list]).toMatch(/^╭/);
		expect(lines[list - 1]).toBe('');
		if (cols >= 120) expect(lines[title]).toMatch(/│ ┃web2/);
		else expect(lines[title - 2]).toBe('');

		s.press('q');
		expect((await s.exited).exitCode).toBe(0);
	});
});

describe('without --present', () => {
	it('the same moment has round borders, panes that touch, and lo listed first', async () => {
		const {s, lines} = await pausedOnAlert(['--focus', 'web2'], 120, 36);
		const title = lines.findIndex(l => /│web2 · host network/.test(l));
		expect(lines[title]).toMatch(/^│Host .*││web2/);
		expect(lines[title + 3]).toMatch(/^│lo\s/);
		bannerAt(lines, /^│⚠ 1 alert/);
		s.press('q');
		expect((await s.exited).exitCode).toBe(0);
	});
});
