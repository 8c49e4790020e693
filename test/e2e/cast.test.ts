/**
 * `netwatch replay --cast` checked by others: the real asciinema client (Debian's package) plays
 * the file without error, and the screen it leaves, on a terminal emulator (@xterm/headless),
 * is the last frame of `netwatch replay` at the same size. No Docker needed.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {netwatch} from '../helpers/netwatch.js';
import {PtyScreen} from '../helpers/pty.js';

const dir = mkdtempSync(join(tmpdir(), 'netwatch-cast-'));
const SIZE = {cols: 120, rows: 36};
const screens: PtyScreen[] = [];

/** The asciinema client, installed from Debian's packages when it is missing (CI runs as root). */
function haveAsciinema(): boolean {
	try {
		execFileSync('asciinema', ['--version'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

beforeAll(() => {
	if (haveAsciinema()) return;
	if (process.getuid?.() !== 0) throw new Error('the asciinema client is missing: apt-get install asciinema');
	const env = {...process.env, DEBIAN_FRONTEND: 'noninteractive'};
	execFileSync('apt-get', ['update', '-q'], {stdio: 'ignore', env});
	execFileSync('apt-get', ['install', '-y', '-q', 'asciinema'], {stdio: 'ignore', env});
}, 300_000);

afterAll(() => {
	for (const s of screens) s.dispose();
	rmSync(dir, {recursive: true, force: true});
});

const unescape = (text: string): string => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The text of the last frame of an animated SVG from demo/cast-svg.mjs, row by row. */
function lastFrameText(svg: string, rows: number): string[] {
	const defs = new Map<string, string>();
	for (const [, id, body] of svg.matchAll(/<g id="(r\d+)">(.*?)<\/g>\n/g)) {
		let line = '';
		for (const [, x, text] of body!.matchAll(/<text x="([\d.]+)"[^>]*>(.*?)<\/text>/g)) line = line.padEnd(Math.round(Number(x) / 8.4)) + unescape(text!);
		defs.set(id!, line.trimEnd());
	}
	const frames = [...svg.matchAll(/<g transform="translate\(0 \d+\)">(.*?)<\/g>/g)];
	const out: string[] = new Array<string>(rows).fill('');
	for (const [, id, y] of frames.at(-1)![1]!.matchAll(/<use xlink:href="#(r\d+)" y="([\d.]+)"\/>/g)) out[Math.round(Number(y) / 18)] = defs.get(id!)!;
	return out;
}

describe('a cast of the shipped recording', () => {
	it('plays in the asciinema client and ends on the screen netwatch replay ends on', async () => {
		const cast = join(dir, 'port-conflict.cast');
		const made = await netwatch(['replay', 'demo/port-conflict.ndjson', '--cast', cast, '--size', '120x36', '--speed', '20', '--idle-limit', '1']);
		expect(made.stderr).toBe('');
		expect(made.code).toBe(0);

		const player = new PtyScreen([], {...SIZE, shell: `exec asciinema play -s 100 '${cast}'`});
		screens.push(player);
		expect(await player.exited).toEqual({exitCode: 0, signal: 0});
		const played = await player.lines();
		expect(player.output).not.toMatch(/Traceback|Error/);

		const replay = new PtyScreen(['replay', 'demo/port-conflict.ndjson', '--speed', '20'], SIZE);
		screens.push(replay);
		const last = (await replay.waitFor(/end of recording/, 30_000)).split('\n');
		replay.press('q');
		expect((await replay.exited).exitCode).toBe(0);
		expect(played[0]).toMatch(/^REPLAY ×20 .*end of recording/);
		expect(played).toEqual(last);

		// the README's picture, made from the cast (demo/cast-svg.mjs): its last frame is that screen too
		const svg = join(dir, 'port-conflict.svg');
		execFileSync('node', ['demo/cast-svg.mjs', cast, svg], {stdio: 'ignore'});
		expect(lastFrameText(readFileSync(svg, 'utf8'), SIZE.rows)).toEqual(played.map(l => l.trimEnd()));
	});

	it('cannot be written to a directory that does not exist: one line, exit 4', async () => {
		const out = join(dir, 'nope', 'x.cast');
		const result = await netwatch(['replay', 'demo/port-conflict.ndjson', '--cast', out]);
		expect(result.code).toBe(4);
		expect(result.stderr).toBe(`netwatch: cannot write ${out}: no such file or directory\n`);
	});
});
