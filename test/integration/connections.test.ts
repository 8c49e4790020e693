/**
 * Live connections between real containers (busybox nc and httpd), the host and published
 * ports, as `netwatch --json` reports them, each edge checked against what the kernel says
 * inside the namespaces at both ends (`nsenter -t PID -n ss -tn`) and in conntrack.
 */
import {connect, createServer, type Socket} from 'node:net';
import {readFileSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {sh, useTestbed, waitFor} from '../helpers/docker.js';
import {JsonStream} from '../helpers/netwatch.js';

const bed = useTestbed();

type Peer = {kind: 'container'; id: string; name: string} | {kind: 'host'; pid: number | null; command: string | null} | {kind: 'external'; address: string};
interface Edge {
	proto: string;
	client: Peer;
	server: Peer;
	port: number;
	via: {kind: string; address: string; port: number} | null;
	count: number;
	states: Record<string, number>;
}

const who = (p: Peer): string => (p.kind === 'container' ? p.name : p.kind === 'host' ? `pid ${p.pid}` : p.address);

/** A port of this run's range (8400-8499) that nothing on the host listens on. */
async function freePortInRange(taken: Set<number>): Promise<number> {
	for (let port = 8410; port < 8500; port++) {
		if (taken.has(port)) continue;
		const free = await new Promise<boolean>(resolve => {
			const server = createServer();
			server.once('error', () => resolve(false));
			server.listen({port, host: '0.0.0.0'}, () => server.close(() => resolve(true)));
		});
		if (free) {
			taken.add(port);
			return port;
		}
	}
	throw new Error('no free port in 8410-8499');
}

/** The TCP connections the kernel lists in a namespace (`ss`, from iproute2): `local remote STATE`, IPv4-mapped addresses plain. */
async function kernelConnections(pid: number | null): Promise<string[]> {
	const args = ['-tnH'];
	const out = pid === null ? await sh('ss', args) : await sh('nsenter', ['-t', String(pid), '-n', 'ss', ...args]);
	const plain = (endpoint: string): string => endpoint.replace(/^\[::ffff:([\d.]+)\]/, '$1');
	return out
		.split('\n')
		.filter(Boolean)
		.map(l => {
			const [state, , , local, remote] = l.trim().split(/\s+/);
			return `${plain(local!)} ${plain(remote!)} ${state}`;
		});
}

const sockets: Socket[] = [];
afterEach(() => {
	for (const s of sockets.splice(0)) s.destroy();
});

/** A connection from this process, held open. */
function hold(host: string, port: number): Promise<Socket> {
	return new Promise((resolve, reject) => {
		const s = connect({host, port}, () => resolve(s));
		s.once('error', reject);
		sockets.push(s);
	});
}

describe('connections between containers, the host and published ports', () => {
	it('reports every edge, and the kernel agrees at both ends', async () => {
		const taken = new Set<number>();
		const proxyPort = await freePortInRange(taken);
		const natPort = await freePortInRange(taken);
		const hostPort = await freePortInRange(taken);
		const gateway = (await sh('docker', ['network', 'inspect', 'bridge', '-f', '{{(index .IPAM.Config 0).Gateway}}'])) || '172.17.0.1';
		const userNet = await bed.network('conn', []);
		const srv = await bed.container('srv', ['-p', `127.0.0.1:${proxyPort}:80`, '-p', `${gateway}:${natPort}:80`], ['nc', '-ll', '-p', '80', '-e', 'cat']);
		const srvIp = (await sh('docker', ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', srv.name])).trim();
		const cli = await bed.container('cli', [], ['sh', '-c', `sleep 300 | nc ${srvIp} 80`]);
		const shared = await bed.container('shared', [`--net=container:${srv.name}`], ['sh', '-c', 'sleep 300 | nc 127.0.0.1 80']);
		const usrv = await bed.container('usrv', [`--net=${userNet}`], ['nc', '-ll', '-p', '7000', '-e', 'cat']);
		const ucli = await bed.container('ucli', [`--net=${userNet}`], ['sh', '-c', `sleep 300 | nc ${usrv.name} 7000`]);
		const hostCli = await bed.container('hostcli', ['--net=host'], ['sh', '-c', `sleep 300 | nc 127.0.0.1 ${proxyPort}`]);
		const hostSrv = await bed.container('hostsrv', ['--net=host'], ['httpd', '-f', '-p', `127.0.0.1:${hostPort}`, '-h', '/www']);
		await waitFor('the host-mode httpd to listen', async () => (await sh('ss', ['-tln'])).includes(`127.0.0.1:${hostPort}`));
		await hold(gateway, natPort);
		await hold('127.0.0.1', hostPort);

		const stream = new JsonStream(['-i', '0.5']);
		try {
			const find = (edges: Edge[], client: string, server: string, port: number, via?: string): Edge | undefined =>
				edges.find(e => who(e.client) === client && who(e.server) === server && e.port === port && (e.via?.kind ?? undefined) === via && (e.states['established'] ?? 0) > 0);
			const me = `pid ${process.pid}`;
			const wanted: [string, string, number, string?][] = [
				[cli.name, srv.name, 80],
				[shared.name, srv.name, 80],
				[ucli.name, usrv.name, 7000],
				[hostCli.name, srv.name, 80, 'docker-proxy'],
				[me, srv.name, 80, 'dnat'],
				[me, hostSrv.name, hostPort],
			];
			const missing = (edges: Edge[]): string[] => wanted.filter(([c, v, p, via]) => !find(edges, c, v, p, via)).map(w => w.join(' '));
			const edges = await stream
				.until(
					'every edge',
					s => {
						const last = s.snapshots().at(-1) as unknown as {edges: Edge[]} | undefined;
						return last && missing(last.edges).length === 0 ? last.edges : undefined;
					},
					30_000,
				)
				.catch((error: Error) => {
					// say which edge never came, and what came instead
					const last = (stream.snapshots().at(-1) as unknown as {edges: Edge[]} | undefined)?.edges ?? [];
					const ours = last.filter(e => JSON.stringify(e).includes(bed.run) || JSON.stringify(e).includes(me));
					throw new Error(`${error.message}; missing: ${missing(last).join('; ')}; ours: ${JSON.stringify(ours.map(e => [who(e.client), who(e.server), e.port, e.via, e.states]))}`);
				});
			expect(find(edges, hostCli.name, srv.name, 80, 'docker-proxy')!.via).toEqual({kind: 'docker-proxy', address: '127.0.0.1', port: proxyPort});
			expect(find(edges, me, srv.name, 80, 'dnat')!.via).toEqual({kind: 'dnat', address: gateway, port: natPort});

			// the kernel, in each namespace
			const pid = (name: string): Promise<number> => bed.pid(name);
			const [inSrv, inCli, inUsrv, inUcli, inHost] = await Promise.all([
				kernelConnections(await pid(srv.name)),
				kernelConnections(await pid(cli.name)),
				kernelConnections(await pid(usrv.name)),
				kernelConnections(await pid(ucli.name)),
				kernelConnections(null),
			]);
			const usrvIp = (await sh('docker', ['inspect', '-f', `{{(index .NetworkSettings.Networks "${userNet}").IPAddress}}`, usrv.name])).trim();
			const ucliIp = (await sh('docker', ['inspect', '-f', `{{(index .NetworkSettings.Networks "${userNet}").IPAddress}}`, ucli.name])).trim();
			const cliIp = (await sh('docker', ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', cli.name])).trim();
			// bridge: cli -> srv, one line in each namespace, each the other reversed
			const cliLine = inCli.find(l => l.includes(` ${srvIp}:80 ESTAB`))!;
			const [cliLocal] = cliLine.split(' ');
			expect(cliLocal!.startsWith(`${cliIp}:`)).toBe(true);
			expect(inSrv).toContain(`${srvIp}:80 ${cliLocal} ESTAB`);
			// container: mode: both ends in srv's namespace, on loopback
			expect(inSrv.some(l => / 127\.0\.0\.1:80 ESTAB$/.test(l))).toBe(true);
			expect(inSrv.some(l => /^127\.0\.0\.1:80 127\.0\.0\.1:\d+ ESTAB$/.test(l))).toBe(true);
			// user network
			const ucliLocal = inUcli.find(l => l.includes(` ${usrvIp}:7000 ESTAB`))!.split(' ')[0]!;
			expect(ucliLocal.startsWith(`${ucliIp}:`)).toBe(true);
			expect(inUsrv).toContain(`${usrvIp}:7000 ${ucliLocal} ESTAB`);
			// docker-proxy: the host-mode client's connection to the published port, and the proxy's to the container
			expect(inHost.some(l => l.endsWith(` 127.0.0.1:${proxyPort} ESTAB`))).toBe(true);
			expect(inHost.some(l => l.endsWith(` ${srvIp}:80 ESTAB`))).toBe(true);
			const hostCliProcesses = await sh('ss', ['-tnpH', 'dst', `127.0.0.1:${proxyPort}`]);
			expect(hostCliProcesses).toMatch(/"nc",pid=\d+/);
			// DNAT: conntrack's original tuple is the published port, its reply the container's
			const conntrack = readFileSync('/proc/net/nf_conntrack', 'utf8');
			expect(conntrack).toMatch(new RegExp(`dst=${gateway.replaceAll('.', '\\.')} sport=\\d+ dport=${natPort} src=${srvIp.replaceAll('.', '\\.')} dst=\\S+ sport=80 `));
			// the host-mode httpd: this process's connection, held in the host's namespace
			expect(inHost.some(l => l.startsWith(`127.0.0.1:${hostPort} `) && l.endsWith('ESTAB'))).toBe(true);

			// the same connections from the containers' side
			const last = stream.snapshots().at(-1)! as unknown as {containers: {name: string; connections: {direction: string; state: string; peer: Peer; localPort: number; via: unknown}[]}[]};
			const of = (name: string) => last.containers.find(c => c.name === name)!.connections;
			expect(of(cli.name).some(c => c.direction === 'out' && who(c.peer) === srv.name && c.state === 'established')).toBe(true);
			expect(of(srv.name).filter(c => c.direction === 'in' && c.localPort === 80).map(c => who(c.peer)).sort()).toEqual(expect.arrayContaining([cli.name, shared.name, me, hostCli.name]));
			expect(of(hostSrv.name).some(c => c.direction === 'in' && who(c.peer) === me)).toBe(true);
			expect(of(hostCli.name).some(c => c.direction === 'out' && who(c.peer) === srv.name)).toBe(true);
		} finally {
			await stream.stop();
		}
	});

	it('sees a listen queue overflow, with the port and the counts the kernel gives', async () => {
		const srv = await bed.container('ovf', [], ['nc', '-ll', '-p', '80', '-e', 'cat']);
		const flood = await bed.container('flood', [], ['sleep', '300']);
		const srvIp = (await sh('docker', ['inspect', '-f', '{{.NetworkSettings.IPAddress}}', srv.name])).trim();
		const stream = new JsonStream(['-i', '0.5']);
		type Tcp = {listenOverflows: number; listenDrops: number; overflowing: boolean; overflow: {overflows: number; drops: number; queues: {port: number; queue: number}[]} | null};
		const tcpOf = (s: JsonStream): Tcp | null | undefined =>
			(s.snapshots().at(-1) as unknown as {containers: {name: string; tcp: Tcp | null}[]} | undefined)?.containers.find(c => c.name === srv.name)?.tcp;
		let paused = false;
		try {
			// the first reading is the base: what happened before netwatch watched is not claimed
			await stream.until('a first reading of its counters', s => tcpOf(s));
			expect(tcpOf(stream)!.overflow).toBeNull();
			await sh('docker', ['pause', srv.name]);
			paused = true;
			// busybox nc listens with a backlog of 2: a paused server accepts nothing
			await sh('docker', ['exec', '-d', flood.name, 'sh', '-c', `for i in $(seq 12); do (sleep 60 | nc ${srvIp} 80) & done; sleep 60`]);
			const tcp = await stream.until('the overflow', s => tcpOf(s)?.overflowing && tcpOf(s), 30_000);
			const kernel = readFileSync(`/proc/${await bed.pid(srv.name)}/net/netstat`, 'utf8').split('\n');
			const names = kernel[0]!.split(' ');
			const values = kernel[1]!.split(' ');
			const overflows = Number(values[names.indexOf('ListenOverflows')]);
			expect(tcp.overflow!.overflows).toBeGreaterThan(0);
			expect(tcp.listenOverflows).toBeGreaterThan(0);
			expect(tcp.listenOverflows).toBeLessThanOrEqual(overflows);
			expect(tcp.overflow!.queues.map(q => q.port)).toEqual([80]);
			const ss = await sh('nsenter', ['-t', String(await bed.pid(srv.name)), '-n', 'ss', '-ltnH']);
			expect(Number(ss.trim().split(/\s+/)[1])).toBeGreaterThan(0);
			// and it lights up: a warning that names the port, with the kernel's counts as evidence
			const alert = await stream.until('the listen-overflow diagnosis', s => s.alerts().find(a => a.kind === 'listen-overflow' && a.container === srv.name));
			expect(alert).toMatchObject({severity: 'warning', port: 80, evidenceFrom: 'socket', resolved: false});
			expect(alert.evidence).toMatch(/^TcpExt ListenOverflows \+\d+, ListenDrops \+\d+; LISTEN .*:80 rx_queue \d+$/);
		} finally {
			if (paused) await sh('docker', ['unpause', srv.name]);
			await stream.stop();
		}
	});
});
