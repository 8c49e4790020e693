/**
 * The data layer against the real engine: network modes and namespaces, veth pairing, rates,
 * listening sockets and their owners, and the events stream.
 */
import {readlinkSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {docker, freePort, sh, useTestbed, waitFor} from '../helpers/docker.js';
import {JsonStream, snapshotOnce, type JsonContainer, type OnceDocument} from '../helpers/netwatch.js';

const bed = useTestbed();

function find(doc: OnceDocument, name: string): JsonContainer {
	const c = doc.containers.find(x => x.name === name);
	if (!c) throw new Error(`${name} is not in the snapshot`);
	return c;
}

describe('network modes', () => {
	it('reports one container in each mode the kernel supports, with its namespace relation', async () => {
		const {parent} = await bed.vethPair();
		await bed.swarm();
		const userNet = await bed.network('user', []);
		const macNet = await bed.network('mac', ['-d', 'macvlan', '-o', `parent=${parent}`, '--subnet', '10.213.7.0/24']);
		const overlayNet = await bed.network('over', ['-d', 'overlay', '--attachable']);
		const sleep = ['sleep', '300'];
		const host = await bed.container('host', ['--net=host'], sleep);
		const bridge = await bed.container('bridge', [], sleep);
		const none = await bed.container('none', ['--net=none'], sleep);
		const shared = await bed.container('shared', [`--net=container:${bridge.name}`], sleep);
		const user = await bed.container('user', [`--net=${userNet}`], sleep);
		const mac = await bed.container('mac', [`--net=${macNet}`], sleep);
		const overlay = await bed.container('overlay', [`--net=${overlayNet}`], sleep);

		const doc = await waitFor('every container with its namespace', async () => {
			const d = await snapshotOnce();
			const all = [host, bridge, none, shared, user, mac, overlay].map(c => d.containers.find(x => x.name === c.name));
			return all.every(c => c && c.state === 'running' && c.netns !== null) ? d : undefined;
		});
		const ownNetns = readlinkSync('/proc/self/ns/net');

		expect(find(doc, host.name)).toMatchObject({networkMode: 'host', sharesHostNetns: true, interfacesFrom: 'host', interfaces: [], netns: ownNetns});
		expect(find(doc, bridge.name)).toMatchObject({networkMode: 'bridge', networkDriver: 'bridge', sharesHostNetns: false, interfacesFrom: 'own'});
		expect(find(doc, none.name)).toMatchObject({networkMode: 'none', sharesHostNetns: false, interfacesFrom: 'own'});
		expect(find(doc, none.name).interfaces.map(i => i.name)).toEqual(['lo']);
		expect(find(doc, shared.name)).toMatchObject({
			networkMode: `container:${bridge.name}`,
			sharesHostNetns: false,
			interfacesFrom: 'container',
			sharesNetnsWith: {id: bridge.id, name: bridge.name},
		});
		// sharing a namespace means the same namespace, as the kernel names it
		expect(find(doc, shared.name).netns).toBe(find(doc, bridge.name).netns);
		expect(find(doc, shared.name).netns).toBe(readlinkSync(`/proc/${await bed.pid(shared.name)}/ns/net`));
		expect(find(doc, user.name)).toMatchObject({networkMode: userNet, networkDriver: 'bridge', sharesHostNetns: false});
		expect(find(doc, mac.name)).toMatchObject({networkMode: macNet, networkDriver: 'macvlan', sharesHostNetns: false});
		expect(find(doc, mac.name).interfaces.find(i => i.name === 'eth0')).toMatchObject({kind: 'macvlan', peer: {name: parent, kind: 'parent'}});
		expect(find(doc, overlay.name)).toMatchObject({networkMode: overlayNet, networkDriver: 'overlay', sharesHostNetns: false});
		const netnses = [bridge, none, user, mac, overlay].map(c => find(doc, c.name).netns);
		expect(new Set(netnses).size).toBe(5);
		expect(netnses).not.toContain(ownNetns);
	});

	it("pairs a bridge container's eth0 with the host veth that ip link shows as its peer", async () => {
		const c = await bed.container('pair', [], ['sleep', '300']);
		const iflink = Number(await docker('exec', c.name, 'cat', '/sys/class/net/eth0/iflink'));
		const ifindex = Number(await docker('exec', c.name, 'cat', '/sys/class/net/eth0/ifindex'));
		// on the host: "<ifindex>: vethXXXX@if<peer index>: ..."
		const hostLine = (await sh('ip', ['-o', 'link', 'show'])).split('\n').find(l => l.startsWith(`${iflink}: `))!;
		const hostVeth = /^\d+: ([^@:]+)@if(\d+)/.exec(hostLine)!;
		expect(Number(hostVeth[2])).toBe(ifindex);

		const doc = await waitFor('the pair', async () => {
			const d = await snapshotOnce();
			return d.containers.find(x => x.name === c.name)?.interfaces.some(i => i.peer) ? d : undefined;
		});
		const eth0 = find(doc, c.name).interfaces.find(i => i.name === 'eth0')!;
		expect(eth0).toMatchObject({ifindex, iflink, peer: {name: hostVeth[1], ifindex: iflink, kind: 'veth'}});
		const veth = doc.host.interfaces.find(i => i.name === hostVeth[1])!;
		expect(veth).toMatchObject({ifindex: iflink, iflink: ifindex, container: {id: c.id, name: c.name}});
	});
});

describe('rates', () => {
	it('shows traffic made inside a bridge container on its eth0 and, mirrored, on its veth within 3 ticks', async () => {
		const server = await bed.container('srv', [], ['sh', '-c', 'head -c 200000 /dev/zero > /www/big; exec httpd -f -p 8080 -h /www']);
		const ip = await docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', server.name);
		const client = await bed.container('cli', [], ['sh', '-c', `while true; do wget -q -O /dev/null http://${ip}:8080/big; sleep 0.05; done`]);

		const stream = new JsonStream();
		try {
			const first = await stream.until('the client in a snapshot', s => s.snapshots().find(r => r.containers.some(c => c.name === client.name && c.interfaces.length > 0)));
			const seq0 = first.seq;
			const hit = await stream.until(
				'rates on eth0 and its veth',
				s => {
					for (const r of s.snapshots()) {
						if (r.seq < seq0) continue;
						if (r.seq > seq0 + 3) throw new Error('no rate within 3 ticks');
						const eth0 = r.containers.find(x => x.name === client.name)?.interfaces.find(i => i.name === 'eth0');
						const veth = r.host.interfaces.find(i => i.name === eth0?.peer?.name);
						if (eth0 && veth && (eth0.rxRate ?? 0) > 50_000 && (veth.txRate ?? 0) > 50_000) return {eth0, veth};
					}
					return undefined;
				},
				10_000,
			);
			// the container receives what its veth transmits, in the same sample
			const ratio = hit.eth0.rxRate! / hit.veth.txRate!;
			expect(ratio).toBeGreaterThan(0.9);
			expect(ratio).toBeLessThan(1.1);
			expect(hit.veth.container?.name).toBe(client.name);
		} finally {
			await stream.stop();
		}
	});
});

describe('listening sockets', () => {
	it('attributes a host-mode httpd to its container, not to the host', async () => {
		const port = await freePort();
		const c = await bed.container('web', ['--net=host'], ['httpd', '-f', '-p', String(port), '-h', '/www']);
		const doc = await waitFor('the listener', async () => {
			const d = await snapshotOnce();
			return d.host.listening.some(l => l.port === port) ? d : undefined;
		});
		const socket = doc.host.listening.find(l => l.port === port)!;
		expect(socket).toMatchObject({proto: 'tcp', address: '::', owner: 'container', container: {id: c.id, name: c.name}});
		expect(socket.command).toBe(`httpd -f -p ${port} -h /www`);
		expect(socket.pid).toBe(await bed.pid(c.name));
		expect(find(doc, c.name).listening).toEqual([expect.objectContaining({port, proto: 'tcp'})]);
	});

	it('--once traces before it prints: a bridge httpd listed with its pid and command, first time', async () => {
		const c = await bed.container('traced', [], ['httpd', '-f', '-p', '80', '-h', '/www']);
		// once netwatch can see the listener at all, the one reading that lists it names its owner too
		const doc = await waitFor('the listener', async () => {
			const d = await snapshotOnce();
			return find(d, c.name).listening.length > 0 ? d : undefined;
		});
		expect(find(doc, c.name).listening).toEqual([expect.objectContaining({port: 80, pid: await bed.pid(c.name), command: 'httpd -f -p 80 -h /www'})]);
	});

	it('traces a published port held by docker-proxy to its container', async () => {
		const port = await freePort();
		const c = await bed.container('pub', ['-p', `127.0.0.1:${port}:80`], ['httpd', '-f', '-p', '80', '-h', '/www']);
		const doc = await waitFor('the proxy listener', async () => {
			const d = await snapshotOnce();
			return d.host.listening.some(l => l.port === port) ? d : undefined;
		});
		expect(doc.host.listening.find(l => l.port === port)).toMatchObject({address: '127.0.0.1', owner: 'docker-proxy', container: {name: c.name}});
		expect(find(doc, c.name).listening).toEqual([expect.objectContaining({port: 80})]);
	});

	it("follows a container's servers that bind late, one after the other, while netwatch runs", async () => {
		// its tables are first read with nothing in use, then again as the sockets in use change
		const stream = new JsonStream();
		try {
			await stream.until('the first snapshot', s => s.snapshots().length > 0);
			const c = await bed.container('late', [], ['sh', '-c', 'sleep 2; httpd -p 8181 -h /www; sleep 8; httpd -f -p 8182 -h /www']);
			const ports = (s: JsonStream) => s.snapshots().at(-1)?.containers.find(x => x.id === c.id)?.listening.map(l => l.port);
			expect(await stream.until('nothing yet', s => ports(s))).toEqual([]);
			await stream.until('the first server', s => ports(s)?.includes(8181));
			const both = await stream.until('the second server', s => (ports(s)?.length === 2 ? ports(s) : undefined), 20_000);
			expect(both!.sort()).toEqual([8181, 8182]);
			expect(stream.stderr).toBe('');
		} finally {
			await stream.stop();
		}
	}, 40_000);
});

describe('events', () => {
	it('delivers create, start and die with the exit code, in order', async () => {
		const stream = new JsonStream();
		try {
			await stream.until('the first snapshot', s => s.snapshots().length > 0);
			const c = await bed.container('dies', [], ['sh', '-c', 'sleep 0.3; exit 3']);
			const events = await stream.until('die', s => {
				const mine = s.events().filter(e => e.id === c.id);
				return mine.some(e => e.action === 'die') ? mine : undefined;
			});
			const actions = events.map(e => e.action);
			expect(actions.indexOf('create')).toBeGreaterThanOrEqual(0);
			expect(actions.indexOf('create')).toBeLessThan(actions.indexOf('start'));
			expect(actions.indexOf('start')).toBeLessThan(actions.indexOf('die'));
			const die = events.find(e => e.action === 'die')!;
			expect(die.attributes['exitCode']).toBe('3');
			expect(die.container).toEqual({id: c.id, name: c.name});
			expect(BigInt(die.timeNano) > 2n ** 53n).toBe(true);
			// and the snapshot agrees, from inspect
			await stream.until('the exited state', s => s.snapshots().some(r => r.containers.some(x => x.id === c.id && x.state === 'exited' && x.exitCode === 3)));
		} finally {
			await stream.stop();
		}
	});
});

describe('when /proc is not the daemon\'s', () => {
	it('reads container counters from the stats API, and says so', async () => {
		const c = await bed.container('remote', [], ['httpd', '-f', '-p', '80', '-h', '/www']);
		// a pid namespace of its own: this /proc has none of the daemon's processes, as in a
		// container run without --pid=host, or a remote DOCKER_HOST
		const {spawnSync} = await import('node:child_process');
		const run = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'bin/netwatch.js', '--json', '--once'], {encoding: 'utf8', timeout: 20_000});
		expect(run.status).toBe(0);
		const doc = JSON.parse(run.stdout) as OnceDocument;
		const mine = find(doc, c.name);
		expect(mine).toMatchObject({source: 'stats-api', interfacesFrom: 'own', netns: null});
		// the stats API lists only the interfaces Docker made: eth0, no lo
		expect(mine.interfaces.map(i => i.name)).toEqual(['eth0']);
		expect(mine.interfaces[0]!.rxRate).not.toBeNull();
		// the same counter the kernel keeps: what /proc/<pid>/net/dev says now is at least as much
		const {readFileSync} = await import('node:fs');
		const kernel = readFileSync(`/proc/${await bed.pid(c.name)}/net/dev`, 'utf8').split('\n').find(l => l.trim().startsWith('eth0:'))!;
		const kernelRx = Number(kernel.split(':')[1]!.trim().split(/\s+/)[0]);
		expect(mine.interfaces[0]!.rxBytes).toBeGreaterThan(0);
		expect(mine.interfaces[0]!.rxBytes).toBeLessThanOrEqual(kernelRx);
	});
});
