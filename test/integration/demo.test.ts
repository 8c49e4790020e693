/**
 * The demo kit on the real engine: the scripts a talk runs, watched by netwatch --json.
 */
import {fileURLToPath} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import {docker, freePort, sh} from '../helpers/docker.js';
import {JsonStream} from '../helpers/netwatch.js';

const demo = (script: string): string => fileURLToPath(new URL(`../../demo/${script}`, import.meta.url));

afterAll(async () => {
	await sh(demo('cleanup'), []);
});

describe('the demo scripts', () => {
	it('port-conflict, then network-modes, then cleanup: netwatch sees the alert and every mode, and nothing is left', async () => {
		const stream = new JsonStream();
		try {
			await stream.until('the first snapshot', s => s.snapshots().length > 0);
			const port = await freePort();
			const conflict = await sh('env', ['NW_STEP_SECONDS=1', demo('port-conflict'), '--no-wait', '--port', String(port)], 120_000);
			expect(conflict).toContain('hello from web2');
			// web2 may be caught failing while it still runs; what is said once it has exited is what counts
			const alert = await stream.until('the alert on its exit', s => s.alerts().find(a => a.container === 'web2' && a.source === 'exit'));
			expect(alert).toMatchObject({port, networkMode: 'host network', holder: {container: 'web1'}});
			// step 3: web2's server runs after all, and the alert is resolved
			await stream.until('the alert resolved', s => s.alerts().some(a => a.container === 'web2' && a.resolved));

			await sh(demo('network-modes'), ['--port', String(await freePort())], 120_000);
			const modes = await stream.until('every mode', s => {
				const last = s.snapshots().at(-1);
				const byName = new Map(last?.containers.map(c => [c.name, c]));
				const wanted = ['nw-none', 'nw-bridge', 'nw-host', 'nw-shared', 'nw-user', 'nw-macvlan'];
				return wanted.every(n => byName.get(n)?.state === 'running' && byName.get(n)?.interfacesFrom !== 'none') ? byName : undefined;
			});
			expect(modes.get('nw-none')).toMatchObject({networkMode: 'none', sharesHostNetns: false});
			expect(modes.get('nw-bridge')).toMatchObject({networkMode: 'bridge', sharesHostNetns: false});
			expect(modes.get('nw-host')).toMatchObject({networkMode: 'host', sharesHostNetns: true});
			expect(modes.get('nw-shared')).toMatchObject({networkMode: 'container:nw-bridge', sharesNetnsWith: {name: 'nw-bridge'}});
			expect(modes.get('nw-user')).toMatchObject({networkMode: 'nw-user-net', networkDriver: 'bridge'});
			expect(modes.get('nw-macvlan')).toMatchObject({networkMode: 'nw-macvlan-net', networkDriver: 'macvlan'});
			expect(modes.get('nw-macvlan')!.interfaces.find(i => i.name === 'eth0')!.peer).toMatchObject({name: 'nwva', kind: 'parent'});
			// every pane moves: each makes traffic of its own
			await stream.until('traffic everywhere', s => {
				const last = s.snapshots().at(-1)!;
				const rate = (name: string) => last.containers.find(c => c.name === name)?.interfaces.reduce((t, i) => t + (i.rxRate ?? 0), 0) ?? 0;
				return ['nw-none', 'nw-bridge', 'nw-user', 'nw-user-client', 'nw-macvlan'].every(n => rate(n) > 0);
			});
		} finally {
			await stream.stop();
		}

		const cleanup = await sh(demo('cleanup'), []);
		expect(cleanup).toContain('nothing of the demos is left');
		expect(await docker('ps', '-aq', '--filter', 'label=io.netwatch.demo')).toBe('');
		expect(await docker('network', 'ls', '-q', '--filter', 'label=io.netwatch.demo')).toBe('');
		await expect(sh('ip', ['link', 'show', 'nwva'])).rejects.toThrow();
	});

	it('can run twice: each script is idempotent', async () => {
		const port = String(await freePort());
		await sh(demo('network-modes'), ['--port', port], 120_000);
		await sh(demo('network-modes'), ['--port', port], 120_000);
		const names = (await docker('ps', '--filter', 'label=io.netwatch.demo', '--format', '{{.Names}}')).split('\n');
		expect(names.filter(n => n === 'nw-bridge')).toHaveLength(1);
		await sh(demo('cleanup'), []);
		await sh(demo('cleanup'), []);
		expect(await docker('ps', '-aq', '--filter', 'label=io.netwatch.demo')).toBe('');
	});
});
