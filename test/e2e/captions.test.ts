/**
 * `--captions FILE` on the real program: a line written to the file shows in the caption bar,
 * is recorded with --record, and shows again when the recording is replayed. No Docker needed.
 */
import {appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {PtyScreen} from '../helpers/pty.js';

const dir = mkdtempSync(join(tmpdir(), 'netwatch-captions-'));
const NO_DOCKER = {DOCKER_HOST: 'unix:///nonexistent.sock'};
let screens: PtyScreen[] = [];

afterEach(() => {
	for (const s of screens) s.dispose();
	screens = [];
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

function open(args: string[]): PtyScreen {
	const s = new PtyScreen(args, {cols: 120, rows: 36, env: NO_DOCKER});
	screens.push(s);
	return s;
}

describe('captions', () => {
	it('are shown as they are written, recorded, and shown again in the replay', async () => {
		const captions = join(dir, 'captions.txt');
		const recording = join(dir, 'talk.ndjson');
		writeFileSync(captions, '');
		const live = open(['--captions', captions, '--record', recording]);
		await live.waitFor(/Containers/);
		appendFileSync(captions, '1. web1 serves port 8080 with --net=host\n');
		await live.waitFor(screen => screen.split('\n')[1]!.trim() === '1. web1 serves port 8080 with --net=host');
		// a title-setting sequence in the file never reaches the terminal
		appendFileSync(captions, '2. \u001b]0;owned\u0007web2 is the same server\n');
		await live.waitFor(screen => screen.split('\n')[1]!.trim() === '2. web2 is the same server');
		expect(live.output).not.toContain('owned');
		live.press('q');
		expect((await live.exited).exitCode).toBe(0);

		const lines = readFileSync(recording, 'utf8').split('\n').filter(l => l.includes('"caption"'));
		expect(lines.map(l => (JSON.parse(l) as {a: {text: string}}).a.text)).toEqual(['1. web1 serves port 8080 with --net=host', '2. web2 is the same server']);

		const replay = open(['replay', recording]);
		await replay.waitFor(screen => screen.split('\n')[1]!.trim() === '1. web1 serves port 8080 with --net=host');
		await replay.waitFor(screen => screen.split('\n')[1]!.trim() === '2. web2 is the same server');
		replay.press('q');
		expect((await replay.exited).exitCode).toBe(0);
	});
});
