/**
 * The command line as a user meets it: help, version, bad flags, and every way Docker can be
 * out of reach. Each failure is one line with a hint, a documented exit status, and no stack
 * trace; the host part of the report is still there.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {netwatch, snapshotOnce} from '../helpers/netwatch.js';
import {DockerProxy} from '../helpers/proxy.js';

const NO_STACK = /\n\s+at |Error:|node:internal/;

describe('command line', () => {
	it('prints help and version', async () => {
		const help = await netwatch(['--help']);
		expect(help.code).toBe(0);
		expect(help.stdout).toMatch(/^netwatch: watch a Docker host's network live/);
		expect(help.stdout).toContain('--json');
		const version = await netwatch(['--version']);
		expect(version.code).toBe(0);
		expect(version.stdout).toMatch(/^netwatch \d+\.\d+\.\d+\n$/);
	});

	it('rejects an unknown flag with one line, the usage, and status 2', async () => {
		const r = await netwatch(['--frobnicate']);
		expect(r.code).toBe(2);
		expect(r.stdout).toBe('');
		const lines = r.stderr.trimEnd().split('\n');
		expect(lines[0]).toBe("netwatch: unknown option '--frobnicate'");
		expect(lines[1]).toMatch(/^usage: netwatch /);
		expect(r.stderr).not.toMatch(NO_STACK);
	});

	it('prints a plain table once when stdout is not a terminal', async () => {
		const r = await netwatch([]);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^netwatch {2}\S+ {2}Docker /);
		expect(r.stdout).toContain('HOST INTERFACE');
		expect(r.stdout).toMatch(/^lo +/m);
		expect(r.stdout).not.toMatch(/\u001b/);
	});
});

describe('Docker out of reach', () => {
	it.each([
		['a missing socket', {DOCKER_HOST: 'unix:///tmp/netwatch-no-such.sock'}, /no Docker socket at \/tmp\/netwatch-no-such\.sock: is the Docker engine running\?/],
		['a refused TCP port', {DOCKER_HOST: 'tcp://127.0.0.1:1'}, /connection refused by tcp:\/\/127\.0\.0\.1:1: is dockerd listening there\? \(check DOCKER_HOST\)/],
		// through the system's ssh; and no Node deprecation warning (docker-modem's DEP0170)
		['a refused SSH port', {DOCKER_HOST: 'ssh://nobody@127.0.0.1:1'}, /connection refused by ssh:\/\/nobody@127\.0\.0\.1:1: is sshd listening there\? \(ssh said: ssh: connect to host 127\.0\.0\.1 port 1: Connection refused\)/],
		['a malformed DOCKER_HOST', {DOCKER_HOST: 'tcp://127.0.0.1:notaport'}, /DOCKER_HOST=tcp:\/\/127\.0\.0\.1:notaport is not a Docker address .*use unix:\/\/\/path/],
		['an unknown scheme', {DOCKER_HOST: 'http://127.0.0.1:2375'}, /unknown scheme http:\/\//],
	])('%s: --json --once reports the host, says why in one line, and exits 3', async (_, env, reason) => {
		const r = await netwatch(['--json', '--once'], env);
		expect(r.code).toBe(3);
		const doc = JSON.parse(r.stdout) as {docker: {error: string}; host: {interfaces: {name: string}[]}; containers: unknown[]};
		expect(doc.docker.error).toMatch(reason);
		expect(doc.host.interfaces.map(i => i.name)).toContain('lo');
		expect(doc.containers).toEqual([]);
		expect(r.stderr.trimEnd().split('\n')).toEqual([`netwatch: ${doc.docker.error}`]);
		expect(r.stderr).not.toMatch(NO_STACK);
	});

	it('the plain table says the same, with the same status', async () => {
		const r = await netwatch(['--once'], {DOCKER_HOST: 'unix:///tmp/netwatch-no-such.sock'});
		expect(r.code).toBe(3);
		expect(r.stdout).toContain('Docker: no Docker socket at /tmp/netwatch-no-such.sock');
		expect(r.stdout).toContain('HOST INTERFACE');
	});

	it('a socket without permission: explains the docker group, and owners need root', async () => {
		// run as nobody, outside the docker group
		const r = await netwatch(['--json', '--once'], {});
		expect(r.code).toBe(0);
		const asNobody = await import('node:child_process').then(
			({spawnSync}) =>
				spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bin/netwatch.js', '--json', '--once'], {
					encoding: 'utf8',
					timeout: 10_000,
				}),
		);
		expect(asNobody.status).toBe(3);
		const doc = JSON.parse(asNobody.stdout) as {docker: {error: string}; host: {listening: {pid: number | null; ownerUnknown?: string}[]}};
		expect(doc.docker.error).toMatch(/^permission denied on \/var\/run\/docker\.sock: run as root or join the docker group$/);
		// sockets of other users' processes cannot be traced without root, and it says so
		expect(doc.host.listening.length).toBeGreaterThan(0);
		expect(doc.host.listening.every(l => l.pid === null && l.ownerUnknown === 'needs root')).toBe(true);
		expect(asNobody.stderr).toBe(`netwatch: ${doc.docker.error}\n`);
	});
});

describe('docker contexts', () => {
	it('follows the current context as docker ps does, and -H, DOCKER_HOST or "default" override it', async () => {
		// a context made by the docker CLI, in a config folder of the test's own, whose engine is
		// a recording proxy in front of the real daemon: requests through it prove which was used
		const dir = mkdtempSync(join(tmpdir(), 'netwatch-context-'));
		const proxy = new DockerProxy(join(dir, 'engine.sock'));
		await proxy.listen();
		try {
			const docker = (...args: string[]): string => execFileSync('docker', ['--config', dir, ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
			docker('context', 'create', 'nwtest', '--docker', `host=${proxy.url}`);
			docker('context', 'use', 'nwtest');
			const env = {DOCKER_CONFIG: dir, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined};

			const viaContext = await snapshotOnce([], env);
			expect(viaContext.docker).toMatchObject({context: 'nwtest', endpoint: proxy.url, state: 'connected', error: null});
			expect(proxy.requests.map(r => r.path.replace(/\?.*/, ''))).toEqual(expect.arrayContaining(['/containers/json', '/events']));

			const table = await netwatch(['--once'], env);
			expect(table.code).toBe(0);
			expect(table.stdout).toContain(`at ${proxy.url} (context nwtest)`);

			const seen = proxy.requests.length;
			for (const [args, extra] of [
				[['-H', 'unix:///var/run/docker.sock'], {}],
				[[], {DOCKER_HOST: 'unix:///var/run/docker.sock'}],
				[[], {DOCKER_CONTEXT: 'default'}],
				[['--context', 'default'], {}],
			] as const) {
				const doc = await snapshotOnce(args, {...env, ...extra});
				expect(doc.docker).toMatchObject({context: null, endpoint: 'unix:///var/run/docker.sock', state: 'connected'});
			}
			expect(proxy.requests.length).toBe(seen);
		} finally {
			await proxy.close();
			rmSync(dir, {recursive: true, force: true});
		}
	});

	it('a context that does not exist: one line that says who named it, and status 3', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'netwatch-context-'));
		try {
			const r = await netwatch(['--json', '--once'], {DOCKER_CONFIG: dir, DOCKER_HOST: undefined, DOCKER_CONTEXT: 'nope'});
			expect(r.code).toBe(3);
			const doc = JSON.parse(r.stdout) as {docker: {error: string}; host: {interfaces: {name: string}[]}};
			expect(doc.docker.error).toBe(`context "nope" (from DOCKER_CONTEXT) does not exist in ${dir}: see 'docker context ls'`);
			expect(doc.host.interfaces.map(i => i.name)).toContain('lo');
			expect(r.stderr).toBe(`netwatch: ${doc.docker.error}\n`);

			const both = await netwatch(['-H', 'unix:///var/run/docker.sock', '--context', 'nope']);
			expect(both.code).toBe(2);
			expect(both.stderr.split('\n')[0]).toBe('netwatch: give --host or --context, not both');
			expect(both.stderr).not.toMatch(NO_STACK);
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
