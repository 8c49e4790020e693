/**
 * Record, then replay: the same dashboard, frame for frame, with no Docker engine; and damaged
 * recordings played up to the damage.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {docker, useTestbed} from '../helpers/docker.js';
import {headerClock, PtyScreen} from '../helpers/pty.js';

const bed = useTestbed();
const dir = mkdtempSync(join(tmpdir(), 'netwatch-replay-'));
let screens: PtyScreen[] = [];

afterEach(() => {
	for (const s of screens) s.dispose();
	screens = [];
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

function open(args: string[]): PtyScreen {
	const s = new PtyScreen(args, {cols: 160, rows: 48});
	screens.push(s);
	return s;
}

/** Every whole frame of a screen, by the clock on its header, with all lines but the header and footer. */
function framesByClock(s: PtyScreen): {frames: Map<string, string[][]>; stop: () => void} {
	const frames = new Map<string, string[][]>();
	const stop = s.onFrame(screen => {
		const clock = headerClock(screen);
		if (!clock) return;
		const list = frames.get(clock) ?? [];
		list.push(screen.split('\n').slice(1, 46));
		frames.set(clock, list);
	});
	return {frames, stop};
}

describe('record and replay', () => {
	it('the replayed dashboard shows the same frames as the live one at the same moments', async () => {
		// traffic that changes every second, so that every frame differs from the one before
		const server = await bed.container('rsrv', [], ['sh', '-c', 'head -c 50000 /dev/zero > /www/f; exec httpd -f -p 80 -h /www']);
		const ip = await docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', server.name);
		await bed.container('rcli', [], ['sh', '-c', `i=0; while true; do i=$((i+1)); wget -q -O /dev/null http://${ip}/f; sleep 0.$((i % 9 + 1)); done`]);
		const file = join(dir, 'live.ndjson');
		const live = open(['--record', file]);
		const recorded = framesByClock(live);
		// frames with content that moves: the containers, and rates that are not zero
		const moving = (body: string[]): boolean => /rcli[\s\S]*\d+\.\d KB\/s/.test(body.join('\n'));
		await live.waitFor(/rcli/);
		// four samples' frames with traffic on them
		await live.nextFrame(() => [...recorded.frames.values()].filter(list => list.some(moving)).length >= 4, 20_000);
		recorded.stop();
		live.press('q');
		expect((await live.exited).exitCode).toBe(0);
		const seen = [...recorded.frames].filter(([, list]) => list.some(moving));
		expect(seen.length).toBeGreaterThanOrEqual(4);

		// no Docker at all for the replay: at each recorded moment, a frame the live one drew then
		const replay = new PtyScreen(['replay', file], {cols: 160, rows: 48, env: {DOCKER_HOST: 'unix:///nonexistent.sock'}});
		screens.push(replay);
		const replayed = framesByClock(replay);
		const same = (clock: string): boolean => replayed.frames.get(clock)?.some(body => seen.find(([c]) => c === clock)![1].some(l => l.join('\n') === body.join('\n'))) ?? false;
		for (const [clock] of seen) await replay.nextFrame(() => same(clock), 20_000);
		replayed.stop();
		expect((await replay.lines())[0]).toMatch(/^REPLAY ×1 /);
		replay.press('q');
		expect((await replay.exited).exitCode).toBe(0);
	});

	it('steps back and forward through time while paused', async () => {
		const s = open(['replay', 'demo/port-conflict.ndjson', '--speed', '10']);
		await s.waitFor(/already in use/, 30_000);
		s.press(' ');
		const at = headerClock(await s.waitFor(/^REPLAY ×10 \(paused\)/))!;
		s.press('\u001b[D'); // left: one sample back
		const back = headerClock(await s.waitFor(screen => headerClock(screen) !== at))!;
		expect(back < at).toBe(true);
		s.press('\u001b[C'); // right: forward again
		await s.waitFor(screen => headerClock(screen) === at);
		expect((await s.lines())[0]).toMatch(/^REPLAY ×10 \(paused\)/);
		s.press('q');
		expect((await s.exited).exitCode).toBe(0);
	});
});

describe('damaged recordings', () => {
	const shipped = readFileSync(new URL('../../demo/port-conflict.ndjson', import.meta.url), 'utf8');
	const lines = shipped.split('\n');

	it('a truncated file plays up to the cut, says so, and q exits 0', async () => {
		const file = join(dir, 'cut.ndjson');
		const keep = lines.slice(0, 40).join('\n');
		writeFileSync(file, keep.slice(0, keep.length - 25));
		const s = open(['replay', file, '--speed', '20']);
		const screen = await s.waitFor(/the recording is cut short in line 40/, 30_000);
		expect(screen).toMatch(/Containers \d+/);
		s.press('q');
		expect((await s.exited).exitCode).toBe(0);
	});

	it('a file with a corrupt line plays up to it, says which, and q exits 0', async () => {
		const file = join(dir, 'corrupt.ndjson');
		writeFileSync(file, [...lines.slice(0, 30), '{"t":999999,"k":{"at":"soon"', ...lines.slice(31)].join('\n'));
		const s = open(['replay', file, '--speed', '20']);
		await s.waitFor(/line 31 is damaged/, 30_000);
		s.press('q');
		expect((await s.exited).exitCode).toBe(0);
	});
});
