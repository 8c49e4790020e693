/**
 * The dashboard when things are hostile or broken: text from containers and processes that
 * tries to drive the terminal, Docker out of reach, a view that throws, a flood of events.
 */
import {spawn} from 'node:child_process';
import {mkdirSync, rmSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {freePort, LABEL, useTestbed} from '../helpers/docker.js';
import {startFlood} from '../helpers/engine.js';
import {snapshotOnce} from '../helpers/netwatch.js';
import {PtyScreen, TTY_REPORT, TTY_REPORT_END} from '../helpers/pty.js';

const bed = useTestbed();
let screen: PtyScreen | undefined;

afterEach(() => {
	screen?.dispose();
	screen = undefined;
});

const OSC_TITLE = '\u001b]0;pwned\u0007';
const CLEAR = '\u001b[2J';

/** Select a container by filtering on its name. */
async function select(s: PtyScreen, name: string): Promise<void> {
	s.press(`\u001b/${name}\r`);
	await s.waitFor(new RegExp(`filter: ${name} \\(Esc clears\\)`));
}

/** The container pane's text (the right half of a wide screen), its lines joined as one. */
function containerPane(screen: string, cols: number): string {
	const from = Math.floor((cols - 1) / 2);
	return screen
		.split('\n')
		.map(l => l.slice(from).replace(/^[│╭╰]|[│╮╯]$/g, '').trim())
		.join(' ');
}

describe('hostile text is inert', () => {
	it('escape sequences in a label, a log line and a process command line neither retitle nor clear the screen', async () => {
		const port = await freePort();
		const dir = `/tmp/nw-${bed.run}-${OSC_TITLE}${CLEAR}dir`;
		mkdirSync(dir);
		const holder = spawn('/bin/busybox', ['httpd', '-f', '-p', String(port), '-h', dir], {stdio: 'ignore'});
		try {
			// wide enough for the container pane's title to show every label
			screen = new PtyScreen([], {cols: 200, rows: 48});
			const s = screen;
			let titles = 0;
			s.term.onTitleChange(() => titles++);
			await s.waitFor(/Containers \d+/);

			// a label, and a log line (which becomes an alert's evidence, shown in its pane)
			const hostile = await bed.container('hostile', ['--net=host', '--label', `${LABEL}.note=${OSC_TITLE}${CLEAR}safe-label`], [
				'sh',
				'-c',
				`printf '\\033]0;pwned\\007\\033[2J%s\\n' 'nc: bind: Address already in use'; exit 1`,
			]);
			// a host process whose command line carries them, holding a port a container wants
			const victim = await bed.container('victim', ['--net=host'], ['httpd', '-f', '-p', String(port), '-h', '/www']);

			// each container's own pane says what happened to it, whatever else the banner and the log hold
			await select(s, victim.name);
			const held = `held by a host process: busybox httpd -f -p ${port} -h /tmp/nw-${bed.run}-dir (pid ${holder.pid})`;
			await s.waitFor(text => containerPane(text, 200).includes(held), 20_000);
			await select(s, hostile.name);
			const text = await s.waitFor(t => t.includes('safe-label') && t.includes('evidence: nc: bind: Address already in use'), 20_000);

			expect(titles).toBe(0);
			expect(text).not.toContain('pwned');
			const lines = text.split('\n');
			expect(lines[0]).toMatch(/^netwatch {2}/);
			expect(lines.some(l => /^│Host /.test(l))).toBe(true);
			// the intended text is all there, the sequences gone
			expect(text).toContain(`${hostile.name} · host network · ${LABEL}=${bed.run}, ${LABEL}.note=safe-label`);

			// JSON keeps the text as it was, escaped as JSON escapes it
			const doc = await snapshotOnce();
			const labels = doc.containers.find(c => c.id === hostile.id)!.labels;
			expect(labels[`${LABEL}.note`]).toBe(`${OSC_TITLE}${CLEAR}safe-label`);
			s.press('q');
			expect((await s.exited).exitCode).toBe(0);
		} finally {
			holder.kill();
			rmSync(dir, {recursive: true, force: true});
		}
	});
});

describe('Docker out of reach, in the dashboard', () => {
	it('shows the host pane and a Docker status line', async () => {
		screen = new PtyScreen([], {cols: 160, rows: 48, env: {DOCKER_HOST: 'unix:///tmp/netwatch-no-such.sock'}});
		const text = await screen.waitFor(/Docker: no Docker socket at \/tmp\/netwatch-no-such\.sock/);
		expect(text).toMatch(/│lo +/);
		expect(text).toMatch(/│eth0 +up/);
		screen.press('q');
		expect((await screen.exited).exitCode).toBe(0);
	});
});

describe('a throw', () => {
	it.each([
		['in a view', 'view', 'netwatch: the dashboard failed: a fault injected by NETWATCH_FAULT=view'],
		['from a timer, outside React', 'timer', 'netwatch: a fault injected by NETWATCH_FAULT=timer'],
	])('%s: ends with one line and status 1, and the terminal restored', async (_, fault, line) => {
		screen = new PtyScreen([], {cols: 120, rows: 40, env: {NETWATCH_FAULT: fault}, shell: `bin/netwatch.js; echo "STATUS=$?"; ${TTY_REPORT}`});
		const s = screen;
		await s.waitFor(/Containers \d+/);
		const text = await s.waitFor(TTY_REPORT_END, 10_000);
		// the line, alone, on the normal screen: no frame drawn after it
		const lines = text.split('\n').map(l => l.trimEnd());
		expect(lines.filter(l => l !== '').slice(0, 2)).toEqual([line, 'STATUS=1']);
		expect(text).not.toMatch(/\n\s+at /);
		expect(s.inAlternateScreen()).toBe(false);
		expect(s.cursorShown()).toBe(true);
		expect(s.term.modes.wraparoundMode).toBe(true);
		expect(text).toMatch(/(^|\s)icanon(\s|$)/m);
	});
});

describe('a flood of events', () => {
	it('keeps the dashboard responsive: every key press shows within 100 ms', async () => {
		const targets = await Promise.all(Array.from({length: 8}, (_, i) => bed.container(`flood${i}`, [], ['sleep', '300'])));
		screen = new PtyScreen([], {cols: 160, rows: 48});
		const s = screen;
		await s.waitFor(/flood7/);
		await s.waitFor(/B\/s /);
		// rename each container back and forth, as fast as the daemon takes it, until the presses are done
		const flood = startFlood(targets.map(t => t.id));
		try {
			const eventsShown = (text: string): number => Number(/Events (\d+)/.exec(text)?.[1] ?? 0);
			await s.waitFor(/Events (\d{3,})/, 20_000);
			// `b` switches the rates between bytes and bits
			const bits = (text: string): boolean => /Kb\/s|Mb\/s| b\/s/.test(text) && !/KB\/s/.test(text);
			const delays: number[] = [];
			for (let press = 0; press < 7; press++) {
				const want = press % 2 === 0;
				delays.push(Math.round(await s.keyToScreen('b', text => bits(text) === want)));
				// the next press comes once more events are on screen: each lands at another moment of
				// the flood, and this fails if the flood stopped
				const shown = eventsShown(await s.text());
				await s.nextFrame(text => eventsShown(text) > shown, 20_000);
			}
			expect(Math.max(...delays), `key-to-screen ms: ${delays.join(', ')}`).toBeLessThanOrEqual(100);
		} finally {
			await flood.stop();
		}
		s.press('q');
		expect((await s.exited).exitCode).toBe(0);
	}, 120_000);
});
