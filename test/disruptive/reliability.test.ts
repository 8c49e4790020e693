/**
 * When Docker goes away and comes back: the dashboard says so and keeps the host pane alive,
 * nothing leaks across restarts, and through it all netwatch only ever reads (GET and HEAD).
 * These stop and start the real dockerd.
 */
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {startDaemon, stopDaemon} from '../helpers/daemon.js';
import {freePort, useTestbed} from '../helpers/docker.js';
import {JsonStream, netwatch, rssKb} from '../helpers/netwatch.js';
import {DockerProxy} from '../helpers/proxy.js';
import {headerClock, PtyScreen} from '../helpers/pty.js';

const bed = useTestbed();
let screen: PtyScreen | undefined;

// a test that failed half-way must not leave the daemon down for the next one (nor for the
// testbed's clean-up, which runs after this)
afterEach(async () => {
	screen?.dispose();
	screen = undefined;
	await startDaemon();
});

describe('the daemon restarts while netwatch runs', () => {
	it('the dashboard says "reconnecting", keeps the host pane moving, and resynchronises', async () => {
		const before = await bed.container('before', [], ['sleep', '300']);
		screen = new PtyScreen([], {cols: 160, rows: 48});
		const s = screen;
		await s.waitFor(new RegExp(before.name));

		await stopDaemon();
		const away = await s.waitFor(/Docker: reconnecting…/, 15_000);
		// the host pane keeps updating: the clock of its samples moves on
		await s.waitFor(text => /Docker: reconnecting…/.test(text) && headerClock(text) !== headerClock(away));
		expect(await s.text()).toMatch(/│lo +/);

		await startDaemon();
		await s.waitFor(text => /Docker 20|Docker \d+\.\d+/.test(text.split('\n')[0]!) && !/reconnecting/.test(text), 30_000);
		// the daemon stopped the container with it: the list says so after the resync
		await s.waitFor(new RegExp(`${before.name}\\s+\\S+\\s+exited`), 15_000);
		const after = await bed.container('after', [], ['sleep', '300']);
		await s.waitFor(new RegExp(after.name), 15_000);
		// it never left on its own
		s.press('q');
		expect((await s.exited).exitCode).toBe(0);
	});

	it('memory does not grow across 5 restarts', async () => {
		const stream = new JsonStream();
		try {
			await stream.until('connected', x => x.snapshots().at(-1)?.docker.state === 'connected');
			await stream.moreSamples(3);
			const before = rssKb(stream.pid);
			for (let i = 0; i < 5; i++) {
				await stopDaemon();
				await stream.until('reconnecting', x => x.snapshots().at(-1)?.docker.state === 'reconnecting', 20_000);
				await startDaemon();
				await stream.until('connected again', x => x.snapshots().at(-1)?.docker.state === 'connected', 30_000);
			}
			await stream.moreSamples(3);
			const after = rssKb(stream.pid);
			expect(after - before, `RSS ${before} kB before, ${after} kB after`).toBeLessThan(10 * 1024);
			expect(stream.snapshots().length).toBeGreaterThan(20);
		} finally {
			expect(await stream.stop()).toBe(0);
		}
	});
});

describe('read-only, by proof', () => {
	const proxy = new DockerProxy(`/tmp/netwatch-proxy-${process.pid}.sock`);

	afterAll(async () => {
		await proxy.close();
	});

	it('through the dashboard, --json, the EADDRINUSE scenario and a daemon restart, only GET and HEAD reach Docker', async () => {
		await proxy.listen();
		const env = {DOCKER_HOST: proxy.url};
		const stream = new JsonStream([], env);
		screen = new PtyScreen([], {cols: 160, rows: 48, env});
		try {
			await stream.until('connected through the proxy', x => x.snapshots().at(-1)?.docker.state === 'connected');
			await screen.waitFor(/Containers \d+/);

			// the classic conflict: the alert has read logs, inspected, listed
			const port = await freePort();
			await bed.container('web1', ['--net=host'], ['httpd', '-f', '-p', String(port), '-h', '/www']);
			await stream.until('web1 listening', x => x.snapshots().at(-1)?.host.listening.some(l => l.port === port));
			const web2 = await bed.container('web2', ['--net=host'], ['httpd', '-f', '-p', String(port), '-h', '/www']);
			await stream.until('the alert', x => x.alerts().some(a => a.containerId === web2.id));
			await screen.waitFor(/already in use/);
			// and a one-shot report, through the same proxy
			const once = await netwatch(['--json', '--once'], env);
			expect(once.code).toBe(0);

			await stopDaemon();
			await stream.until('reconnecting', x => x.snapshots().at(-1)?.docker.state === 'reconnecting', 20_000);
			await startDaemon();
			await stream.until('connected again', x => x.snapshots().at(-1)?.docker.state === 'connected', 30_000);
			screen.press('q');
			expect((await screen.exited).exitCode).toBe(0);
		} finally {
			await stream.stop();
		}
		const paths = new Set(proxy.requests.map(r => r.path.replace(/\?.*/, '').replace(/[0-9a-f]{64}/g, '<id>')));
		// it did talk to Docker, a lot, and every request read
		expect(proxy.requests.length).toBeGreaterThan(20);
		expect([...paths]).toEqual(expect.arrayContaining(['/version', '/events', '/containers/json', '/containers/<id>/json', '/containers/<id>/logs', '/networks']));
		expect(proxy.writes()).toEqual([]);
		const methods = new Set(proxy.requests.map(r => r.method));
		expect([...methods].every(m => m === 'GET' || m === 'HEAD')).toBe(true);
	});
});
