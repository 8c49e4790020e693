/**
 * The dashboard end to end: bin/netwatch.js in a pseudo-terminal against the real engine, read
 * back from an emulated screen.
 */
import {readFileSync, rmSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {useTestbed, waitFor} from '../helpers/docker.js';
import {JsonStream} from '../helpers/netwatch.js';
import {headerClock, PtyScreen, TTY_REPORT, TTY_REPORT_END} from '../helpers/pty.js';

const bed = useTestbed();
let screen: PtyScreen | undefined;

afterEach(() => {
	screen?.dispose();
	screen = undefined;
});

/** The interface names listed in a pane whose left edge is at `from` and right edge before `to`. */
function paneInterfaces(lines: readonly string[], from: number, to: number): string[] {
	const pane = lines.map(l => l.slice(from, to));
	const header = pane.findIndex(l => /^│INTERFACE /.test(l));
	const names: string[] = [];
	for (const line of pane.slice(header + 1)) {
		if (!line.startsWith('│') || /^│\s*(…|no interfaces)/.test(line)) break;
		const name = /^│(\S+)/.exec(line)?.[1];
		if (name) names.push(name);
	}
	return names;
}

/** Select a container by filtering on its name: Esc (clear any filter), /, the name and Enter, in one read. */
async function select(s: PtyScreen, name: string): Promise<void> {
	s.press(`\u001b/${name}\r`);
	await s.waitFor(new RegExp(`filter: ${name} \\(Esc clears\\)`));
}

describe('the dashboard', () => {
	it('shows a host-mode container with the host interfaces, a bridge container with its veth peer, and quits cleanly', async () => {
		const web = await bed.container('hostweb', ['--net=host'], ['sleep', '300']);
		const br = await bed.container('bridged', [], ['sleep', '300']);
		screen = new PtyScreen([], {cols: 160, rows: 48, shell: `bin/netwatch.js; echo "EXIT=$?"; ${TTY_REPORT}`});
		const s = screen;
		await s.waitFor(new RegExp(br.name));

		await select(s, web.name);
		const hostScreen = await s.waitFor(/shares the host's network namespace: these are the host's interfaces/);
		expect(hostScreen).toContain(`${web.name} · host network`);
		const lines = hostScreen.split('\n');
		const hostNames = paneInterfaces(lines, 0, 79);
		const containerNames = paneInterfaces(lines, 79, 160);
		expect(hostNames.length).toBeGreaterThan(2);
		expect(hostNames).toContain('lo');
		expect(containerNames).toEqual(hostNames);

		await select(s, br.name);
		const banner = new RegExp(`${br.name} · bridge( · [^│]*)?[ │]*\\n.*│eth0 ⇄ (veth\\w+) on docker0`);
		const bridgeScreen = await s.waitFor(banner);
		const veth = banner.exec(bridgeScreen)![2]!;
		const blines = bridgeScreen.split('\n');
		expect(paneInterfaces(blines, 79, 160)).toEqual(['lo', 'eth0']);
		// the host pane lists that veth, labelled with the container, as far as the column allows
		// (scroll there if the list is long)
		const labelled = (text: string): boolean =>
			text.split('\n').some(l => {
				const label = new RegExp(`^│${veth} → (\\S+?)…? `).exec(l.slice(0, 79))?.[1];
				return label !== undefined && label.length >= 4 && br.name.startsWith(label);
			});
		if (!labelled(await s.text())) {
			// focus the host pane and go to its end: the list may be longer than the pane
			s.press('\tG');
			await s.waitFor(labelled);
		}

		s.press('q');
		const after = await s.waitFor(/EXIT=\d+/);
		expect(after).toContain('EXIT=0');
		expect(s.inAlternateScreen()).toBe(false);
		expect(s.cursorShown()).toBe(true);
		expect(s.term.modes.wraparoundMode).toBe(true);
		// stty after netwatch: the terminal is back in cooked mode, echo on
		await s.waitFor(TTY_REPORT_END);
		const stty = await s.text();
		expect(stty).toMatch(/(^|\s)icanon(\s|$)/m);
		expect(stty).toMatch(/(^|\s)echo(\s|$)/m);
	});
});

/** A screen is clean when nothing outside the current frame is drawn and every pane is whole. */
function assertClean(lines: readonly string[], cols: number, rows: number): void {
	// the frame is rows - 1 high and cols - 1 wide: nothing below or to the right of it
	expect(lines.slice(rows - 1).every(l => l === '')).toBe(true);
	for (const line of lines) expect(line.length).toBeLessThanOrEqual(cols - 1);
	// every line that starts a pane border also ends one: no half-drawn boxes left over
	for (const line of lines.slice(1, rows - 2)) {
		if (line.startsWith('│')) expect(line.endsWith('│'), `line ${JSON.stringify(line)}`).toBe(true);
		if (line.startsWith('╭')) expect(line.endsWith('╮'), `line ${JSON.stringify(line)}`).toBe(true);
		if (line.startsWith('╰')) expect(line.endsWith('╯'), `line ${JSON.stringify(line)}`).toBe(true);
	}
}

describe('resizing', () => {
	it('reflows from 160x48 to 100x30 to 50x12 and back with no stale lines', async () => {
		await bed.container('resize', [], ['sleep', '300']);
		screen = new PtyScreen([], {cols: 160, rows: 48});
		const s = screen;
		await s.waitFor(/Containers \d+/);
		let lines = await s.lines();
		assertClean(lines, 160, 48);
		expect(lines[0]).toMatch(/^netwatch /);
		// wide: host and container panes side by side
		expect(lines.some(l => /^│Host .*││/.test(l))).toBe(true);

		// a whole frame at the new size, then the next sample's frame: both clean
		const reflowed = async (cols: number, rows: number): Promise<string[]> => {
			const fits = (text: string): boolean => text.split('\n').every(l => l.length <= cols - 1) && /Containers \d+/.test(text);
			const first = await s.nextFrame(fits);
			assertClean(first.split('\n'), cols, rows);
			const clock = headerClock(first);
			const later = await s.nextFrame(text => fits(text) && headerClock(text) !== clock);
			assertClean(later.split('\n'), cols, rows);
			return later.split('\n');
		};

		s.resize(100, 30);
		lines = await reflowed(100, 30);
		// narrow: stacked, each pane the full width
		expect(lines.some(l => /^│Host .*│$/.test(l) && !l.includes('││'))).toBe(true);

		s.resize(50, 12);
		const small = await s.nextFrame(text => /terminal too small: 50×12\s+netwatch needs 60×15/.test(text));
		expect(small.split('\n').filter(l => l.trim() !== '')).toHaveLength(2);

		s.resize(160, 48);
		lines = await reflowed(160, 48);
		expect(lines.join('\n')).not.toMatch(/too small/);
		expect(lines.some(l => /^│Host .*││/.test(l))).toBe(true);

		s.press('q');
		expect((await s.exited).exitCode).toBe(0);
	});
});

describe('the terminal is restored', () => {
	it.each(['SIGTERM', 'SIGHUP', 'SIGINT'])('on %s: normal screen, cursor shown, line wrap on, cooked mode', async signal => {
		// netwatch runs in the foreground of a shell that reports how it ended, then the tty state;
		// the signal comes once the dashboard is up
		const pidfile = `/tmp/netwatch-signal-test-${process.pid}`;
		screen = new PtyScreen([], {
			cols: 120,
			rows: 40,
			shell: `sh -c 'echo $$ > ${pidfile}; exec bin/netwatch.js'; echo "STATUS=$?"; ${TTY_REPORT}`,
		});
		const s = screen;
		await s.waitFor(/Containers \d+/);
		expect(s.inAlternateScreen()).toBe(true);
		process.kill(Number(readFileSync(pidfile, 'utf8')), signal);
		rmSync(pidfile);
		const text = await s.waitFor(TTY_REPORT_END, 10_000);
		expect(s.inAlternateScreen()).toBe(false);
		expect(s.cursorShown()).toBe(true);
		expect(s.term.modes.wraparoundMode).toBe(true);
		expect(text).toMatch(/(^|\s)icanon(\s|$)/m);
		expect(text).toMatch(/(^|\s)echo(\s|$)/m);
		const number = {SIGTERM: 15, SIGHUP: 1, SIGINT: 2}[signal]!;
		expect(text).toContain(`STATUS=${128 + number}`);
		expect(text).not.toMatch(/\n\s+at |Error/);
	});

	it('on Ctrl-C typed: normal screen, cursor shown, line wrap on, cooked mode, status 0', async () => {
		// raw mode: the key reaches netwatch as a byte (0x03), not as a signal from the terminal
		screen = new PtyScreen([], {cols: 120, rows: 40, shell: `bin/netwatch.js; echo "STATUS=$?"; ${TTY_REPORT}`});
		const s = screen;
		await s.waitFor(/Containers \d+/);
		s.process.write('\u0003');
		const text = await s.waitFor(TTY_REPORT_END, 10_000);
		expect(s.inAlternateScreen()).toBe(false);
		expect(s.cursorShown()).toBe(true);
		expect(s.term.modes.wraparoundMode).toBe(true);
		expect(text).toMatch(/(^|\s)icanon(\s|$)/m);
		expect(text).toContain('STATUS=0');
	});
});

describe('plain terminals', () => {
	it('keeps updating when stdin is not a terminal, and says keys need ssh -t', async () => {
		screen = new PtyScreen([], {cols: 160, rows: 48, shell: `exec bin/netwatch.js < /dev/null`});
		const s = screen;
		const first = await s.waitFor(/keys need a terminal on stdin: run ssh -t host netwatch/);
		const clock = headerClock(first);
		expect(clock).toBeDefined();
		await s.waitFor(screenText => {
			const now = headerClock(screenText);
			return now !== undefined && now !== clock;
		});
		s.kill('SIGTERM');
		expect((await s.exited).exitCode).toBe(128 + 15);
	});

	it('honours NO_COLOR and --no-color: no colour codes at all', async () => {
		for (const [args, env] of [[[], {NO_COLOR: '1'}], [['--no-color'], {}]] as const) {
			const s = new PtyScreen([...args], {cols: 160, rows: 48, env});
			try {
				const first = headerClock(await s.waitFor(/Containers \d+/));
				// the frames of two more samples
				const second = headerClock(await s.nextFrame(text => headerClock(text) !== first));
				await s.nextFrame(text => ![first, second].includes(headerClock(text)));
				// SGR colours are 30-37, 38;…, 90-97 (and backgrounds): none may appear
				expect(s.output).not.toMatch(/\u001b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7]|4[0-8]|10[0-7])(?:;[0-9;]*)?m/);
				s.press('q');
				expect((await s.exited).exitCode).toBe(0);
			} finally {
				s.dispose();
			}
		}
	});
});

describe('frames', () => {
	it('stay in place as they update (the carried Ink fix), and nothing is drawn while paused', async () => {
		await bed.container('busy', [], ['sh', '-c', 'while true; do echo; sleep 0.2; done']);
		screen = new PtyScreen([], {cols: 160, rows: 48});
		const s = screen;
		let clock = headerClock(await s.waitFor(/Containers \d+/));
		// four samples' frames: the header is still on the first row, and only there
		for (let sample = 0; sample < 4; sample++) {
			const frame = await s.nextFrame(text => headerClock(text) !== clock);
			clock = headerClock(frame);
			const lines = frame.split('\n');
			expect(lines[0]).toMatch(/^netwatch {2}/);
			expect(lines.filter(l => l.startsWith('netwatch  '))).toHaveLength(1);
			expect(lines.filter(l => /^j\/k select/.test(l))).toHaveLength(1);
			assertClean(lines, 160, 48);
		}

		// paused: a container comes, samples go on (a second netwatch, --json, sees both), and
		// nothing at all is drawn until p again
		s.press('p');
		await s.waitFor(/PAUSED \(p resumes\)/);
		await s.settle();
		const before = s.output.length;
		const witness = new JsonStream();
		try {
			const late = await bed.container('late', [], ['sleep', '300']);
			await witness.until('the new container and two samples after it', w => {
				const from = w.snapshots().findIndex(x => x.containers.some(c => c.id === late.id));
				return from >= 0 && w.snapshots().length >= from + 3;
			});
			expect(s.output.length - before).toBe(0);
			s.press('p');
			await s.waitFor(new RegExp(late.name));
		} finally {
			await witness.stop();
		}
		s.press('q');
		expect((await s.exited).exitCode).toBe(0);
	});

	it('keep coming with CI=true in the environment (Ink would draw only its last frame)', async () => {
		screen = new PtyScreen([], {cols: 160, rows: 48, env: {CI: 'true'}});
		const s = screen;
		const first = headerClock(await s.waitFor(/Containers \d+/));
		await s.waitFor(text => headerClock(text) !== first, 5_000);
		s.press('q');
		expect((await s.exited).exitCode).toBe(0);
	});
});

describe('the alert on screen', () => {
	it('lights up: banner, marked rows, a red host pane, a log line, the bell; a acknowledges it', async () => {
		const {freePort} = await import('../helpers/docker.js');
		const port = await freePort();
		screen = new PtyScreen(['--bell'], {cols: 160, rows: 48});
		const s = screen;
		await s.waitFor(/Containers \d+/);
		const web1 = await bed.container('web1', ['--net=host'], ['httpd', '-f', '-p', String(port), '-h', '/www']);
		await s.waitFor(new RegExp(`${web1.name} .* ${port}/tcp`));
		const web2 = await bed.container('web2', ['--net=host'], ['httpd', '-f', '-p', String(port), '-h', '/www']);
		const message = `${web2.name} (host network) exited 1: port ${port}/tcp (port from its command line) is already in use, held by ${web1.name} (httpd, pid`;
		const text = await s.waitFor(t => t.includes(message), 10_000);
		const lines = text.split('\n');
		expect(lines[0]).toMatch(/⚠ \d+ alerts?/);
		// the banner, at the top
		expect(lines.findIndex(l => l.includes(message))).toBeLessThan(6);
		// the victim's row and the holder's row are marked
		expect(lines.some(l => l.startsWith(`│! ${web2.name}`)), text).toBe(true);
		expect(lines.some(l => l.startsWith(`│● ${web1.name}`)), text).toBe(true);
		// a line in the event log
		expect(lines.some(l => l.includes(`⚠ EADDRINUSE port ${port}/tcp held by ${web1.name}`))).toBe(true);
		// the host pane's border is red (palette colour 1)
		const hostTop = lines.findIndex(l => l.startsWith('╭') && lines[lines.indexOf(l) + 1]?.startsWith('│Host '));
		const corner = s.term.buffer.active.getLine(hostTop)!.getCell(0)!;
		expect(corner.isFgPalette() && corner.getFgColor()).toBe(1);
		// --bell rang once
		expect(s.output.split('\u0007').length - 1).toBe(1);

		// a acknowledges the first alert shown: ours, unless older ones were waiting
		const alertsShown = (text: string): number => Number(/⚠ (\d+) alerts?/.exec(text.split('\n')[0]!)?.[1] ?? 0);
		for (let shown = alertsShown(await s.text()); shown > 0; shown = alertsShown(await s.text())) {
			s.press('a');
			await s.waitFor(text => alertsShown(text) < shown);
		}
		const after = await s.text();
		expect(after.split('\n')[0]).not.toMatch(/alert/);
		expect(after).not.toContain(message);
		const cornerAfter = s.term.buffer.active.getLine((await s.lines()).findIndex(l => l.startsWith('╭')))!.getCell(0)!;
		expect(cornerAfter.isFgPalette() && cornerAfter.getFgColor()).not.toBe(1);
		s.press('q');
		expect((await s.exited).exitCode).toBe(0);
	});
});
