/**
 * The Connections view and the topology list end to end: bin/netwatch.js in a pseudo-terminal,
 * two busybox containers talking over the default bridge, keys `c` and `t`.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {sh, useTestbed} from '../helpers/docker.js';
import {PtyScreen} from '../helpers/pty.js';

const bed = useTestbed();
let screen: PtyScreen | undefined;

afterEach(() => {
	screen?.dispose();
	screen = undefined;
});

describe('connections on screen', () => {
	it('lists the selected container\'s connections with c, and every edge with t', async () => {
		const srv = await bed.container('csrv', [], ['nc', '-ll', '-p', '80', '-e', 'cat']);
		const ip = await sh('docker', ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', srv.name]);
		const cli = await bed.container('ccli', [], ['sh', '-c', `sleep 300 | nc ${ip} 80`]);
		screen = new PtyScreen([], {cols: 160, rows: 48});
		const s = screen;
		await s.waitFor(/Containers \d+/);
		s.press(`/${srv.name}\r`);
		await s.waitFor(new RegExp(`filter: ${srv.name} \\(Esc clears\\)`), 30_000);
		s.press('c');
		const view = await s.waitFor(new RegExp(`←in +established +80 ${cli.name} +\\d+ +0 +0`), 30_000);
		expect(view).toContain(`${srv.name} · bridge`);
		expect(view).toMatch(/1 est/);
		// both containers' names begin with the run's prefix: the topology lists only theirs
		s.press(`\u001b/${bed.name('c')}\r`);
		await s.waitFor(new RegExp(`filter: ${bed.name('c')} \\(Esc clears\\)`));
		s.press('t');
		const topology = await s.waitFor(new RegExp(`Topology: \\d+ edges · filter: ${bed.name('c')}`));
		const lines = topology.split('\n').map(l => l.replace(/^│|│$/g, '').trim());
		/** The edge lines under a container's title, up to the next title. */
		const under = (name: string): string[] => {
			const rest = lines.slice(lines.findIndex(l => l.startsWith(`${name} `)) + 1);
			const end = rest.findIndex(l => !/^[→←]/.test(l));
			return rest.slice(0, end < 0 ? rest.length : end);
		};
		expect(under(cli.name)).toContain(`→ ${srv.name} tcp/80  ×1  (1 established)`);
		expect(under(srv.name)).toContain(`← ${cli.name} tcp/80  ×1  (1 established)`);
		s.press('\u001b');
		await s.waitFor(/DIR  STATE/);
	}, 60_000);
});
