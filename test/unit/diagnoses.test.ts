/**
 * The diagnosis engine over a real store filled with the captured fixture session, with a fake
 * of the narrow Docker interface: each rule raised from recorded actions, and resolved.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {DiagnosisEngine, type DiagnosisDocker} from '../../src/diagnoses/engine.js';
import {tcpFindings} from '../../src/diagnoses/tcp.js';
import {HOST_NS, type Alert, type ContainerInfo, type ListeningSocket} from '../../src/model.js';
import type {TimedLine} from '../../src/parsers/docker-logs.js';
import type {Action} from '../../src/store/actions.js';
import {Store} from '../../src/store/store.js';
import {parseContainerInspect} from '../../src/parsers/docker-container.js';
import {fixtureJson} from '../helpers/fixtures.js';
import {containers as fx, fixtureActions, fixtureStore} from '../helpers/snapshots.js';

const fixtureContainer = (name: string): ContainerInfo => fx[name]!;
const b1 = fixtureContainer('b1');
const h1 = fixtureContainer('h1');
const h2 = fixtureContainer('h2');
/** fx-h2 as it was while it ran, before its bind failed. */
const running: ContainerInfo = {...h2, state: 'running', exitCode: null, pid: 6000};
const p1 = fixtureContainer('p1');
const p2 = fixtureContainer('p2');
const u1 = fixtureContainer('u1');

function socket(ns: string, port: number, owner: Partial<ListeningSocket> = {}): ListeningSocket {
	return {proto: 'tcp', family: 4, address: '0.0.0.0', port, inode: port, netns: ns, pid: null, command: null, containerId: null, proxyTo: null, ownerUnknown: 'needs root', ...owner};
}

/** The fake: what Docker would say, set by each test; every question it is asked, counted. */
class FakeDocker implements DiagnosisDocker {
	inspected: Record<string, ContainerInfo> = {};
	logs: Record<string, string[]> = {};
	sockets: ListeningSocket[] = [];
	readonly followed = new Map<string, {lines: (lines: readonly TimedLine[]) => void; end: () => void}>();
	scans = 0;
	inspect = async (id: string) => this.inspected[id] ?? null;
	readLog = async (c: ContainerInfo) => this.logs[c.id] ?? [];
	followLog = (c: ContainerInfo, _since: number, on: {lines: (lines: readonly TimedLine[]) => void; end: () => void}) => {
		this.followed.set(c.id, on);
		return {stop: () => this.followed.delete(c.id)};
	};
	/** null: the Docker host's sockets cannot be read from here (a remote engine). */
	remote = false;
	scanSockets = () => {
		this.scans++;
		return this.remote ? null : this.sockets;
	};
	unprivilegedPortStart = () => 1024;
	/** A followed container writes lines, at this time. */
	say(c: ContainerInfo, time: string, ...texts: string[]): void {
		this.followed.get(c.id)!.lines(texts.map(text => ({time, text})));
	}
}

const H1_HOLDS = socket(HOST_NS, 8090, {pid: h1.pid, command: 'httpd -f -p 8090 -h /www', containerId: h1.id, ownerUnknown: null});
const T0 = Date.parse('2026-11-28T02:32:00Z');

let engine: DiagnosisEngine | undefined;
afterEach(() => engine?.stop());

function setup(extra: Action[] = [], maxFollowers?: number) {
	const store = new Store({endpoint: 'x', coalesceMs: 1});
	const docker = new FakeDocker();
	let now = T0;
	engine = new DiagnosisEngine({store, docker, now: () => now, ...(maxFollowers ? {maxFollowers} : {})});
	engine.start();
	for (const action of [...fixtureActions(), ...extra]) store.dispatch(action);
	const alerts = (): Alert[] => [...store.getState().alerts.values()];
	/** The engine's clock moves on (a followed container is judged at most once a second). */
	const later = (ms: number): void => {
		now += ms;
	};
	return {store, docker, alerts, later};
}

/** What the engine found is dispatched after the action it saw; let that and any read finish. */
const settle = () => new Promise(resolve => setImmediate(resolve));

const die = (c: ContainerInfo, exitCode: number, timeNano = '1795833097000000000'): Action => ({
	type: 'event',
	event: {kind: 'container', action: 'die', actorId: c.id, attributes: {name: c.name, exitCode: String(exitCode)}, timeNano},
});
const tick = (at: number): Action => ({type: 'tick', at, mono: at, host: [], namespaces: {}});

describe('bind failures', () => {
	it('an exit: reads the run, names the port from the command line and the holder', async () => {
		const {store, docker, alerts} = setup();
		docker.inspected[h2.id] = h2;
		docker.logs[h2.id] = ['httpd: bind: Address already in use'];
		docker.sockets = [H1_HOLDS];
		store.dispatch(die(h2, 1));
		await settle();
		expect(alerts()).toEqual([
			expect.objectContaining({kind: 'EADDRINUSE', severity: 'error', containerId: h2.id, port: 8090, source: 'exit', evidenceFrom: 'log', count: 1, holder: expect.objectContaining({containerName: 'fx-h1', via: 'container'})}),
		]);
		expect(alerts()[0]!.hint).toMatch(/shares the host network/);
	});

	it('one failure, seen by the followed log and then by the exit, counts once', async () => {
		const {store, docker, alerts} = setup([{type: 'container', container: running}, tick(T0)]);
		docker.sockets = [H1_HOLDS];
		docker.say(running, '2026-11-28T02:31:37.6Z', 'httpd: bind: Address already in use');
		await settle();
		expect(alerts()).toMatchObject([{source: 'running', count: 1}]);
		docker.inspected[h2.id] = h2;
		docker.logs[h2.id] = ['httpd: bind: Address already in use'];
		store.dispatch(die(h2, 1));
		await settle();
		expect(alerts()).toMatchObject([{source: 'exit', count: 1, exitCode: 1}]);
	});

	it('a running container: nothing from words that only look like it, or from a port it holds itself, or that nothing holds', async () => {
		const {docker, alerts, later} = setup([{type: 'container', container: running}, tick(T0)]);
		docker.sockets = [socket(HOST_NS, 8090, {pid: 6000, command: 'httpd -f -p 8090', containerId: h2.id, ownerUnknown: null})];
		const says = async (time: string, ...lines: string[]) => {
			later(1_500);
			docker.say(running, time, ...lines);
			await settle();
		};
		await says('2026-11-28T02:31:38Z', 'signup rejected: the email address was already in use');
		await says('2026-11-28T02:31:40Z', 'bind failed, retrying', 'Address already in use');
		await says('2026-11-28T02:31:42Z', 'httpd: bind: Address already in use');
		// nothing holds the port at all: a retry that won, or a line about another time
		docker.sockets = [];
		await says('2026-11-28T02:31:44Z', 'httpd: bind: Address already in use');
		expect(alerts()).toEqual([]);
		// the same line, with another container holding the port: that is the failure
		docker.sockets = [H1_HOLDS];
		await says('2026-11-28T02:31:46Z', 'httpd: bind: Address already in use');
		expect(alerts()).toMatchObject([{kind: 'EADDRINUSE', source: 'running', holder: {containerName: 'fx-h1'}}]);
	});

	it('is resolved as soon as the victim listens on its port', async () => {
		const {store, docker, alerts} = setup();
		docker.inspected[h2.id] = h2;
		docker.logs[h2.id] = ['httpd: bind: Address already in use'];
		docker.sockets = [H1_HOLDS];
		store.dispatch(die(h2, 1));
		await settle();
		store.dispatch({type: 'sockets', sockets: [socket(HOST_NS, 8090, {pid: 7000, containerId: h2.id, command: 'httpd', ownerUnknown: null})]});
		await settle();
		expect(alerts()).toMatchObject([{resolved: true, count: 1}]);
	});

	it("Docker's failure to publish: found from State.Error after a network disconnect", async () => {
		const {store, docker, alerts} = setup();
		docker.inspected[p2.id] = p2;
		store.dispatch({type: 'event', event: {kind: 'network', action: 'disconnect', actorId: 'net', attributes: {container: p2.id}, timeNano: '1795833098000000000'}});
		await settle();
		expect(alerts()).toMatchObject([{kind: 'EADDRINUSE', source: 'docker-start', evidenceFrom: 'inspect', port: 18472, holder: {containerName: 'fx-p1', via: 'published-port'}}]);
		store.dispatch({type: 'event', event: {kind: 'container', action: 'start', actorId: p2.id, attributes: {}, timeNano: '1795833099000000000'}});
		await settle();
		expect(alerts()).toMatchObject([{resolved: true}]);
	});

	it('EACCES and EADDRNOTAVAIL are their own diagnoses', async () => {
		const {store, docker, alerts} = setup();
		docker.inspected[h2.id] = {...h2, user: 'nobody'};
		docker.logs[h2.id] = ['httpd: bind: Permission denied'];
		store.dispatch(die(h2, 1));
		await settle();
		expect(alerts()).toMatchObject([{kind: 'EACCES', port: 8090}]);
		docker.inspected[b1.id] = {...b1, state: 'exited', exitCode: 1};
		docker.logs[b1.id] = ['nginx: [emerg] bind() to 10.9.9.9:80 failed (99: Cannot assign requested address)'];
		store.dispatch(die(b1, 1));
		await settle();
		expect(alerts().find(a => a.containerId === b1.id)).toMatchObject({kind: 'EADDRNOTAVAIL', port: 80});
		expect(alerts().find(a => a.containerId === b1.id)!.message).toMatch(/does not have that address \(it has .*172\.17\.0\.2/);
	});
});

describe('log followers', () => {
	it('follow at most maxFollowers logs: host-network containers first, then the newest, which take the place of the oldest', async () => {
		const {store, docker} = setup([], 2);
		const followed = () => [...docker.followed.keys()].map(id => store.getState().containers.get(id)!.name).sort();
		store.dispatch(tick(T0));
		// fx-h1 (host network), then the newest of the others: fx-o1 started last
		expect(followed()).toEqual(['fx-h1', 'fx-o1']);
		store.dispatch({type: 'container', container: {...b1, id: 'f'.repeat(64), name: 'fresh', startedAt: '2026-11-28T02:31:57Z'}});
		store.dispatch(tick(T0 + 1_000));
		expect(followed()).toEqual(['fresh', 'fx-h1']);
	});
});

describe('what is not known is not claimed', () => {
	it('a remote engine: no holder from this machine, and nothing from a running container', async () => {
		const {store, docker, alerts, later} = setup([{type: 'container', container: running}, tick(T0)]);
		docker.remote = true;
		later(1_500);
		docker.say(h2, '2026-11-28T02:31:38Z', 'httpd: bind: Address already in use');
		await settle();
		expect(alerts()).toEqual([]);
		docker.inspected[h2.id] = h2;
		docker.logs[h2.id] = ['httpd: bind: Address already in use'];
		store.dispatch(die(h2, 1));
		await settle();
		expect(alerts()).toMatchObject([{kind: 'EADDRINUSE', holder: null, holderUnknown: "the engine is remote: its host's sockets cannot be read from here"}]);
	});

	it('a container that died is not judged on its old pid until it is inspected again', async () => {
		const started = Date.parse(p1.startedAt!);
		const {store, docker, alerts} = setup([{type: 'namespace', containerId: p1.id, netns: 'net:[4026532300]', sharesHostNetns: false}]);
		store.dispatch(die(p1, 0));
		store.dispatch(tick(started + 11_000));
		await settle();
		expect(docker.scans).toBe(0);
		expect(alerts()).toEqual([]);
	});

	it('a finding whose container was removed meanwhile is dropped', async () => {
		const {store, docker, alerts} = setup();
		docker.inspected[h2.id] = h2;
		docker.logs[h2.id] = ['httpd: bind: Address already in use'];
		docker.sockets = [H1_HOLDS];
		store.dispatch(die(h2, 1));
		store.dispatch({type: 'container-removed', id: h2.id});
		await settle();
		expect(alerts()).toEqual([]);
	});

	it('a log that ends while its container runs is not asked for again in that run', async () => {
		const {store, docker} = setup([{type: 'container', container: running}, tick(T0)]);
		const on = docker.followed.get(h2.id)!;
		docker.followed.delete(h2.id);
		on.end();
		store.dispatch(tick(T0 + 1_000));
		store.dispatch(tick(T0 + 2_000));
		expect(docker.followed.has(h2.id)).toBe(false);
	});

	it('a name that several containers answer to, one of them reachable: no claim', async () => {
		const fxnet = u1.networks[0]!;
		const db = (id: string, networks: ContainerInfo['networks']): ContainerInfo => ({...u1, id, name: `proj-${id}-db-1`, labels: {'com.docker.compose.service': 'db'}, networks});
		const asker: ContainerInfo = {...b1, state: 'exited', exitCode: 1, networks: [fxnet]};
		const {store, docker, alerts} = setup([
			{type: 'container', container: db('a'.repeat(64), [{...fxnet, name: 'othernet', id: 'othernet-id'}])},
			{type: 'container', container: db('b'.repeat(64), [fxnet])},
			{type: 'container', container: asker},
		]);
		docker.inspected[b1.id] = asker;
		docker.logs[b1.id] = ["wget: bad address 'db'"];
		store.dispatch(die(b1, 1));
		await settle();
		expect(alerts()).toEqual([]);
	});
});

describe('published ports', () => {
	const started = Date.parse(p1.startedAt!);
	const withIdentity: Action[] = [{type: 'namespace', containerId: p1.id, netns: 'net:[4026532300]', sharesHostNetns: false}];

	it('nothing listening behind a published port after the grace period: a warning, confirmed on a fresh read, resolved when it listens', async () => {
		const {store, docker, alerts} = setup(withIdentity);
		store.dispatch(tick(started + 5_000));
		await settle();
		expect(alerts()).toEqual([]);
		store.dispatch(tick(started + 11_000));
		await settle();
		expect(docker.scans).toBe(1);
		expect(alerts()).toMatchObject([{kind: 'published-no-listener', severity: 'warning', port: 80, source: 'state', evidenceFrom: 'socket', count: 1}]);
		expect(alerts()[0]!.evidence).toBe('NetworkSettings.Ports 127.0.0.1:18472→80/tcp; no tcp socket on port 80 in its network namespace');
		// its server listens: /proc says so on the next read
		docker.sockets = [socket(p1.id, 80)];
		store.dispatch(tick(started + 12_000));
		await settle();
		expect(alerts()).toMatchObject([{resolved: true, count: 1}]);
	});

	it('no claim when the fresh read finds the listener that the last sample had not read yet', async () => {
		const {store, docker, alerts} = setup(withIdentity);
		docker.sockets = [socket(p1.id, 80)];
		store.dispatch(tick(started + 11_000));
		await settle();
		expect(alerts()).toEqual([]);
	});

	it('no claim for a namespace that netwatch cannot read', async () => {
		const {store, alerts} = setup();
		store.dispatch(tick(started + 11_000));
		await settle();
		expect(alerts()).toEqual([]);
	});

	it('a listener only on loopback behind a published port is an error', async () => {
		const {store, docker, alerts} = setup(withIdentity);
		docker.sockets = [socket(p1.id, 80, {address: '127.0.0.1', pid: 5389, command: 'httpd -f -p 127.0.0.1:80', containerId: p1.id, ownerUnknown: null})];
		store.dispatch({type: 'sockets', sockets: docker.sockets});
		store.dispatch(tick(started + 11_000));
		await settle();
		expect(alerts()).toMatchObject([{kind: 'loopback-only', severity: 'error', evidence: 'tcp 127.0.0.1:80 (httpd, pid 5389)'}]);
		expect(alerts()[0]!.hint).toMatch(/0\.0\.0\.0/);
	});

	it('port bindings on a host-network container: Docker ignores them', async () => {
		const {store, alerts} = setup([{type: 'container', container: {...h1, requestedPorts: [{hostIp: '', hostPort: 8090, containerPort: 8090, proto: 'tcp'}]}}]);
		store.dispatch(tick(T0));
		await settle();
		expect(alerts()).toMatchObject([{kind: 'host-ports-discarded', containerId: h1.id, evidence: 'HostConfig.NetworkMode host, HostConfig.PortBindings 0.0.0.0:8090→8090/tcp'}]);
	});
});

describe('name lookups', () => {
	const exited = (c: ContainerInfo): ContainerInfo => ({...c, state: 'exited', exitCode: 1});

	it('the default bridge has no DNS: a failed lookup of another container is explained, and resolved when they share a network', async () => {
		const {store, docker, alerts} = setup();
		docker.inspected[b1.id] = exited(b1);
		docker.logs[b1.id] = ["wget: bad address 'fx-u1'"];
		store.dispatch(die(b1, 1));
		await settle();
		expect(alerts()).toMatchObject([{kind: 'dns-default-bridge', severity: 'error', lookup: 'fx-u1', evidence: "wget: bad address 'fx-u1'"}]);
		expect(alerts()[0]!.message).toBe('fx-b1 cannot look up fx-u1 (container fx-u1): the default bridge has no embedded DNS, so container names do not resolve there (fx-b1: bridge; fx-u1: fxnet)');
		const fxnet = u1.networks[0]!;
		store.dispatch({type: 'container', container: {...exited(b1), networks: [...b1.networks, {...fxnet, ipAddress: '172.18.0.9'}]}});
		await settle();
		expect(alerts()).toMatchObject([{resolved: true}]);
	});

	it('two user-defined networks that they do not share', async () => {
		const other = {...u1.networks[0]!, name: 'othernet', id: 'othernet-id'};
		const asker: ContainerInfo = {...exited(b1), rawNetworkMode: 'othernet', networks: [other]};
		const {store, docker, alerts} = setup([{type: 'container', container: asker}]);
		docker.inspected[b1.id] = asker;
		docker.logs[b1.id] = ['Error: getaddrinfo ENOTFOUND fx-u1'];
		store.dispatch(die(b1, 1));
		await settle();
		expect(alerts()).toMatchObject([{kind: 'dns-other-network', lookup: 'fx-u1'}]);
	});

	it('no claim for a name that is no container, or one they can both reach', async () => {
		const {store, docker, alerts} = setup();
		docker.inspected[b1.id] = exited(b1);
		docker.logs[b1.id] = ['curl: (6) Could not resolve host: example.invalid'];
		store.dispatch(die(b1, 1));
		docker.inspected[u1.id] = exited(u1);
		docker.logs[u1.id] = ["wget: bad address 'fx-u1'"];
		store.dispatch(die(u1, 1));
		await settle();
		await settle();
		expect(alerts()).toEqual([]);
	});
});

describe('TCP trouble', () => {
	it("an accept queue that overflowed while netwatch watched: a warning with the kernel's counts, resolved a minute after the last rise", () => {
		const state = fixtureStore().getState();
		const overflow = {at: T0, overflows: 45, drops: 45, queues: [{address: '0.0.0.0', port: 80, queue: 3}]};
		const stats = {retransSegs: 0, outRsts: 0, estabResets: 0, listenOverflows: 45, listenDrops: 45, retransRate: 0, resetRate: 0, overflow};
		const at = (ms: number) => tcpFindings({...state, at: ms, tcp: new Map([[b1.id, stats], [HOST_NS, stats]])});
		expect(at(T0 + 1_000)).toEqual([
			expect.objectContaining({
				kind: 'listen-overflow',
				severity: 'warning',
				containerId: b1.id,
				port: 80,
				message: "fx-b1's accept queue overflowed: the kernel dropped 45 connection attempts; port 80 (3 waiting for accept)",
				evidence: 'TcpExt ListenOverflows +45, ListenDrops +45; LISTEN 0.0.0.0:80 rx_queue 3',
			}),
		]);
		expect(at(T0 + 61_000)).toEqual([]);
	});
});

describe('health checks', () => {
	const inspectCompose = (name: string) => parseContainerInspect(fixtureJson(`docker/inspect-compose-${name}.json`))!;
	const unhealthy = inspectCompose('web-unhealthy');
	const healthy = inspectCompose('web-healthy');

	it('raise a warning with the last probe output while unhealthy, resolved when healthy again', async () => {
		const {store, alerts} = setup([{type: 'container', container: unhealthy}]);
		await settle();
		expect(alerts()).toEqual([
			expect.objectContaining({
				id: `unhealthy:${unhealthy.id}`,
				kind: 'unhealthy',
				severity: 'warning',
				source: 'health',
				evidence: 'no /tmp/ok yet',
				evidenceFrom: 'inspect',
				message: 'nwt-capture14_web_1 is unhealthy: its health check failed 5 times in a row (exit 1)',
				resolved: false,
			}),
		]);
		// another inspect while it stays unhealthy raises nothing new
		store.dispatch({type: 'container', container: unhealthy});
		await settle();
		expect(alerts()).toHaveLength(1);
		store.dispatch({type: 'container', container: healthy});
		await settle();
		expect(alerts()).toEqual([expect.objectContaining({kind: 'unhealthy', resolved: true, count: 1})]);
		// unhealthy again: the same alert, open again, counted twice
		store.dispatch({type: 'container', container: unhealthy});
		await settle();
		expect(alerts()).toEqual([expect.objectContaining({kind: 'unhealthy', resolved: false, count: 2})]);
	});
});
