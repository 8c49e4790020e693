/**
 * `diagnoseBind`, on the captured fixture: fx-h2 (host network) died with "httpd: bind: Address
 * already in use" while fx-h1 held 8090; fx-p2 could not publish 18472, held by fx-p1.
 */
import {describe, expect, it} from 'vitest';
import {diagnoseBind, type BindInput} from '../../src/diagnoses/bind.js';
import type {ContainerInfo, ListeningSocket} from '../../src/model.js';
import {findBindFailure} from '../../src/parsers/bind-errors.js';
import {logLines} from '../../src/parsers/docker-logs.js';
import {parseSockets} from '../../src/parsers/proc-net-sockets.js';
import {fixture, fixtureBytes} from '../helpers/fixtures.js';
import {containers as byName} from '../helpers/snapshots.js';

const h1 = byName['h1']!;
const h2 = byName['h2']!;
const containers = new Map<string, ContainerInfo>(Object.values(byName).map(c => [c.id, c]));
const h2Failure = findBindFailure(logLines(fixtureBytes('docker/logs-h2-multiplexed.bin'), false))!;

/** The host's listening sockets from the captured tcp/tcp6 files, with the owners the fd walk found. */
function hostSockets(owner: Partial<ListeningSocket> | null): ListeningSocket[] {
	const rows = [...parseSockets(fixture('proc/host-tcp.txt'), 'tcp', {listeningOnly: true}), ...parseSockets(fixture('proc/host-tcp6.txt'), 'tcp6', {listeningOnly: true})];
	return rows.map(r => ({
		proto: r.proto,
		family: r.family,
		address: r.localAddress,
		port: r.localPort,
		inode: r.inode,
		netns: 'host',
		pid: null,
		command: null,
		containerId: null,
		proxyTo: null,
		ownerUnknown: 'needs root',
		...(r.localPort === 8090 && owner ? owner : {}),
	}));
}

/** The bind diagnosis, with what only the engine knows (the occurrence, the clock) left out. */
const explain = (input: Omit<BindInput, 'occurrence' | 'detectedAt' | 'eventTimeNano'>) => diagnoseBind({...input, occurrence: null, detectedAt: 0, eventTimeNano: null});

describe('diagnoseBind', () => {
	it('takes the port from the command line, and names the container that holds it', () => {
		const sockets = hostSockets({pid: h1.pid, command: 'httpd -f -p 8090 -h /www', containerId: h1.id, ownerUnknown: null});
		const alert = explain({victim: h2, failure: h2Failure, source: 'exit', sockets, containers})!;
		expect(alert).toMatchObject({
			containerName: 'fx-h2',
			networkMode: 'host network',
			port: 8090,
			proto: 'tcp',
			portSource: 'command',
			holder: {containerId: h1.id, containerName: 'fx-h1', pid: h1.pid, via: 'container'},
			holderUnknown: null,
			exitCode: 1,
			evidence: 'httpd: bind: Address already in use',
		});
		expect(alert.message).toBe(`fx-h2 (host network) exited 1: port 8090/tcp (port from its command line) is already in use, held by fx-h1 (httpd, pid ${h1.pid})`);
	});

	it('says why the holder is unknown: not root', () => {
		const alert = explain({victim: h2, failure: h2Failure, source: 'exit', sockets: hostSockets(null), containers})!;
		expect(alert.holder).toBeNull();
		expect(alert.holderUnknown).toBe('needs root');
		expect(alert.message).toMatch(/port 8090\/tcp \(port from its command line\) is already in use, holder unknown: needs root$/);
	});

	it('says when nothing holds the port any more', () => {
		const sockets = hostSockets(null).filter(s => s.port !== 8090);
		const alert = explain({victim: h2, failure: h2Failure, source: 'exit', sockets, containers})!;
		expect(alert).toMatchObject({port: 8090, holder: null, holderUnknown: 'nothing listens on it now: the holder may have gone'});
	});

	it('says "port unknown" rather than guess', () => {
		const victim: ContainerInfo = {...h2, command: ['/app/server'], exposedPorts: []};
		const failure = findBindFailure(['java.net.BindException: Address already in use'])!;
		const alert = explain({victim, failure, source: 'exit', sockets: hostSockets(null), containers})!;
		expect(alert).toMatchObject({port: null, portSource: 'unknown', holderUnknown: 'the port is unknown'});
		expect(alert.message).toBe('fx-h2 (host network) exited 1: a port (port unknown) is already in use, holder unknown: the port is unknown');
	});

	it("falls back to the image's exposed ports", () => {
		const victim: ContainerInfo = {...h2, command: ['/app/server'], exposedPorts: [{port: 8090, proto: 'tcp'}]};
		const failure = findBindFailure(['OSError: [Errno 98] Address already in use'])!;
		const sockets = hostSockets({pid: 77, command: 'python3 -m http.server 8090', containerId: null, ownerUnknown: null});
		const alert = explain({victim, failure, source: 'running', sockets, containers})!;
		expect(alert).toMatchObject({port: 8090, portSource: 'image', holder: {via: 'process', pid: 77}});
		expect(alert.message).toBe("fx-h2 (host network) keeps failing to bind while it runs: port 8090/tcp (port from the image's EXPOSE) is already in use, held by a host process: python3 -m http.server 8090 (pid 77)");
	});

	it("reads Docker's own failure to publish, and finds the container that publishes the port", () => {
		const p1 = byName['p1']!;
		const p2 = byName['p2']!;
		const failure = findBindFailure([p2.error])!;
		const proxy = hostSockets(null).map(s =>
			s.port === 18472 ? {...s, pid: 5355, command: 'docker-proxy -proto tcp -host-ip 127.0.0.1 -host-port 18472 -container-ip 172.17.0.3 -container-port 80', proxyTo: {ip: '172.17.0.3', port: 80}, ownerUnknown: null} : s,
		);
		const alert = explain({victim: p2, failure, source: 'docker-start', sockets: proxy, containers})!;
		expect(alert).toMatchObject({port: 18472, portSource: 'message', networkMode: 'bridge', holder: {containerName: 'fx-p1', via: 'docker-proxy', pid: 5355}});
		expect(alert.message).toBe("fx-p2 (bridge) could not start: Docker could not publish port 18472/tcp: it is already taken, held by fx-p1's published port (docker-proxy, pid 5355)");
		// without the proxy's socket (a newer engine binds it itself), the publishing container still answers
		const alone = explain({victim: p2, failure, source: 'docker-start', sockets: [], containers})!;
		expect(alone.holder).toEqual({containerId: p1.id, containerName: 'fx-p1', pid: null, command: null, via: 'published-port'});
	});

	it('raises nothing for a supervisor that reports exits when the port is free', () => {
		const failure = findBindFailure(['INFO exited: httpd (exit status 1; not expected)'])!;
		const free = hostSockets(null).filter(s => s.port !== 8090);
		expect(explain({victim: h2, failure, source: 'running', sockets: free, containers})).toBeNull();
		const taken = hostSockets({pid: 9, command: 'httpd -f -p 8090', containerId: h1.id, ownerUnknown: null});
		expect(explain({victim: h2, failure, source: 'running', sockets: taken, containers})!.message).toContain('supervisord reports httpd exiting; port 8090/tcp');
	});

	it('says why a privileged port is refused, from the host sysctl for a host-network container', () => {
		const victim: ContainerInfo = {...h2, user: '1000', command: ['httpd', '-f', '-p', '80']};
		const failure = findBindFailure(['httpd: bind: Permission denied'])!;
		const alert = explain({victim, failure, source: 'exit', sockets: [], containers, unprivilegedPortStart: 1024})!;
		expect(alert).toMatchObject({kind: 'EACCES', severity: 'error', port: 80, portSource: 'command', holder: null});
		expect(alert.message).toBe("fx-h2 (host network) exited 1: port 80/tcp (port from its command line) needs privilege and it runs as user 1000: a host-network container uses the host's net.ipv4.ip_unprivileged_port_start (1024), and only root may bind below it");
		expect(alert.hint).toMatch(/CAP_NET_BIND_SERVICE/);
	});

	it('says which addresses the namespace has when the one asked for is not there', () => {
		const failure = findBindFailure(['2026-12-02 11:05:01.123 UTC [1] LOG:  could not bind IPv4 address "10.9.9.9": Cannot assign requested address', 'HINT:  Is another postmaster already running on port 5432?'])!;
		const alert = explain({victim: h2, failure, source: 'exit', sockets: [], containers, addresses: ['127.0.0.1', '10.0.2.15']})!;
		expect(alert).toMatchObject({kind: 'EADDRNOTAVAIL', port: 5432});
		expect(alert.message).toBe('fx-h2 (host network) exited 1: cannot bind port 5432/tcp on 10.9.9.9: its network namespace does not have that address (it has 127.0.0.1, 10.0.2.15)');
	});
});
