/**
 * The snapshot: what views, `--json` and the recorder see. One immutable object per publish,
 * derived from the state by pure functions. Relations are resolved here: a veth to its
 * container, a container's eth0 to its host peer, a socket to its owner, a network mode to its
 * plain name.
 */
import {HOST_NS, unknownMeta, type Alert, type ContainerInfo, type DockerStatus, type InterfaceKind, type InterfaceMeta, type ListeningSocket, type Rollout, type SocketProto, type SwarmState, type TcpStats} from '../model.js';
import {connectionsOf, type Connections, type ConnectionView, type EdgeView} from './edges.js';
import {Relations, type ContainerRef, type Mode, type NetworkKind} from './relations.js';

export type {ContainerRef, NetworkKind} from './relations.js';
import type {EventEntry, InterfaceSample, NamespaceSample, State} from './state.js';
import {EVERYTHING, inScope, isEverything, type Scope} from './scope.js';
import {serviceOf, type ServiceRef} from './services.js';

export interface InterfaceView {
	readonly name: string;
	readonly ifindex: number | null;
	readonly iflink: number | null;
	readonly state: string;
	readonly mtu: number | null;
	readonly mac: string | null;
	readonly speed: number | null;
	readonly master: string | null;
	readonly kind: InterfaceKind;
	readonly addresses: readonly string[];
	readonly rxBytes: number;
	readonly txBytes: number;
	readonly rxPackets: number;
	readonly txPackets: number;
	readonly rxErrors: number;
	readonly txErrors: number;
	readonly rxDropped: number;
	readonly txDropped: number;
	/** Bytes per second; null until there are two samples, and for one sample after a reset. */
	readonly rxRate: number | null;
	readonly txRate: number | null;
	readonly rxHistory: readonly number[];
	readonly txHistory: readonly number[];
	/** Host side: the container at the other end of this veth. */
	readonly container: ContainerRef | null;
	/** Container side: the host interface at the other end (veth peer, or macvlan/ipvlan parent). */
	readonly peer: {readonly name: string; readonly ifindex: number; readonly kind: 'veth' | 'parent'} | null;
}

export interface ListeningView {
	readonly proto: SocketProto;
	readonly family: 4 | 6;
	readonly address: string;
	readonly port: number;
	readonly netns: string;
	readonly pid: number | null;
	readonly command: string | null;
	/** Who it belongs to: a container's process, docker-proxy for a container, or a host process. */
	readonly owner: 'container' | 'docker-proxy' | 'process' | 'unknown';
	readonly container: ContainerRef | null;
	readonly ownerUnknown: string | null;
}

/** What a container view keeps of Docker's own description, as is. */
type DockerFields = 'id' | 'name' | 'image' | 'state' | 'exitCode' | 'oomKilled' | 'error' | 'restartCount' | 'startedAt' | 'finishedAt' | 'pid' | 'command' | 'labels' | 'ports' | 'compose' | 'health';

export interface ContainerView extends Pick<ContainerInfo, DockerFields> {
	/** The Compose or Swarm service it belongs to. */
	readonly service: ServiceRef | null;
	/** `host`, `bridge`, `none`, `container:<name>`, or the name of a user-defined network. */
	readonly networkMode: string;
	readonly networkKind: NetworkKind;
	/** bridge, host, null, macvlan, ipvlan, overlay, ...; null when not known. */
	readonly networkDriver: string | null;
	/** The Linux bridge (docker0, br-…) of a bridge network, or the parent of a macvlan/ipvlan. */
	readonly networkDevice: string | null;
	/** Compared from /proc/<pid>/ns/net when readable, else implied by the mode; null when stopped. */
	readonly sharesHostNetns: boolean | null;
	readonly netns: string | null;
	readonly sharesNetnsWith: ContainerRef | null;
	/** `own`: interfaces below; `host`: the host's (see host.interfaces); `container`: sharesNetnsWith's; `none`: not running. */
	readonly interfacesFrom: 'own' | 'host' | 'container' | 'none';
	readonly source: NamespaceSample['source'] | null;
	readonly interfaces: readonly InterfaceView[];
	/** `172.17.0.2/16` per network. */
	readonly addresses: readonly string[];
	readonly listening: readonly ListeningView[];
	/** Sum over its own interfaces except lo; null when it has none of its own. */
	readonly rxRate: number | null;
	readonly txRate: number | null;
	/** The connections its processes hold (its namespace's, when they cannot be told apart), most active first. */
	readonly connections: readonly ConnectionView[];
	readonly connectionCounts: ConnectionCounts;
	/** TCP counters of its own namespace (a `container:` container's are its owner's; null in host mode). */
	readonly tcp: TcpView | null;
}

/** How long a listen queue overflow counts as current after it was seen. */
export const OVERFLOW_SHOWN_MS = 60_000;

export interface TcpView extends TcpStats {
	/** The overflow was seen within OVERFLOW_SHOWN_MS of the last sample. */
	readonly overflowing: boolean;
}

function tcpView(stats: TcpStats | undefined, at: number): TcpView | null {
	return stats ? {...stats, overflowing: stats.overflow !== null && at - stats.overflow.at <= OVERFLOW_SHOWN_MS} : null;
}

/** Connections by state; `other` is every state but these. */
export interface ConnectionCounts {
	readonly established: number;
	readonly synSent: number;
	readonly timeWait: number;
	readonly closeWait: number;
	readonly other: number;
}

export function countStates(connections: readonly ConnectionView[]): ConnectionCounts {
	const counts = {established: 0, synSent: 0, timeWait: 0, closeWait: 0, other: 0};
	for (const c of connections) {
		const key = c.state === 'established' ? 'established' : c.state === 'syn-sent' ? 'synSent' : c.state === 'time-wait' ? 'timeWait' : c.state === 'close-wait' ? 'closeWait' : 'other';
		counts[key] += c.count;
	}
	return counts;
}

export interface Snapshot {
	/** Publish counter: a new number for every snapshot. */
	readonly seq: number;
	/** Sample counter: a new number only when a tick (a new sample) arrived. */
	readonly tick: number;
	/** Wall clock of the last sample, ms since the epoch. */
	readonly at: number;
	readonly interval: number;
	readonly hostname: string;
	readonly os: string | null;
	readonly docker: DockerStatus;
	readonly host: {
		readonly interfaces: readonly InterfaceView[];
		readonly listening: readonly ListeningView[];
		/** Host processes' connections (docker-proxy's included). */
		readonly connections: readonly ConnectionView[];
		readonly tcp: TcpView | null;
	};
	/** Who talks to whom: every pair of ends, grouped by client, server, port and the way through. */
	readonly edges: readonly EdgeView[];
	/** Whether /proc/net/nf_conntrack exists: without it, DNAT connections stay two halves. */
	readonly conntrack: boolean;
	/** Sorted by name. */
	readonly containers: readonly ContainerView[];
	readonly counts: {readonly running: number; readonly stopped: number; readonly total: number};
	/** The newest events, oldest first. */
	readonly events: readonly EventEntry[];
	readonly eventsTotal: number;
	/** Oldest first. */
	readonly alerts: readonly Alert[];
	/** The narration line of `--captions`, or null. */
	readonly caption: string | null;
	/** Compose rollouts, oldest first. */
	readonly rollouts: readonly Rollout[];
	/** A swarm manager's services (those watched), their tasks, and the nodes; null when the engine is not a manager. */
	readonly swarm: SwarmState | null;
	/** Watching several engines: all of them, and which one this snapshot is (fleet.ts). */
	readonly fleet?: FleetView;
}

/** One engine of several, as the host bar shows it. */
export interface FleetHost {
	/** As it was given: the context's name, or the `-H` address. */
	readonly name: string;
	readonly docker: DockerStatus;
	/** Open alerts, info left out. */
	readonly alerts: number;
}

export interface FleetView {
	readonly hosts: readonly FleetHost[];
	readonly selected: number;
	/** The other engines' open alerts, each named by its engine (`box: web1 could not …`), for the banner. */
	readonly otherAlerts: readonly Alert[];
}

export const SNAPSHOT_EVENTS = 200;

function interfaceView(sample: InterfaceSample, meta: InterfaceMeta | undefined): InterfaceView {
	const m = meta ?? unknownMeta();
	const c = sample.counters;
	return {
		name: c.name,
		ifindex: m.ifindex,
		iflink: m.iflink,
		state: m.operstate,
		mtu: m.mtu,
		mac: m.mac,
		speed: m.speed,
		master: m.master,
		kind: m.kind,
		addresses: m.addresses,
		rxBytes: c.rxBytes,
		txBytes: c.txBytes,
		rxPackets: c.rxPackets,
		txPackets: c.txPackets,
		rxErrors: c.rxErrors,
		txErrors: c.txErrors,
		rxDropped: c.rxDropped,
		txDropped: c.txDropped,
		rxRate: sample.rxRate,
		txRate: sample.txRate,
		rxHistory: sample.rxHistory,
		txHistory: sample.txHistory,
		container: null,
		peer: null,
	};
}

function listeningView(socket: ListeningSocket, relations: Relations): ListeningView {
	const {owner, container} = relations.owner(socket);
	return {
		proto: socket.proto,
		family: socket.family,
		address: socket.address,
		port: socket.port,
		netns: socket.netns,
		pid: socket.pid,
		command: socket.command,
		owner,
		container,
		ownerUnknown: socket.ownerUnknown,
	};
}

function sumRates(interfaces: readonly InterfaceView[], key: 'rxRate' | 'txRate'): number | null {
	const isLo = (i: InterfaceView): boolean => i.kind === 'loopback' || i.name === 'lo';
	const onlyLo = interfaces.every(isLo);
	let total: number | null = null;
	for (const i of interfaces) {
		if (isLo(i) && !onlyLo) continue;
		const value = i[key];
		if (value !== null) total = (total ?? 0) + value;
	}
	return total;
}

interface HostIndex {
	readonly byIndex: ReadonlyMap<number, InterfaceView>;
	/** Host veths by the ifindex they point at (their peer's). */
	readonly vethByIflink: ReadonlyMap<number, InterfaceView>;
}

/** Pair a container's interfaces with their host side: veth peer (mutual ifindex/iflink) or macvlan parent. */
function withPeers(interfaces: InterfaceView[], host: HostIndex, mode: Mode): InterfaceView[] {
	const underlay = mode.driver === 'macvlan' || mode.driver === 'ipvlan';
	return interfaces.map(i => {
		if (i.kind === 'loopback') return i;
		let peer: InterfaceView | undefined;
		let kind: 'veth' | 'parent' = 'veth';
		if (i.iflink !== null && i.iflink !== i.ifindex) {
			const candidate = host.byIndex.get(i.iflink);
			if (candidate && underlay) {
				peer = candidate;
				kind = 'parent';
			} else if (candidate && candidate.kind === 'veth' && (i.ifindex === null || candidate.iflink === i.ifindex)) {
				peer = candidate;
			}
		} else if (i.iflink === null && i.ifindex !== null) {
			// metadata could not be read from inside (not root): find the host veth that points at it
			peer = host.vethByIflink.get(i.ifindex);
		}
		if (!peer || peer.ifindex === null) return i;
		const kindOverride: InterfaceKind = kind === 'parent' ? (mode.driver === 'ipvlan' ? 'ipvlan' : 'macvlan') : i.kind;
		return {...i, kind: kindOverride, peer: {name: peer.name, ifindex: peer.ifindex, kind}};
	});
}

/** Docker knows a container's addresses: give each to the interface with the same MAC. */
function withDockerAddresses(interfaces: InterfaceView[], c: ContainerInfo): InterfaceView[] {
	return interfaces.map(i => {
		if (i.addresses.length > 0) return i;
		const addresses = c.networks
			.filter(n => n.ipAddress !== '' && n.macAddress !== '' && n.macAddress === i.mac)
			.map(n => `${n.ipAddress}/${n.prefixLen}`);
		return addresses.length > 0 ? {...i, addresses} : i;
	});
}

function namespaceInterfaces(state: State, ns: string): InterfaceView[] {
	const sample = ns === HOST_NS ? state.host : state.namespaces.get(ns);
	if (!sample) return [];
	const meta = state.meta.get(ns) ?? {};
	return sample.interfaces.map(i => interfaceView(i, meta[i.counters.name]));
}

function compareNames(a: {name: string}, b: {name: string}): number {
	return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The labels of the container an event is about: its own, which Docker copies into its container events. */
function eventLabels(state: State, e: EventEntry): Readonly<Record<string, string>> | null {
	if (e.event.kind === 'container') return e.event.attributes;
	return e.containerId === null ? null : (state.containers.get(e.containerId)?.labels ?? null);
}

/**
 * The labels an alert is judged by: its container's; a Swarm task's, its service's (the
 * snapshot's services are judged so, and a task that could not be placed has no container). A
 * task alert's id is `task:<service id>:<slot or node>` (diagnoses/swarm.ts).
 */
function alertLabels(state: State, alert: Alert): Readonly<Record<string, string>> | null {
	const serviceId = alert.source === 'task' ? alert.id.split(':')[1] : undefined;
	const service = serviceId === undefined ? undefined : state.swarm?.services.find(s => s.id === serviceId);
	return service?.labels ?? state.containers.get(alert.containerId)?.labels ?? null;
}

/** Whether an event or an alert is about a watched container (one about none, a network's, is). */
export function watched(state: State, scope: Scope, about: {kind: 'event'; entry: EventEntry} | {kind: 'alert'; alert: Alert} | {kind: 'rollout'; rollout: Rollout}): boolean {
	if (isEverything(scope)) return true;
	// a rollout is of a service: watched when its new containers are (they carry the service's labels)
	if (about.kind === 'rollout') {
		const {project, service} = about.rollout;
		const labels = {'com.docker.compose.project': project, 'com.docker.compose.service': service};
		return about.rollout.containers.some(k => inScope(scope, state.containers.get(k.id)?.labels ?? labels));
	}
	const labels = about.kind === 'event' ? eventLabels(state, about.entry) : alertLabels(state, about.alert);
	return labels === null ? about.kind === 'event' && about.entry.containerId === null : inScope(scope, labels);
}

/** A container's view. */
function containerView(state: State, c: ContainerInfo, relations: Relations, host: HostIndex, listeningBy: ReadonlyMap<string, ListeningView[]>, byHolder: ReadonlyMap<string, readonly ConnectionView[]>): ContainerView {
	const mode = relations.mode(c);
	const running = c.state === 'running' || c.state === 'paused' || c.state === 'restarting';
	const identity = state.identities.get(c.id);
	let interfacesFrom: ContainerView['interfacesFrom'] = 'none';
	let interfaces: InterfaceView[] = [];
	let source: ContainerView['source'] = null;
	if (running && mode.kind === 'host') interfacesFrom = 'host';
	else if (running && mode.kind === 'container') interfacesFrom = 'container';
	else if (running && state.namespaces.has(c.id)) {
		interfacesFrom = 'own';
		source = state.namespaces.get(c.id)!.source;
		interfaces = withPeers(withDockerAddresses(namespaceInterfaces(state, c.id), c), host, mode);
	} else if (running) interfacesFrom = 'own';
	const sharesWith = mode.sharesWith ? relations.ref(mode.sharesWith) : null;
	const ownerIdentity = mode.sharesWith ? state.identities.get(mode.sharesWith) : identity;
	const implied = mode.kind === 'host' ? true : mode.kind === 'container' ? null : false;
	const sharesHostNetns = running ? (ownerIdentity?.sharesHostNetns ?? implied) : null;
	return {
		id: c.id,
		name: c.name,
		image: c.image,
		state: c.state,
		exitCode: c.exitCode,
		oomKilled: c.oomKilled,
		error: c.error,
		restartCount: c.restartCount,
		startedAt: c.startedAt,
		finishedAt: c.finishedAt,
		pid: c.pid,
		command: c.command,
		labels: c.labels,
		// recordings made before Compose and health were read have none
		compose: c.compose ?? null,
		service: serviceOf({compose: c.compose ?? null, labels: c.labels}),
		health: c.health ?? null,
		ports: c.ports,
		networkMode: mode.mode,
		networkKind: mode.kind,
		networkDriver: mode.driver,
		networkDevice: mode.network?.bridge ?? mode.network?.parent ?? null,
		sharesHostNetns,
		netns: running ? (ownerIdentity?.netns ?? null) : null,
		sharesNetnsWith: sharesWith,
		interfacesFrom,
		source,
		interfaces,
		addresses: c.networks.filter(n => n.ipAddress).map(n => `${n.ipAddress}/${n.prefixLen}`),
		listening: listeningBy.get(c.id) ?? [],
		rxRate: sumRates(interfaces, 'rxRate'),
		txRate: sumRates(interfaces, 'txRate'),
		connections: byHolder.get(c.id) ?? [],
		connectionCounts: countStates(byHolder.get(c.id) ?? []),
		tcp: running && mode.kind !== 'host' ? tcpView(state.tcp.get(mode.sharesWith ?? c.id), state.at) : null,
	};
}

/** A value with the objects it was derived from. */
interface Memo<T> {
	readonly inputs: readonly unknown[];
	readonly value: T;
}

/** The last value again when its inputs are the same objects, one for one; else `derive()` anew. */
function memoised<T>(last: Memo<T> | undefined, inputs: readonly unknown[], derive: () => T): Memo<T> {
	if (last && last.inputs.length === inputs.length && last.inputs.every((input, i) => input === inputs[i])) return last;
	return {inputs, value: derive()};
}

/**
 * What a store's last snapshot derived, each part with the objects it was derived from: a part
 * whose inputs are the same objects again is given again, not derived anew. From one sample to
 * the next most of a snapshot does not change (a sleeping container's view), and a view built
 * anew at each sample outlived the young generation (it is kept until the next one): the
 * garbage collector copied every container's view into the old generation once a second.
 */
export class SnapshotMemo {
	relations: Memo<Relations> | undefined;
	listening: Memo<Listening> | undefined;
	connections: Memo<Connections> | undefined;
	views = new Map<string, Memo<ContainerView>>();
}

/** The listening sockets' views, and those of containers' processes by container. */
interface Listening {
	readonly all: ListeningView[];
	readonly byContainer: ReadonlyMap<string, ListeningView[]>;
}

function listeningViews(state: State, relations: Relations): Listening {
	const all = state.sockets.map(s => listeningView(s, relations));
	const byContainer = new Map<string, ListeningView[]>();
	for (const l of all) {
		if (l.owner !== 'container' || !l.container) continue;
		const list = byContainer.get(l.container.id) ?? [];
		list.push(l);
		byContainer.set(l.container.id, list);
	}
	return {all, byContainer};
}

export function deriveSnapshot(state: State, seq: number, scope: Scope = EVERYTHING, memo: SnapshotMemo = new SnapshotMemo()): Snapshot {
	memo.relations = memoised(memo.relations, [state.containers, state.networks], () => new Relations(state.containers, state.networks));
	const relations = memo.relations.value;

	let hostInterfaces = namespaceInterfaces(state, HOST_NS);
	const host: HostIndex = {
		byIndex: new Map(hostInterfaces.filter(i => i.ifindex !== null).map(i => [i.ifindex!, i])),
		vethByIflink: new Map(hostInterfaces.filter(i => i.kind === 'veth' && i.iflink !== null).map(i => [i.iflink!, i])),
	};
	memo.listening = memoised(memo.listening, [state.sockets, relations], () => listeningViews(state, relations));
	const {all: listening, byContainer: listeningBy} = memo.listening.value;
	const vethOwner = new Map<string, ContainerRef>();
	memo.connections = memoised(memo.connections, [state.connections, state.socketOwners, state.nat, state.sockets, state.containers, state.meta], () => connectionsOf(state));
	const {byHolder, edges} = memo.connections.value;

	// the host's interfaces as far as veth peers go: their metadata, and which of them are there
	// (the two change at the same tick live, but a replay can stop between them)
	const hostMeta = state.meta.get(HOST_NS);
	const hostNames = hostInterfaces.map(i => i.name).join('\n');
	const views = new Map<string, Memo<ContainerView>>();
	const everything = isEverything(scope);
	const containers = [...state.containers.values()]
		.filter(c => everything || inScope(scope, c.labels))
		.sort(compareNames)
		.map((c): ContainerView => {
			// what its view is made of
			const sample = state.namespaces.get(c.id);
			const tcp = state.tcp.get(relations.mode(c).sharesWith ?? c.id);
			const overflowing = tcp?.overflow ? state.at - tcp.overflow.at <= OVERFLOW_SHOWN_MS : false;
			const inputs = [c, relations, state.identities, sample?.interfaces, sample?.source, state.meta.get(c.id), hostMeta, hostNames, listeningBy.get(c.id), byHolder.get(c.id), tcp, overflowing];
			const entry = memoised(memo.views.get(c.id), inputs, () => containerView(state, c, relations, host, listeningBy, byHolder));
			views.set(c.id, entry);
			const view = entry.value;
			for (const i of view.interfaces) if (i.peer?.kind === 'veth') vethOwner.set(i.peer.name, {id: c.id, name: c.name});
			return view;
		});
	memo.views = views;

	hostInterfaces = hostInterfaces.map(i => {
		const owner = vethOwner.get(i.name);
		return owner ? {...i, container: owner} : i;
	});
	const running = containers.filter(c => c.state === 'running').length;
	return {
		seq,
		tick: state.tickSeq,
		at: state.at,
		interval: state.interval,
		hostname: state.hostname,
		os: state.os,
		docker: state.docker,
		host: {interfaces: hostInterfaces, listening: listening.filter(l => l.netns === HOST_NS), connections: byHolder.get(HOST_NS) ?? [], tcp: tcpView(state.tcp.get(HOST_NS), state.at)},
		edges,
		conntrack: state.nat !== null,
		containers,
		counts: {running, stopped: containers.length - running, total: containers.length},
		// a network event can arrive before its container was inspected: name it now if it can be
		events: (everything ? state.events : state.events.filter(entry => watched(state, scope, {kind: 'event', entry})))
			.slice(-SNAPSHOT_EVENTS)
			.map(e => (e.containerName === null && e.containerId !== null && relations.names.has(e.containerId) ? {...e, containerName: relations.names.get(e.containerId)!} : e)),
		eventsTotal: state.eventsTotal,
		alerts: [...state.alerts.values()].filter(alert => everything || watched(state, scope, {kind: 'alert', alert})).sort((a, b) => a.detectedAt - b.detectedAt),
		caption: state.caption,
		rollouts: [...state.rollouts.values()].filter(rollout => everything || watched(state, scope, {kind: 'rollout', rollout})),
		swarm: everything || state.swarm === null ? state.swarm : scopedSwarm(state.swarm, scope),
	};
}

/** The services in scope (by their own labels), and their tasks. */
function scopedSwarm(swarm: SwarmState, scope: Scope): SwarmState {
	const services = swarm.services.filter(s => inScope(scope, s.labels));
	const ids = new Set(services.map(s => s.id));
	return {...swarm, services, tasks: swarm.tasks.filter(t => ids.has(t.serviceId))};
}
