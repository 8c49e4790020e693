/**
 * Keys as they arrive over SSH: several in one read. Each write below reaches netwatch as one
 * chunk on its pseudo-terminal, as a held key, a fast typist or a paste does through sshd.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {useTestbed} from '../helpers/docker.js';
import {PtyScreen, TTY_REPORT, TTY_REPORT_END} from '../helpers/pty.js';

const bed = useTestbed();
let screen: PtyScreen | undefined;

afterEach(() => {
	screen?.dispose();
	screen = undefined;
});

/** The container the dashboard has selected: the name in the container pane's title. */
const selected = (text: string): string | undefined => /(nwt-\w+-\w+(?:-\w+)?) · bridge/.exec(text)?.[1];

describe('keys that arrive together', () => {
	it('handles every key of a chunk in order: letters, arrows, Ctrl keys, Enter, Esc and a paste', async () => {
		// five containers of this run, listed by name: a to e
		const names = await Promise.all(['a', 'b', 'c', 'd', 'e'].map(async s => (await bed.container(s, [], ['sleep', '300'])).name));
		screen = new PtyScreen([], {cols: 160, rows: 48, shell: `bin/netwatch.js; echo "EXIT=$?"; ${TTY_REPORT}`});
		const s = screen;
		// (the engine may list more containers than the screen shows: the filter finds ours)
		await s.waitFor(/Containers \d+/);
		// only this run's containers, the first selected: /, a pasted prefix and Enter, then g, in one write
		const prefix = `nwt-${bed.run}`;
		s.press(`/${prefix}\rg`);
		await s.waitFor(text => text.includes(`filter: ${prefix} (Esc clears)`) && selected(text) === names[0]);

		// a held key: three rows down
		s.press('jjj');
		await s.waitFor(text => selected(text) === names[3]);
		// arrows, one chunk: up, up, down (one up in all)
		s.press('\u001b[A\u001b[A\u001b[B');
		await s.waitFor(text => selected(text) === names[2]);
		// k, then the VT220 form of End, then k: one above the last
		s.press('k\u001bOFk');
		await s.waitFor(text => selected(text) === names[3]);
		// k, k, Ctrl-B (a page up, of at least a row: to the first) and j: the second
		s.press('kk\u0002j');
		await s.waitFor(text => selected(text) === names[1]);

		// Esc clears the filter, and / with a name and Enter keeps a new one; the q after it is a key
		s.press(`\u001b/${names[4]}\r`);
		await s.waitFor(text => text.includes(`filter: ${names[4]} (Esc clears)`) && selected(text) === names[4]);
		s.press('q');
		const after = await s.waitFor(/EXIT=\d+/);
		expect(after).toContain('EXIT=0');
		await s.waitFor(TTY_REPORT_END);
		expect(s.inAlternateScreen()).toBe(false);
	});

	it('a name and Enter in one write keeps the filter, and q is a key again: in the next write, or the same one', async () => {
		const target = await bed.container('bar-bridge', [], ['sleep', '300']);
		for (const [first, then] of [[`/${target.name}\r`, 'q'], [`/${target.name}\rq`, '']] as const) {
			const s = new PtyScreen([], {cols: 160, rows: 48, shell: `bin/netwatch.js; echo "EXIT=$?"`});
			try {
				await s.waitFor(/Containers \d+/);
				s.press(first);
				if (then !== '') {
					// the filter is kept, not open: the name without the cursor after it
					await s.waitFor(text => text.includes(`filter: ${target.name} (Esc clears)`));
					s.press(then);
				}
				// typed into a filter, q would have left netwatch running
				expect(await s.waitFor(/EXIT=\d+/)).toContain('EXIT=0');
			} finally {
				s.dispose();
			}
		}
	});

	it('Ctrl-C after other keys in the same chunk quits', async () => {
		screen = new PtyScreen([], {cols: 120, rows: 40, shell: `bin/netwatch.js; echo "EXIT=$?"`});
		const s = screen;
		await s.waitFor(/Containers \d+/);
		s.press('jb\u0003');
		expect(await s.waitFor(/EXIT=\d+/)).toContain('EXIT=0');
	});
});
