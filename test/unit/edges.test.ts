import {describe, expect, it} from 'vitest';
import {deriveConnections, type EdgeView, type Peer} from '../../src/store/edges.js';
import type {ContainerInfo} from '../../src/model.js';
import {fx17, fx17Input} from '../helpers/connections.js';

const who = (p: Peer): string => (p.kind === 'container' ? p.name : p.kind === 'host' ? `host:${p.command ?? '?'}` : p.address);
const edgeText = (e: EdgeView): string =>
	`${who(e.client)} > ${who(e.server)} ${e.proto}/${e.port}${e.via ? ` via ${e.via.kind} ${e.via.address}:${e.via.port}` : ''} ×${e.count} ${Object.entries(e.states)
		.map(([s, n]) => `${s}:${n}`)
		.join(',')}`;

describe('deriveConnections on the fx17 scene', () => {
	const {edges, byHolder} = deriveConnections(fx17Input());

	it('pairs both ends across namespaces, and joins published ports to the container behind them', () => {
		expect(edges.map(edgeText).sort()).toEqual(
			[
				'fx17-cli > fx17-srv tcp/80 ×1 established:1',
				// container: mode: fx17-c1's nc holds its end in fx17-srv's namespace
				'fx17-c1 > fx17-srv tcp/80 ×1 established:1',
				// the SYN_SENT end has no other end: its peer is named by its address
				'fx17-u2 > fx17-u1 tcp/7000 ×3 established:2,syn-sent:1',
				'host:python3 > fx17-srv tcp/80 via docker-proxy 127.0.0.1:8401 ×1 established:1',
				'host:python3 > fx17-srv tcp/80 via dnat 172.17.0.1:8403 ×1 established:1',
				// fx17-h1's httpd's end (and the accepted-but-not-accept()ed end on 8405) were not in ss: a host process
				'host:python3 > host:? tcp/8402 ×1 established:1',
				'host:? > host:? tcp/8402 ×1 time-wait:1',
				'host:python3 > host:? tcp/8405 ×1 established:1',
				'host:python3 > fx17-srv udp/8406 ×1 established:1',
				'host:python3 > host:? udp/8407 ×1 established:1',
			].sort(),
		);
	});

	it("lists a container's connections with the peer, the direction and the published port they came through", () => {
		const srv = byHolder.get(fx17['srv']!.id)!;
		const text = srv.map(c => `${c.direction} ${who(c.peer)} ${c.localPort}<-${c.remotePort}${c.via ? ` ${c.via.kind}` : ''}`);
		expect(text.sort()).toEqual(
			['in fx17-c1 80<-54412', 'in fx17-cli 80<-44950', 'in host:python3 80<-37758 docker-proxy', 'in host:python3 80<-46628 dnat'].sort(),
		);
		// the stuck connection first: 921952 bytes unsent and four retransmissions
		const u2 = byHolder.get(fx17['u2']!.id)!;
		expect(u2.map(c => [c.state, c.txQueue, c.retransmits, c.direction])).toEqual([
			['established', 921952, 4, 'out'],
			['syn-sent', 1, 5, 'out'],
			['established', 0, 0, 'out'],
		]);
	});

	it("keeps docker-proxy's own ends with the host's connections, pointing at both sides", () => {
		const host = byHolder.get('host')!;
		const proxy = host.filter(c => c.peer.kind !== 'external' && (c.localPort === 8401 || c.remotePort === 80));
		expect(proxy.map(c => `${c.direction} ${who(c.peer)} ${c.localPort}-${c.remotePort}`).sort()).toEqual(['in host:python3 8401-51760', 'out fx17-srv 37758-80']);
	});

	it('names the container that holds an address now, not a stopped one that kept it', () => {
		// a daemon stopped without cleaning up leaves its stopped containers' last addresses in inspect:
		// one named before fx17-srv, that kept fx17-srv's address, and one that kept fx17-u1's
		const input = fx17Input();
		const stale = (c: ContainerInfo, name: string): ContainerInfo => ({...c, id: `0${c.id.slice(1)}`, name, state: 'exited', pid: null});
		const containers = new Map(input.containers);
		for (const [of, name] of [['srv', 'a-stale'], ['u1', 'b-stale']] as const) {
			const c = stale(fx17[of]!, name);
			containers.set(c.id, c);
		}
		const {edges: withStale} = deriveConnections({...input, containers});
		expect(withStale.map(edgeText).sort()).toEqual(edges.map(edgeText).sort());
	});
});

