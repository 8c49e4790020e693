/**
 * Every diagnosis on the real engine: raised from what real containers do, with its evidence,
 * and resolved when the condition ends. And the other half of the promise: healthy containers
 * that print the healthy lines of the corpora for a minute raise nothing.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startDnsStub, type DnsStub} from '../helpers/dns-stub.js';
import {docker, freePort, useTestbed} from '../helpers/docker.js';
import {corpus} from '../helpers/fixtures.js';
import {useNetwatch, type JsonAlert, type JsonStream} from '../helpers/netwatch.js';

const bed = useTestbed();
const watching = useNetwatch();

/** The newest record of this container's alert of this kind. */
const alertOf = (s: JsonStream, id: string, kind: string): JsonAlert | undefined => s.alerts().findLast(a => a.containerId === id && a.kind === kind);
const open = (kind: string, id: string) => (s: JsonStream) => {
	const a = alertOf(s, id, kind);
	return a && !a.resolved ? a : undefined;
};
const resolved = (kind: string, id: string) => (s: JsonStream) => alertOf(s, id, kind)?.resolved === true;

/** Published ports are judged 10 s after the start: a little more than that for the alert. */
const AFTER_GRACE_MS = 25_000;

describe('bind errors', () => {
	it('EACCES: a privileged port on the host network, as a user that is not root', async () => {
		const s = await watching();
		const c = await bed.container('eacces', ['--net=host', '--user', '65534'], ['httpd', '-f', '-p', '127.0.0.1:81', '-h', '/www']);
		const alert = await s.until('the EACCES alert', open('EACCES', c.id));
		expect(alert).toMatchObject({severity: 'error', port: 81, evidenceFrom: 'log', source: 'exit', evidence: 'httpd: bind: Permission denied'});
		expect(alert.message).toContain(`port 81/tcp (port from its command line) needs privilege and it runs as user 65534: a host-network container uses the host's net.ipv4.ip_unprivileged_port_start (1024`);
		expect(s.alerts().some(a => a.containerId === c.id && a.kind === 'EADDRINUSE')).toBe(false);
		await docker('rm', c.name);
		await s.until('resolved with its container', resolved('EACCES', c.id));
	});

	it('EADDRNOTAVAIL: an address the bridge container does not have', async () => {
		const s = await watching();
		const c = await bed.container('notavail', [], ['httpd', '-f', '-p', '10.9.9.9:8080', '-h', '/www']);
		const alert = await s.until('the EADDRNOTAVAIL alert', open('EADDRNOTAVAIL', c.id));
		expect(alert).toMatchObject({severity: 'error', port: 8080, evidence: 'httpd: bind: Cannot assign requested address'});
		// it has exited: its address on the bridge is gone with it, so none is listed
		expect(alert.message).toContain('cannot bind port 8080/tcp (port from its command line) on the address it asked for: its network namespace does not have that address');
		await docker('rm', c.name);
		await s.until('resolved with its container', resolved('EADDRNOTAVAIL', c.id));
	});
});

describe('published ports', () => {
	it('published-no-listener: raised after the grace period, resolved when the server listens', async () => {
		const port = await freePort();
		const s = await watching();
		const c = await bed.container('nolistener', ['-p', `127.0.0.1:${port}:80`], ['sleep', '300']);
		const alert = await s.until('the warning', open('published-no-listener', c.id), AFTER_GRACE_MS);
		expect(alert).toMatchObject({severity: 'warning', port: 80, evidenceFrom: 'socket', source: 'state'});
		expect(alert.evidence).toBe(`NetworkSettings.Ports 127.0.0.1:${port}→80/tcp; no tcp socket on port 80 in its network namespace`);
		await docker('exec', '-d', c.name, 'httpd', '-p', '80', '-h', '/www');
		await s.until('resolved', resolved('published-no-listener', c.id));
		expect(alertOf(s, c.id, 'published-no-listener')!.count).toBe(1);
	});

	it('loopback-only: a published port whose server listens only on 127.0.0.1 inside', async () => {
		const port = await freePort();
		const s = await watching();
		const c = await bed.container('loopback', ['-p', `127.0.0.1:${port}:80`], ['httpd', '-f', '-p', '127.0.0.1:80', '-h', '/www']);
		const alert = await s.until('the error', open('loopback-only', c.id), AFTER_GRACE_MS);
		expect(alert).toMatchObject({severity: 'error', port: 80});
		expect(alert.evidence).toMatch(/^tcp 127\.0\.0\.1:80 \(httpd, pid \d+\)$/);
		expect(alert.hint).toContain('0.0.0.0');
		await docker('stop', '-t', '1', c.name);
		await s.until('resolved when it stops', resolved('loopback-only', c.id));
	});

	it('host-ports-discarded: port bindings on a host-network container', async () => {
		const port = await freePort();
		const s = await watching();
		const c = await bed.container('hostports', ['--net=host', '-p', `127.0.0.1:${port}:${port}`], ['httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', '/www']);
		const alert = await s.until('the warning', open('host-ports-discarded', c.id));
		expect(alert).toMatchObject({severity: 'warning', evidenceFrom: 'inspect', evidence: `HostConfig.NetworkMode host, HostConfig.PortBindings 127.0.0.1:${port}→${port}/tcp`});
		await docker('rm', '-f', c.name);
		await s.until('resolved with its container', resolved('host-ports-discarded', c.id));
	});
});

describe('name lookups', () => {
	// the test image's static busybox cannot use glibc's resolver, so the clients ask with
	// nslookup, of a resolver that knows no container names, as the default bridge's does
	let dns: DnsStub;
	beforeAll(async () => {
		dns = await startDnsStub(await freePort());
	});
	afterAll(() => dns.close());
	const asking = (name: string) => ['sh', '-c', `while true; do nslookup ${name} ${dns.server}; sleep 1; done`];

	it('dns-default-bridge: a lookup of another container on the default bridge, resolved once they share a network', async () => {
		const s = await watching();
		const web = await bed.container('dnsweb', [], ['httpd', '-f', '-p', '80', '-h', '/www']);
		const client = await bed.container('dnsclient', [], asking(web.name));
		const alert = await s.until('the error', open('dns-default-bridge', client.id), 20_000);
		expect(alert).toMatchObject({severity: 'error', lookup: web.name, evidence: `** server can't find ${web.name}: NXDOMAIN`, source: 'running'});
		expect(alert.message).toContain('the default bridge has no embedded DNS');
		const net = await bed.network('dnsnet', []);
		await docker('network', 'connect', net, web.name);
		await docker('network', 'connect', net, client.name);
		await s.until('resolved once they share a network', resolved('dns-default-bridge', client.id));
	});

	it('dns-other-network: two user-defined networks that they do not share', async () => {
		const s = await watching();
		const a = await bed.network('neta', []);
		const b = await bed.network('netb', []);
		const web = await bed.container('otherweb', ['--network', a], ['httpd', '-f', '-p', '80', '-h', '/www']);
		const client = await bed.container('otherclient', ['--network', b], asking(web.name));
		const alert = await s.until('the error', open('dns-other-network', client.id), 20_000);
		expect(alert.message).toContain('they share no network');
		await docker('network', 'connect', a, client.name);
		await s.until('resolved once they share a network', resolved('dns-other-network', client.id));
	});
});

describe('no false alarms', () => {
	const dir = mkdtempSync(join(tmpdir(), 'netwatch-negatives-'));
	afterAll(() => rmSync(dir, {recursive: true, force: true}));

	it('ten healthy containers printing the healthy lines of both corpora for 60 s raise nothing', async () => {
		const lines = [
			...corpus<{lines: string[]}>('bind-errors/negatives.jsonl').flatMap(n => n.lines),
			...corpus<{lines: string[]}>('name-errors/negatives.jsonl').flatMap(n => n.lines),
		];
		const file = join(dir, 'lines.txt');
		writeFileSync(file, `${lines.join('\n')}\n`);
		const s = await watching();
		const ids: string[] = [];
		for (let i = 0; i < 10; i++) {
			// five bridge servers behind published ports, five host-network servers on their own ports
			const port = await freePort();
			const network = i < 5 ? ['-p', `127.0.0.1:${port}:80`] : ['--net=host'];
			const listen = i < 5 ? '80' : `127.0.0.1:${port}`;
			const c = await bed.container(`healthy${i}`, [...network, '-v', `${file}:/lines.txt:ro`], ['sh', '-c', `httpd -p ${listen} -h /www; while true; do cat /lines.txt; sleep 1; done`]);
			ids.push(c.id);
		}
		// a minute of their output, by the clock of the samples netwatch took meanwhile
		const from = Date.parse(s.snapshots().at(-1)!.time);
		await s.until('60 s of samples', x => Date.parse(x.snapshots().at(-1)!.time) - from >= 60_000, 100_000);
		expect(s.alerts().filter(a => ids.includes(a.containerId))).toEqual([]);
		// and they were watched: every one is listed, running, with its listener
		const last = s.snapshots().at(-1)!;
		for (const id of ids) expect(last.containers.find(c => c.id === id)).toMatchObject({state: 'running'});
	}, 150_000);
});
