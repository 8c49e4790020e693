/**
 * Record, then replay: the same dashboard, frame for frame, with no Docker engine; and damaged
 * recordings played up to the damage.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {useTestbed} from '../helpers/docker.js';
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

/** The screen once it has settled on a sample: what every line shows, but the header and footer. */
async function settled(s: PtyScreen): Promise<{clock: string; body: string[]}> {
	for (;;) {
		const a = await s.text();
		await new Promise(r => setTimeout(r, 250));
		const b = await s.text();
		const clock = headerClock(b);
		if (a === b && clock) return {clock, body: b.split('\n').slice(1, 46)};
	}
}

describe('record and replay', () => {
	it('the replayed dashboard shows the same frames as the live one at the same moments', async () => {
		// traffic that changes every second, so that every frame differs from the one before
		const server = await bed.container('rsrv', [], ['sh', '-c', 'head -c 50000 /dev/zero > /www/f; exec httpd -f -p 80 -h /www']);
		const ip = (await import('../helpers/docker.js')).docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', server.name);
		await bed.container('rcli', [], ['sh', '-c', `i=0; while true; do i=$((i+1)); wget -q -O /dev/null http://${await ip}/f; sleep 0.$((i % 9 + 1)); done`]);
		const file = join(dir, 'live.ndjson');
		const live = open(['--record', file]);
		await live.waitFor(/rcli/);
		await new Promise(r => setTimeout(r, 2500));
		const seen: {clock: string; body: string[]}[] = [];
		for (let i = 0; i < 3; i++) {
			const frame = await settled(live);
			if (!seen.some(f => f.clock === frame.clock)) seen.push(frame);
			await new Promise(r => setTimeout(r, 1300));
		}
		await live.press('q');
		expect((await live.exited).exitCode).toBe(0);
		expect(seen.length).toBeGreaterThanOrEqual(2);
		// frames with content that moves: the containers, and rates that are not zero
		for (const frame of seen) expect(frame.body.join('\n')).toMatch(/rcli[\s\S]*\d+\.\d KB\/s/);

		// no Docker at all for the replay
		const replay = new PtyScreen(['replay', file], {cols: 160, rows: 48, env: {DOCKER_HOST: 'unix:///nonexistent.sock'}});
		screens.push(replay);
		for (const frame of seen) {
			await replay.waitFor(screen => headerClock(screen) === frame.clock, 20_000);
			await replay.press(' '); // pause on it
			const shown = await settled(replay);
			expect(shown.clock).toBe(frame.clock);
			expect(shown.body).toEqual(frame.body);
			await replay.press(' ');
		}
		expect((await replay.lines())[0]).toMatch(/^REPLAY ×1 /);
		await replay.press('q');
		expect((await replay.exited).exitCode).toBe(0);
	});

	it('steps back and forward through time while paused', async () => {
		const s = open(['replay', 'demo/port-conflict.ndjson', '--speed', '10']);
		await s.waitFor(/already in use/, 30_000);
		await s.press(' ');
		await s.waitFor(/^REPLAY ×10 \(paused\)/);
		const at = (await settled(s)).clock;
		await s.press('\u001b[D'); // left: one sample back
		await s.waitFor(screen => headerClock(screen) !== at);
		const back = headerClock(await s.text())!;
		expect(back < at).toBe(true);
		await s.press('\u001b[C'); // right: forward again
		await s.waitFor(screen => headerClock(screen) === at);
		expect((await s.lines())[0]).toMatch(/^REPLAY ×10 \(paused\)/);
		await s.press('q');
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
		await s.press('q');
		expect((await s.exited).exitCode).toBe(0);
	});

	it('a file with a corrupt line plays up to it, says which, and q exits 0', async () => {
		const file = join(dir, 'corrupt.ndjson');
		writeFileSync(file, [...lines.slice(0, 30), '{"t":999999,"k":{"at":"soon"', ...lines.slice(31)].join('\n'));
		const s = open(['replay', file, '--speed', '20']);
		await s.waitFor(/line 31 is damaged/, 30_000);
		await s.press('q');
		expect((await s.exited).exitCode).toBe(0);
	});
});
