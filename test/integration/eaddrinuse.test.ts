/**
 * The headline, on the real engine: a container that cannot bind its port raises one alert
 * that names the port and who holds it.
 */
import {spawn} from 'node:child_process';
import {describe, expect, it} from 'vitest';
import {docker, freePort, useTestbed, waitFor} from '../helpers/docker.js';
import {snapshotOnce, useNetwatch, type JsonAlert, type JsonStream} from '../helpers/netwatch.js';

const bed = useTestbed();
const watching = useNetwatch();

const alertFor = (s: JsonStream, id: string): JsonAlert | undefined => s.alerts().findLast(a => a.containerId === id);

describe('EADDRINUSE', () => {
	it('the classic case: the second host-mode httpd on a port raises the alert, naming the first', async () => {
		const port = await freePort();
		const s = await watching();
		const web1 = await bed.container('web1', ['--net=host'], ['httpd', '-f', '-p', String(port), '-h', '/www']);
		await s.until('web1 listening', x => x.snapshots().at(-1)?.host.listening.some(l => l.port === port));
		const web2 = await bed.container('web2', ['--net=host'], ['httpd', '-f', '-p', String(port), '-h', '/www']);
		const alert = await s.until('the alert', x => alertFor(x, web2.id));
		expect(alert).toMatchObject({
			kind: 'EADDRINUSE',
			container: web2.name,
			networkMode: 'host network',
			port,
			proto: 'tcp',
			// busybox does not print the port: it comes from the command line
			portSource: 'command',
			holder: {container: web1.name, containerId: web1.id, via: 'container', command: `httpd -f -p ${port} -h /www`},
			source: 'exit',
			count: 1,
			resolved: false,
		});
		expect(alert.holder!.pid).toBe(await bed.pid(web1.name));
		expect(alert.message).toBe(
			`${web2.name} (host network) exited 1: port ${port}/tcp (port from its command line) is already in use, held by ${web1.name} (httpd, pid ${alert.holder!.pid})`,
		);
		// the die event is in the stream too, and --json --once lists the open alert
		expect(s.events().some(e => e.id === web2.id && e.action === 'die' && e.attributes['exitCode'] === '1')).toBe(true);
		const once = await snapshotOnce();
		expect(once.alerts.map(a => a.containerId)).toContain(web2.id);
	});

	it('names a host process that holds the port, with its pid and command', async () => {
		const port = await freePort();
		const holder = spawn('/bin/busybox', ['httpd', '-f', '-p', String(port), '-h', '/tmp'], {stdio: 'ignore'});
		try {
			const s = await watching();
			await waitFor('the host process listening', async () => (await snapshotOnce()).host.listening.some(l => l.port === port));
			const victim = await bed.container('victim', ['--net=host'], ['httpd', '-f', '-p', String(port), '-h', '/www']);
			const alert = await s.until('the alert', x => alertFor(x, victim.id));
			expect(alert.holder).toEqual({container: null, containerId: null, pid: holder.pid, command: `busybox httpd -f -p ${port} -h /tmp`, via: 'process'});
			expect(alert.message).toContain(`held by a host process: busybox httpd -f -p ${port} -h /tmp (pid ${holder.pid})`);
		} finally {
			holder.kill();
		}
	});

	it('a supervisor loop: raised while the container keeps running', async () => {
		const port = await freePort();
		const s = await watching();
		const web1 = await bed.container('holder', ['--net=host'], ['httpd', '-f', '-p', String(port), '-h', '/www']);
		await s.until('the holder listening', x => x.snapshots().at(-1)?.host.listening.some(l => l.port === port));
		const loop = await bed.container('loop', ['--net=host'], ['sh', '-c', `while true; do httpd -f -p ${port} -h /www; sleep 1; done`]);
		const alert = await s.until('the alert', x => alertFor(x, loop.id), 20_000);
		expect(alert).toMatchObject({source: 'running', port, holder: {container: web1.name}});
		expect(alert.message).toContain(`${loop.name} (host network) keeps failing to bind while it runs: port ${port}/tcp`);
		const state = await docker('inspect', '-f', '{{.State.Status}}', loop.name);
		expect(state).toBe('running');
	});

	it('a published port taken by another container: the start fails, and State.Error names the port', async () => {
		const port = await freePort();
		const s = await watching();
		const p1 = await bed.container('pub1', ['-p', `127.0.0.1:${port}:80`], ['httpd', '-f', '-p', '80', '-h', '/www']);
		await s.until('p1 published', x => x.snapshots().at(-1)?.host.listening.some(l => l.port === port));
		const p2 = await bed.created('pub2', ['-p', `127.0.0.1:${port}:80`], ['httpd', '-f', '-p', '80', '-h', '/www']);
		await expect(docker('start', p2.name)).rejects.toThrow(/port is already allocated/);
		const alert = await s.until('the alert', x => alertFor(x, p2.id));
		expect(alert).toMatchObject({source: 'docker-start', port, portSource: 'message', networkMode: 'bridge'});
		expect(alert.holder?.container).toBe(p1.name);
		expect(['docker-proxy', 'published-port']).toContain(alert.holder?.via);
		expect(alert.message).toMatch(new RegExp(`^${p2.name} \\(bridge\\) could not start: Docker could not publish port ${port}/tcp: it is already taken, held by ${p1.name}`));
	});

	it('a restart policy that loops gives one alert, counting', async () => {
		const port = await freePort();
		const s = await watching();
		await bed.container('first', ['--net=host'], ['httpd', '-f', '-p', String(port), '-h', '/www']);
		await s.until('listening', x => x.snapshots().at(-1)?.host.listening.some(l => l.port === port));
		const looping = await bed.container('again', ['--net=host', '--restart', 'on-failure:3'], ['httpd', '-f', '-p', String(port), '-h', '/www']);
		await s.until('three failures counted', x => (alertFor(x, looping.id)?.count ?? 0) >= 3, 30_000);
		const ids = new Set(s.alerts().filter(a => a.containerId === looping.id).map(a => `${a.port}/${a.proto}`));
		expect(ids.size).toBe(1);
		const once = await snapshotOnce();
		expect(once.alerts.filter(a => a.containerId === looping.id)).toHaveLength(1);
	});

	it('no false alarm: a host-mode container that fails for another reason', async () => {
		const s = await watching();
		const boom = await bed.container('boom', ['--net=host'], ['sh', '-c', 'echo boom; exit 1']);
		await s.until('its die event', x => x.events().find(e => e.id === boom.id && e.action === 'die' && e.attributes['exitCode'] === '1'));
		// exits are looked into in the order they happen: once a later one's alert is out, boom's
		// log has been read and judged
		const sentinel = await bed.container('sentinel', [], ['sh', '-c', 'echo "nc: bind: Address already in use"; exit 1']);
		await s.until("the later exit's alert", x => alertFor(x, sentinel.id));
		expect(s.alerts().filter(a => a.containerId === boom.id)).toEqual([]);
	});
});
