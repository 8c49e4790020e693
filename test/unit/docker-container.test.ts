import {describe, expect, it} from 'vitest';
import {parseContainerInspect, parseNetworkInspect, parsePortMap} from '../../src/parsers/docker-container.js';
import {fixtureJson} from '../helpers/fixtures.js';

const inspect = (name: string) => parseContainerInspect(fixtureJson(`docker/inspect-${name}.json`))!;

describe('parseContainerInspect', () => {
	it('reads a running bridge container', () => {
		const c = inspect('b1');
		expect(c).toMatchObject({
			name: 'fx-b1',
			image: 'netwatch/busybox:latest',
			state: 'running',
			exitCode: null,
			rawNetworkMode: 'default',
			command: ['httpd', '-f', '-p', '80', '-h', '/www'],
			tty: false,
			restartCount: 0,
		});
		expect(c.pid).toBeGreaterThan(1);
		expect(c.networks).toEqual([expect.objectContaining({name: 'bridge', ipAddress: '172.17.0.2', prefixLen: 16, macAddress: '02:42:ac:11:00:02'})]);
	});

	it('reads an exited host-mode container with its exit code and no pid', () => {
		const c = inspect('h2');
		expect(c).toMatchObject({state: 'exited', exitCode: 1, pid: null, rawNetworkMode: 'host', error: ''});
		expect(c.startedAt).toMatch(/^2026-/);
		expect(c.finishedAt).toMatch(/^2026-/);
	});

	it('reads a start that failed on a published port: created, State.Error, exit 128', () => {
		const c = inspect('p2');
		expect(c.state).toBe('created');
		expect(c.exitCode).toBe(128);
		expect(c.error).toMatch(/Bind for 127\.0\.0\.1:18472 failed: port is already allocated/);
		expect(c.ports).toEqual([]);
		expect(c.exposedPorts).toEqual([{port: 80, proto: 'tcp'}]);
		expect(c.startedAt).toBeNull();
	});

	it('reads the published ports of a running container', () => {
		expect(inspect('p1').ports).toEqual([{hostIp: '127.0.0.1', hostPort: 18472, containerPort: 80, proto: 'tcp'}]);
	});

	it('keeps each raw network mode', () => {
		expect(inspect('n1').rawNetworkMode).toBe('none');
		expect(inspect('h1').rawNetworkMode).toBe('host');
		expect(inspect('c1').rawNetworkMode).toBe(`container:${inspect('b1').id}`);
		expect(inspect('c1').networks).toEqual([]);
		expect(inspect('u1').rawNetworkMode).toBe('fxnet');
		expect(inspect('m1').rawNetworkMode).toBe('fxmac');
		expect(inspect('o1').rawNetworkMode).toBe('fxover');
	});

	it('rejects what is not a container', () => {
		expect(parseContainerInspect({message: 'No such container: x'})).toBeNull();
		expect(parseContainerInspect(null)).toBeNull();
	});
});

describe('parseNetworkInspect', () => {
	it('reads drivers, the macvlan parent and the bridge device', () => {
		expect(parseNetworkInspect(fixtureJson('docker/network-bridge.json'))).toMatchObject({name: 'bridge', driver: 'bridge', bridge: 'docker0', parent: null});
		const user = parseNetworkInspect(fixtureJson('docker/network-fxnet.json'))!;
		expect(user).toMatchObject({name: 'fxnet', driver: 'bridge', bridge: `br-${user.id.slice(0, 12)}`});
		expect(parseNetworkInspect(fixtureJson('docker/network-fxmac.json'))).toMatchObject({driver: 'macvlan', parent: 'nwva', bridge: null});
		expect(parseNetworkInspect(fixtureJson('docker/network-fxover.json'))).toMatchObject({driver: 'overlay'});
		expect(parseNetworkInspect(fixtureJson('docker/network-host.json'))).toMatchObject({driver: 'host'});
	});
});

describe('parsePortMap', () => {
	it('skips bindings that have no host port yet', () => {
		expect(parsePortMap({'80/tcp': [{HostIp: '', HostPort: ''}], '53/udp': [{HostIp: '0.0.0.0', HostPort: '5353'}], '81/tcp': null})).toEqual([
			{hostIp: '0.0.0.0', hostPort: 5353, containerPort: 53, proto: 'udp'},
		]);
	});
});
