/**
 * The connections scene of the fixtures (test/fixtures/README.md, "Connections"), as the
 * collectors would have given it to the store: tables, listeners, owners (from `ss -tanpe`) and
 * conntrack's DNAT connections.
 */
import {natConnections, toConnection} from '../../src/collectors/connections.js';
import {listeningSocket} from '../../src/collectors/sockets.js';
import {HOST_NS, type Connection, type ContainerInfo, type ListeningSocket, type ProcessRef} from '../../src/model.js';
import {parseContainerInspect} from '../../src/parsers/docker-container.js';
import {parseConnections} from '../../src/parsers/proc-net-connections.js';
import {parseSockets, type SocketFile} from '../../src/parsers/proc-net-sockets.js';
import type {ConnectionInput} from '../../src/store/edges.js';
import {fixture, fixtureJson} from './fixtures.js';

const FILES: readonly SocketFile[] = ['tcp', 'tcp6', 'udp', 'udp6'];

export const fx17 = Object.fromEntries(
	['srv', 'cli', 'u1', 'u2', 'c1', 'h1'].map(n => [n, parseContainerInspect(fixtureJson(`docker/inspect-fx17-${n}.json`))!]),
) as Record<string, ContainerInfo>;

/** Namespaces read, by key: `host` and the containers with their own. */
const NAMESPACES: Record<string, string> = {host: HOST_NS, srv: fx17['srv']!.id, cli: fx17['cli']!.id, u1: fx17['u1']!.id, u2: fx17['u2']!.id};

/** inode -> owner, from `ss -tanpe` lines: `users:(("nc",pid=6664,fd=3)) ino:14802 … cgroup:/docker/<id>` */
function ssOwners(text: string): Map<number, ProcessRef> {
	const owners = new Map<number, ProcessRef>();
	for (const line of text.split('\n')) {
		const m = /users:\(\("([^"]+)",pid=(\d+).*? ino:(\d+).*?cgroup:(\S+)/.exec(line);
		if (!m) continue;
		const id = /\/docker\/([0-9a-f]{64})/.exec(m[4]!)?.[1] ?? null;
		owners.set(Number(m[3]), {pid: Number(m[2]), command: m[1]!, containerId: id});
	}
	return owners;
}

const PROXY_ARGS = /^\s*(\d+) \S*docker-proxy .*-host-port (\d+) -container-ip (\S+) -container-port (\d+)/gm;

export function fx17Connections(): Map<string, Connection[]> {
	return new Map(
		Object.entries(NAMESPACES).map(([name, key]) => [key, FILES.flatMap(file => parseConnections(fixture(`proc/conn-${name}-${file}.txt`), file).map(toConnection))]),
	);
}

export function fx17Input(): ConnectionInput {
	const owners = new Map([...ssOwners(fixture('proc/conn-host-ss.txt')), ...ssOwners(fixture('proc/conn-srv-ss.txt'))]);
	const proxies = [...fixture('proc/conn-containers.txt').matchAll(PROXY_ARGS)].map(m => ({pid: Number(m[1]), port: Number(m[2]), ip: m[3]!, target: Number(m[4])}));
	const sockets: ListeningSocket[] = Object.entries(NAMESPACES).flatMap(([name, key]) =>
		FILES.flatMap(file =>
			parseSockets(fixture(`proc/conn-${name}-${file}.txt`), file, {listeningOnly: true}).map(row => {
				const owner = owners.get(row.inode);
				const proxy = proxies.find(p => p.pid === owner?.pid);
				return listeningSocket(row, key, owner && {...owner, proxyTo: proxy ? {ip: proxy.ip, port: proxy.target} : null}, 'process not found');
			}),
		),
	);
	const gateways = new Set(Object.values(fx17).flatMap(c => c.networks.map(n => n.ipAddress.replace(/\.\d+$/, '.1'))));
	return {
		connections: fx17Connections(),
		socketOwners: owners,
		nat: natConnections(fixture('proc/conntrack.txt')),
		sockets,
		containers: new Map(Object.values(fx17).map(c => [c.id, c])),
		hostAddresses: gateways,
	};
}
