/**
 * A Compose project in the dashboard, on a pseudo-terminal: grouped by project and service,
 * folded and unfolded with the keys, found by the filter. The project is the real
 * docker-compose's (test/compose/web.yml), taken down after the test.
 */
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {useTestbed} from '../helpers/docker.js';
import {PtyScreen} from '../helpers/pty.js';

const WEB = fileURLToPath(new URL('../compose/web.yml', import.meta.url));
const bed = useTestbed();
let screen: PtyScreen | undefined;

afterEach(() => {
	screen?.dispose();
	screen = undefined;
});

describe('a Compose project in the dashboard', () => {
	it('is grouped by service with replicas and health; - folds, + unfolds, / finds a service', async () => {
		const project = bed.name('dash');
		await bed.compose(project, WEB, ['up', '-d'], {NETWATCH_TEST_READY: '1'});
		screen = new PtyScreen([], {cols: 200, rows: 48, shell: `bin/netwatch.js --project ${project}; echo "EXIT=$?"`});
		const s = screen;
		const line = (text: string, pattern: RegExp): boolean => text.split('\n').some(l => pattern.test(l));
		// the host pane lists every veth of the engine, other runs' too: collapsed, the list has the room
		await s.waitFor(/Containers 3/);
		s.press('v');
		await s.waitFor(text => line(text, new RegExp(`▾ ${project} \\(2 services\\) .* 3/3 running`)) && line(text, /▾ web .* 2\/2 running +2\/2 healthy/), 30_000);
		const open = await s.text();
		// a replica under its service: the marker column, then indented twice
		expect(line(open, new RegExp(`^│ {6}${project}_web_1 +netwatch/busybox:latest +running +healthy `))).toBe(true);
		expect(line(open, /▾ worker .* 1\/1 running/)).toBe(true);

		// the selection starts on the project; j to the web service, - folds it
		s.press('j-');
		// (the container pane beside shows the selected service's first replica: rows are looked for in the list)
		const row = (name: string) => new RegExp(`^│ {6}${name} `);
		const folded = await s.waitFor(text => line(text, /▸ web /));
		expect(line(folded, row(`${project}_web_1`))).toBe(false);
		expect(line(folded, row(`${project}_worker_1`))).toBe(true);
		s.press('+');
		await s.waitFor(text => line(text, /▾ web /) && line(text, row(`${project}_web_2`)));

		// the filter finds a service by its name
		s.press('/worker\r');
		const found = await s.waitFor(text => text.includes('filter: worker (Esc clears)'));
		expect(line(found, row(`${project}_worker_1`))).toBe(true);
		expect(line(found, row(`${project}_web_1`))).toBe(false);
		s.press('q');
		expect(await s.waitFor(/EXIT=\d+/)).toContain('EXIT=0');
	});
});
