/**
 * Who talks to whom, from the connections of every namespace (pure; the snapshot calls it).
 *
 * Both ends of a connection are in some namespace's table, each the other reversed: local and
 * remote swapped. A loopback address pairs only within its own namespace. Who holds an end is
 * the container whose process owns the socket (traced by inode where a namespace holds several
 * containers' processes: the host's, or one shared with `container:`), else the container whose
 * namespace it is, else a host process. The end that listens on its local port is the server.
 *
 * A published port makes two connections of one: docker-proxy accepts the client on the host
 * and connects to the container, so the proxy's two sides are joined through the proxy's
 * listener (`-container-ip`, `-container-port`); with DNAT the client's end and the container's
 * end do not mirror each other, and conntrack's original and reply tuples join them.
 */
import {HOST_NS, isServerEnd, type Connection, type ContainerInfo, type ListeningSocket, type NatConnection, type ProcessRef, type SocketProto} from '../model.js';
import type {State} from './state.js';
import {containersByAddress, type ContainerRef} from './relations.js';

export type Peer =
	| {readonly kind: 'container'; readonly id: string; readonly name: string}
	| {readonly kind: 'host'; readonly pid: number | null; readonly command: string | null}
	| {readonly kind: 'external'; readonly address: string};

/** How a connection reached a published port. */
export interface Via {
	readonly kind: 'docker-proxy' | 'dnat';
	readonly address: string;
	readonly port: number;
}

export interface ConnectionView extends Omit<Connection, 'inode' | 'count'> {
	/** The sockets it stands for: 1, or TIME_WAIT sockets folded into one (Connection.count). */
	readonly count: number;
	/** in: it accepted the connection; out: it connected. */
	readonly direction: 'in' | 'out';
	readonly peer: Peer;
	/** Through a published port; the peer is then the client (in) or the container behind it (out). */
	readonly via: Via | null;
	/** The other end was found in a namespace's table. */
	readonly paired: boolean;
}

export interface EdgeView {
	readonly proto: SocketProto;
	readonly client: Peer;
	readonly server: Peer;
	/** The server's port (the container's own port behind a published one). */
	readonly port: number;
	readonly via: Via | null;
	readonly count: number;
	/** Connections by state. */
	readonly states: Readonly<Record<string, number>>;
}

export interface ConnectionInput {
	readonly connections: ReadonlyMap<string, readonly Connection[]>;
	readonly socketOwners: ReadonlyMap<number, ProcessRef>;
	readonly nat: readonly NatConnection[] | null;
	readonly sockets: readonly ListeningSocket[];
	readonly containers: ReadonlyMap<string, ContainerInfo>;
	/** The host's own addresses (its interfaces'), without prefix length. */
	readonly hostAddresses: ReadonlySet<string>;
}

export interface Connections {
	/** By holder: a container's id, or `host` for host processes. */
	readonly byHolder: ReadonlyMap<string, readonly ConnectionView[]>;
	readonly edges: readonly EdgeView[];
}

interface End {
	readonly ns: string;
	readonly c: Connection;
	readonly holder: Peer;
	/** The docker-proxy whose socket it is. */
	readonly proxy: ListeningSocket | null;
}

const isLoopback = (address: string): boolean => address.startsWith('127.') || address === '::1';

/** Ends are indexed by protocol and ports (a number: cheaper to look up than a string of the whole tuple). */
const portsKey = (proto: SocketProto, localPort: number, remotePort: number): number => (proto === 'udp' ? 2 ** 32 : 0) + localPort * 65536 + remotePort;

const peerKey = (p: Peer): string => (p.kind === 'container' ? `c:${p.id}` : p.kind === 'host' ? `h:${p.pid ?? ''}:${p.command ?? ''}` : `e:${p.address}`);

/** Most active first: bytes waiting, retransmissions, a running retransmit timer, then state and port. */
const STATE_RANK = new Map(['established', 'syn-sent', 'syn-recv', 'close-wait', 'fin-wait1', 'fin-wait2', 'last-ack', 'closing', 'time-wait', 'close'].map((s, i) => [s, i]));
export function byActivity(a: ConnectionView, b: ConnectionView): number {
	const rank = (s: string): number => STATE_RANK.get(s) ?? STATE_RANK.size;
	return (
		b.txQueue + b.rxQueue - (a.txQueue + a.rxQueue) ||
		b.retransmits - a.retransmits ||
		Number(b.timer === 'retransmit') - Number(a.timer === 'retransmit') ||
		rank(a.state) - rank(b.state) ||
		a.localPort - b.localPort ||
		a.remotePort - b.remotePort
	);
}

export function deriveConnections(input: ConnectionInput): Connections {
	const ref = (id: string): ContainerRef => ({id, name: input.containers.get(id)?.name ?? id.slice(0, 12)});
	const peers = new Map<string, Peer>();
	const containerPeer = (id: string): Peer => {
		let peer = peers.get(id);
		if (!peer) peers.set(id, (peer = {kind: 'container', ...ref(id)}));
		return peer;
	};
	const byIp = containersByAddress(input.containers);
	const proxies = new Map<number, ListeningSocket>();
	/** Listening ports by namespace, TCP ones positive, UDP ones negative. */
	const listening = new Map<string, Set<number>>();
	const signed = (proto: SocketProto, port: number): number => (proto === 'tcp' ? port : -port);
	for (const s of input.sockets) {
		const ports = listening.get(s.netns) ?? new Set();
		ports.add(signed(s.proto, s.port));
		listening.set(s.netns, ports);
		if (s.proxyTo && s.pid !== null) proxies.set(s.pid, s);
	}

	const ends: End[] = [];
	const index = new Map<number, End[]>();
	for (const [ns, list] of input.connections) {
		for (const c of list) {
			const owner = c.inode === 0 ? undefined : input.socketOwners.get(c.inode);
			const holder: Peer =
				owner?.containerId && input.containers.has(owner.containerId)
					? containerPeer(owner.containerId)
					: ns !== HOST_NS
						? containerPeer(ns)
						: {kind: 'host', pid: owner?.pid ?? null, command: owner?.command ?? null};
			const end: End = {ns, c, holder, proxy: ns === HOST_NS && owner ? (proxies.get(owner.pid) ?? null) : null};
			ends.push(end);
			const key = portsKey(c.proto, c.localPort, c.remotePort);
			const bucket = index.get(key);
			if (bucket) bucket.push(end);
			else index.set(key, [end]);
		}
	}
	/** The end whose local address and port are these and whose remote ones are those. */
	const find = (proto: SocketProto, local: string, localPort: number, remote: string, remotePort: number, ns: string | null): End | undefined =>
		index.get(portsKey(proto, localPort, remotePort))?.find(o => o.c.local === local && o.c.remote === remote && (ns === null || o.ns === ns));
	const mirror = (e: End): End | undefined => {
		// folded TIME_WAIT sockets are many connections, whose other ends are gone
		if (e.c.count !== undefined) return undefined;
		// a loopback connection's two ends are in the same namespace, and only there
		const ns = isLoopback(e.c.local) || isLoopback(e.c.remote) ? e.ns : null;
		const other = find(e.c.proto, e.c.remote, e.c.remotePort, e.c.local, e.c.localPort, ns);
		return other === e ? undefined : other;
	};

	/** Who is at the other end when its table does not say: a container by address, the host, or outside. */
	const byAddress = (e: End): Peer => {
		const id = byIp.get(e.c.remote)?.id;
		if (id) return containerPeer(id);
		if (isLoopback(e.c.remote) && e.ns !== HOST_NS) return containerPeer(e.ns);
		if (input.hostAddresses.has(e.c.remote) || isLoopback(e.c.remote)) return {kind: 'host', pid: null, command: null};
		return {kind: 'external', address: e.c.remote};
	};
	/**
	 * The end is the server's: it listens on its local port; where its namespace's listeners are
	 * not known (yet), isServerEnd says by its ports.
	 */
	const listens = (e: End): boolean => listening.get(e.ns)?.has(signed(e.c.proto, e.c.localPort)) ?? false;
	const serves = (e: End): boolean => isServerEnd(e.c, listens(e));

	// docker-proxy: its accepted connections (clients) and its connections to the container
	const proxyClients = new Map<number, Peer[]>();
	const isProxyInbound = (e: End): boolean => e.proxy !== null && e.c.localPort === e.proxy.port;
	for (const e of ends) {
		if (!isProxyInbound(e)) continue;
		const other = mirror(e);
		const list = proxyClients.get(e.proxy!.pid!) ?? [];
		list.push(other ? other.holder : byAddress(e));
		proxyClients.set(e.proxy!.pid!, list);
	}
	const proxyVia = (p: ListeningSocket): Via => ({kind: 'docker-proxy', address: p.address, port: p.port});
	const proxyTarget = (p: ListeningSocket): Peer => {
		const id = byIp.get(p.proxyTo!.ip)?.id;
		return id ? containerPeer(id) : {kind: 'external', address: p.proxyTo!.ip};
	};

	// DNAT: conntrack joins the client's end and the container's end
	const natPeer = new Map<End, {peer: Peer; via: Via; direction: 'in' | 'out'; port: number; edge: boolean}>();
	for (const n of input.nat ?? []) {
		const via: Via = {kind: 'dnat', address: n.published, port: n.publishedPort};
		// either end may be in TIME_WAIT, folded with others of its kind: the client's port is then 0
		const exact = find(n.proto, n.target, n.targetPort, n.client, n.clientPort, null);
		const server = exact ?? find(n.proto, n.target, n.targetPort, n.client, 0, null);
		const client = find(n.proto, n.client, n.clientPort, n.published, n.publishedPort, null) ?? find(n.proto, n.client, 0, n.published, n.publishedPort, null);
		const target = byIp.get(n.target)?.id;
		// the edge is counted once: at the container's end, or at the client's when the container's is not read
		if (server) natPeer.set(server, {peer: client?.holder ?? {kind: 'external', address: n.client}, via, direction: 'in', port: n.targetPort, edge: true});
		if (client) {
			const peer = server?.holder ?? (target ? containerPeer(target) : {kind: 'external', address: n.target});
			// a folded server end is other connections than this one: the client's end counts it. A folded
			// client end stands for several conntrack entries: it counts if any of them needs it to
			natPeer.set(client, {peer, via, direction: 'out', port: n.targetPort, edge: !exact || (natPeer.get(client)?.edge ?? false)});
		}
	}

	const byHolder = new Map<string, ConnectionView[]>();
	const edges = new Map<string, {edge: Omit<EdgeView, 'count' | 'states'>; count: number; states: Record<string, number>}>();
	const addEdge = (client: Peer, server: Peer, port: number, via: Via | null, c: Connection): void => {
		const key = `${peerKey(client)}>${peerKey(server)}|${c.proto}|${port}|${via ? `${via.kind}:${via.address}:${via.port}` : ''}`;
		const entry = edges.get(key) ?? {edge: {proto: c.proto, client, server, port, via}, count: 0, states: {}};
		const count = c.count ?? 1;
		entry.count += count;
		entry.states[c.state] = (entry.states[c.state] ?? 0) + count;
		edges.set(key, entry);
	};

	for (const e of ends) {
		const other = mirror(e);
		let peer: Peer;
		let via: Via | null = null;
		let direction: 'in' | 'out';
		const nat = natPeer.get(e);
		if (isProxyInbound(e)) {
			// the client's side of the proxy: shown with the host's, its edge goes to the container
			const target = proxyTarget(e.proxy!);
			if (!other) addEdge(byAddress(e), target, e.proxy!.proxyTo!.port, proxyVia(e.proxy!), e.c);
			peer = other?.holder ?? byAddress(e);
			direction = 'in';
		} else if (e.proxy) {
			// the proxy's side toward the container: the container's end tells it
			peer = other?.holder ?? byAddress(e);
			direction = 'out';
		} else if (nat) {
			({peer, via, direction} = nat);
			if (nat.edge && direction === 'in') addEdge(peer, e.holder, nat.port, via, e.c);
			else if (nat.edge) addEdge(e.holder, peer, nat.port, via, e.c);
		} else if (other && isProxyInbound(other)) {
			// a client of docker-proxy: its peer is the container behind it
			peer = proxyTarget(other.proxy!);
			via = proxyVia(other.proxy!);
			direction = 'out';
			addEdge(e.holder, peer, other.proxy!.proxyTo!.port, via, e.c);
		} else if (other?.proxy) {
			// a container's end whose peer is docker-proxy: the proxy's clients are the peer
			const clients = proxyClients.get(other.proxy.pid!) ?? [];
			peer = clients.length === 1 ? clients[0]! : {kind: 'host', pid: other.proxy.pid, command: 'docker-proxy'};
			via = proxyVia(other.proxy);
			direction = 'in';
		} else if (other) {
			peer = other.holder;
			const server = listens(e) === listens(other) ? serves(e) : listens(e);
			direction = server ? 'in' : 'out';
			if (!server) addEdge(e.holder, peer, e.c.remotePort, null, e.c);
		} else {
			peer = byAddress(e);
			direction = serves(e) ? 'in' : 'out';
			if (direction === 'in') addEdge(peer, e.holder, e.c.localPort, null, e.c);
			else addEdge(e.holder, peer, e.c.remotePort, null, e.c);
		}
		const c = e.c;
		// written out: spreading thousands of connections costs more than all the pairing
		const view: ConnectionView = {
			proto: c.proto,
			family: c.family,
			local: c.local,
			localPort: c.localPort,
			remote: c.remote,
			remotePort: c.remotePort,
			state: c.state,
			txQueue: c.txQueue,
			rxQueue: c.rxQueue,
			timer: c.timer,
			timerMs: c.timerMs,
			retransmits: c.retransmits,
			count: c.count ?? 1,
			direction,
			peer,
			via,
			paired: other !== undefined || nat !== undefined,
		};
		const holderKey = e.holder.kind === 'container' ? e.holder.id : HOST_NS;
		const list = byHolder.get(holderKey) ?? [];
		list.push(view);
		byHolder.set(holderKey, list);
	}
	for (const list of byHolder.values()) list.sort(byActivity);
	return {
		byHolder,
		edges: [...edges.values()].map(({edge, count, states}) => ({...edge, count, states})),
	};
}

/** The state's connections (a snapshot derives them again only when one of their inputs changed: SnapshotMemo). */
export function connectionsOf(state: State): Connections {
	const hostAddresses = new Set(Object.values(state.meta.get(HOST_NS) ?? {}).flatMap(m => m.addresses.map(a => a.split('/')[0]!)));
	return deriveConnections({...state, hostAddresses});
}
