/**
 * The store's state and its reducer: `reduce(state, action)` returns a new state and never
 * changes the old one. Pure and synchronous, so live collection and replay share it.
 */
import {
	HOST_NS,
	type Alert,
	type Connection,
	type ContainerInfo,
	type DockerStatus,
	type Finding,
	type InterfaceMeta,
	type ListeningSocket,
	type NatConnection,
	type NetDevRow,
	type NetworkInfo,
	type ProcessRef,
	type Rollout,
	type SwarmState,
	type TcpStats,
} from '../model.js';
import {statusAfter, type DockerEvent} from '../parsers/docker-events.js';
import type {Action, AlertAction, ConnectionsAction, TickAction} from './actions.js';
import {interfaceRates, pushHistory} from './rates.js';

export interface InterfaceSample {
	readonly counters: NetDevRow;
	readonly rxRate: number | null;
	readonly txRate: number | null;
	/** Rates of the last minute, oldest first; a sample with no rate counts as 0. */
	readonly rxHistory: readonly number[];
	readonly txHistory: readonly number[];
}

export interface NamespaceSample {
	readonly mono: number;
	readonly interfaces: readonly InterfaceSample[];
	readonly source: 'proc' | 'stats-api';
}

export interface EventEntry {
	/** Arrival order, from 1: a stable key. */
	readonly seq: number;
	readonly event: DockerEvent;
	/** The container's name when the event arrived (network events carry only its id). */
	readonly containerName: string | null;
	readonly containerId: string | null;
}

export interface NamespaceIdentity {
	readonly netns: string | null;
	readonly sharesHostNetns: boolean | null;
}

export interface State {
	readonly hostname: string;
	readonly os: string | null;
	/** Seconds between samples. */
	readonly interval: number;
	readonly tickSeq: number;
	/** Wall clock of the last sample, ms. */
	readonly at: number;
	readonly host: NamespaceSample | null;
	readonly namespaces: ReadonlyMap<string, NamespaceSample>;
	readonly meta: ReadonlyMap<string, Readonly<Record<string, InterfaceMeta>>>;
	readonly containers: ReadonlyMap<string, ContainerInfo>;
	readonly identities: ReadonlyMap<string, NamespaceIdentity>;
	readonly networks: ReadonlyMap<string, NetworkInfo>;
	readonly sockets: readonly ListeningSocket[];
	/** Each namespace's connections as last read (keyed like namespaces, `host` included). */
	readonly connections: ReadonlyMap<string, readonly Connection[]>;
	/** Owners of sockets in namespaces shared by several containers (the host's included), by inode. */
	readonly socketOwners: ReadonlyMap<number, ProcessRef>;
	/** Docker's DNAT connections from conntrack; null when the kernel has no conntrack table. */
	readonly nat: readonly NatConnection[] | null;
	/** Each namespace's TCP counters and rates. */
	readonly tcp: ReadonlyMap<string, TcpStats>;
	/** The newest events, oldest first, at most EVENT_LOG_SIZE. */
	readonly events: readonly EventEntry[];
	readonly eventsTotal: number;
	readonly alerts: ReadonlyMap<string, Alert>;
	/** By id, oldest first; at most ROLLOUTS_KEPT. */
	readonly rollouts: ReadonlyMap<string, Rollout>;
	readonly docker: DockerStatus;
	/** What the swarm manager says; null when the engine is not one. */
	readonly swarm: SwarmState | null;
	/** The caption of `--captions`, or null. */
	readonly caption: string | null;
}

export const EVENT_LOG_SIZE = 500;
export const ALERTS_KEPT = 100;
export const ROLLOUTS_KEPT = 50;
/** Seconds of history behind each sparkline. */
export const HISTORY_SECONDS = 60;

export function initialState(endpoint: string, context: string | null = null): State {
	return {
		hostname: '',
		os: null,
		interval: 1,
		tickSeq: 0,
		at: 0,
		host: null,
		namespaces: new Map(),
		meta: new Map(),
		containers: new Map(),
		identities: new Map(),
		networks: new Map(),
		sockets: [],
		connections: new Map(),
		socketOwners: new Map(),
		nat: [],
		tcp: new Map(),
		events: [],
		eventsTotal: 0,
		alerts: new Map(),
		rollouts: new Map(),
		docker: {endpoint, context, version: null, apiVersion: null, error: null, state: 'connecting', local: true, badEventLines: 0},
		swarm: null,
		caption: null,
	};
}

export function historyLength(interval: number): number {
	return Math.max(2, Math.ceil(HISTORY_SECONDS / interval));
}

function sampleNamespace(
	previous: NamespaceSample | undefined,
	rows: readonly NetDevRow[],
	mono: number,
	source: NamespaceSample['source'],
	length: number,
): NamespaceSample {
	// the same reading again (a stats answer that has not been renewed): nothing new to say
	if (previous && previous.mono === mono) return previous;
	const before = new Map(previous?.interfaces.map(i => [i.counters.name, i]));
	const seconds = previous ? (mono - previous.mono) / 1000 : 0;
	const interfaces = rows.map((counters): InterfaceSample => {
		const old = before.get(counters.name);
		const {rxRate, txRate} = interfaceRates(old?.counters, counters, seconds);
		const rxHistory = pushHistory(old?.rxHistory ?? [], rxRate ?? 0, length);
		const txHistory = pushHistory(old?.txHistory ?? [], txRate ?? 0, length);
		// a quiet interface (the collector hands over the same row while net/dev does not change),
		// its minute of history all one value: the sample it had
		if (old?.counters === counters && old.rxRate === rxRate && old.txRate === txRate && old.rxHistory === rxHistory && old.txHistory === txHistory) return old;
		return {counters, rxRate, txRate, rxHistory, txHistory};
	});
	const unchanged = previous !== undefined && interfaces.length === previous.interfaces.length && interfaces.every((i, k) => i === previous.interfaces[k]);
	return {mono, interfaces: unchanged ? previous.interfaces : interfaces, source};
}

function reduceTick(state: State, action: TickAction): State {
	const length = historyLength(state.interval);
	const statsApi = new Set(action.fromStatsApi ?? []);
	const namespaces = new Map<string, NamespaceSample>();
	for (const [id, rows] of Object.entries(action.namespaces)) {
		const source = statsApi.has(id) ? 'stats-api' : 'proc';
		namespaces.set(id, sampleNamespace(state.namespaces.get(id), rows, action.sampledAt?.[id] ?? action.mono, source, length));
	}
	// metadata of namespaces that are gone goes with them; kept as it is when none went, so that
	// what is derived from it (the snapshot's connections) is not derived again at every tick
	const kept = (ns: string): boolean => ns === HOST_NS || namespaces.has(ns);
	const meta = [...state.meta.keys()].every(kept) ? state.meta : new Map([...state.meta].filter(([ns]) => kept(ns)));
	return {
		...state,
		tickSeq: state.tickSeq + 1,
		at: action.at,
		host: sampleNamespace(state.host ?? undefined, action.host, action.mono, 'proc', length),
		namespaces,
		meta,
	};
}

function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): Map<K, V> {
	const next = new Map(map);
	next.set(key, value);
	return next;
}

function without<K, V>(map: ReadonlyMap<K, V>, key: K): Map<K, V> {
	const next = new Map(map);
	next.delete(key);
	return next;
}

function eventContainer(state: State, event: DockerEvent): {id: string | null; name: string | null} {
	if (event.kind === 'container') {
		return {id: event.actorId, name: event.attributes['name'] ?? state.containers.get(event.actorId)?.name ?? null};
	}
	const id = event.attributes['container'] ?? null;
	return {id, name: id === null ? null : (state.containers.get(id)?.name ?? null)};
}

/** The containers after an event that says what the container's status became (pause, unpause). */
function withStatus(containers: ReadonlyMap<string, ContainerInfo>, event: DockerEvent): ReadonlyMap<string, ContainerInfo> {
	const status = event.kind === 'container' ? statusAfter(event.action) : null;
	const container = status === null ? undefined : containers.get(event.actorId);
	if (!container || container.state === status) return containers;
	return withEntry(containers, container.id, {...container, state: status!});
}

function keepAlerts(alerts: Map<string, Alert>): Map<string, Alert> {
	if (alerts.size <= ALERTS_KEPT) return alerts;
	// drop the oldest resolved alerts first, then the oldest
	const ordered = [...alerts.values()].sort((a, b) => Number(b.resolved) - Number(a.resolved) || a.detectedAt - b.detectedAt);
	for (const alert of ordered.slice(0, alerts.size - ALERTS_KEPT)) alerts.delete(alert.id);
	return alerts;
}

/** Occurrences remembered per alert, to know one failure seen twice. */
const OCCURRENCES_KEPT = 20;

/** One run's failure and a failure within that run are the same failure, seen two ways. */
function sameFailure(a: string, b: string): boolean {
	return a === b || a.startsWith(`${b}|`) || b.startsWith(`${a}|`);
}

/**
 * A finding into the alerts: a new failure counts up; the same failure seen another way (the
 * followed log, then the exit) updates what is said of it and counts nothing; a standing
 * condition counts once while it stays open.
 */
function withFinding(alerts: ReadonlyMap<string, Alert>, finding: Finding): ReadonlyMap<string, Alert> {
	const previous = alerts.get(finding.id);
	const occurrences = previous?.occurrences ?? [];
	const seen = finding.occurrence === null ? previous !== undefined && !previous.resolved : occurrences.some(o => sameFailure(o, finding.occurrence!));
	// a failure already counted and resolved since (the victim listens now) stays resolved
	if (seen && previous?.resolved) return alerts;
	const alert: Alert = {
		...finding,
		count: (previous?.count ?? 0) + (seen ? 0 : 1),
		firstSeenAt: previous?.firstSeenAt ?? finding.detectedAt,
		occurrences: seen || finding.occurrence === null ? occurrences : [...occurrences.slice(1 - OCCURRENCES_KEPT), finding.occurrence],
		resolved: false,
		resolvedAt: null,
	};
	return keepAlerts(withEntry(alerts, alert.id, alert));
}

function resolved(alerts: ReadonlyMap<string, Alert>, ids: readonly string[], at: number): ReadonlyMap<string, Alert> {
	const open = ids.map(id => alerts.get(id)).filter((a): a is Alert => a !== undefined && !a.resolved);
	if (open.length === 0) return alerts;
	const next = new Map(alerts);
	for (const a of open) next.set(a.id, {...a, resolved: true, resolvedAt: at});
	return next;
}

/** An alert from a format-1 recording, which had no severity, hint or occurrences. */
function legacyAlert(alert: AlertAction['alert']): Alert {
	return {severity: 'error', hint: '', evidenceFrom: 'log', lookup: null, occurrence: null, occurrences: [], resolvedAt: null, ...alert};
}

function reduceConnections(state: State, action: ConnectionsAction): State {
	const connections = new Map(state.connections);
	for (const key of action.gone) connections.delete(key);
	for (const [key, list] of Object.entries(action.read)) connections.set(key, list);
	// owners of sockets that are gone go with them
	const inodes = new Set<number>();
	for (const list of connections.values()) for (const c of list) inodes.add(c.inode);
	const socketOwners = new Map([...state.socketOwners].filter(([inode]) => inodes.has(inode)));
	for (const [inode, owner] of Object.entries(action.owners)) socketOwners.set(Number(inode), owner);
	const tcp = new Map([...state.tcp].filter(([key]) => !action.gone.includes(key)));
	for (const [key, stats] of Object.entries(action.tcp ?? {})) tcp.set(key, stats);
	return {...state, connections, socketOwners, nat: action.nat === undefined ? state.nat : action.nat, tcp};
}

export function reduce(state: State, action: Action): State {
	switch (action.type) {
		case 'host':
			return {...state, hostname: action.hostname, os: action.os, interval: action.interval};
		case 'tick':
			return reduceTick(state, action);
		case 'interfaces':
			return {...state, meta: withEntry(state.meta, action.ns, action.meta)};
		case 'namespace':
			return {
				...state,
				identities: withEntry(state.identities, action.containerId, {netns: action.netns, sharesHostNetns: action.sharesHostNetns}),
			};
		case 'sockets':
			return {...state, sockets: action.sockets};
		case 'connections':
			return reduceConnections(state, action);
		case 'containers': {
			const containers = new Map(action.containers.map(c => [c.id, c]));
			const identities = new Map([...state.identities].filter(([id]) => containers.has(id)));
			return {...state, containers, identities};
		}
		case 'container': {
			const old = state.containers.get(action.container.id);
			// a new pid means a new namespace: its identity must be read again
			const identities = old && old.pid !== action.container.pid ? without(state.identities, action.container.id) : state.identities;
			return {...state, containers: withEntry(state.containers, action.container.id, action.container), identities};
		}
		case 'container-removed': {
			// a container that is gone takes its alerts with it: they are resolved (a swarm task's
			// alert stands for its replica, and the manager says when that is over)
			const mine = [...state.alerts.values()].filter(a => a.containerId === action.id && a.source !== 'task').map(a => a.id);
			return {
				...state,
				containers: without(state.containers, action.id),
				identities: without(state.identities, action.id),
				alerts: resolved(state.alerts, mine, state.at),
			};
		}
		case 'networks':
			return {...state, networks: new Map(action.networks.map(n => [n.id, n]))};
		case 'docker':
			return {...state, docker: action.status};
		case 'swarm':
			return {...state, swarm: action.swarm};
		case 'event': {
			const {id, name} = eventContainer(state, action.event);
			const entry: EventEntry = {seq: state.eventsTotal + 1, event: action.event, containerId: id, containerName: name};
			const events = state.events.length >= EVENT_LOG_SIZE ? state.events.slice(1 - EVENT_LOG_SIZE) : state.events.slice();
			events.push(entry);
			return {...state, containers: withStatus(state.containers, action.event), events, eventsTotal: state.eventsTotal + 1};
		}
		case 'diagnosis':
			return {...state, alerts: withFinding(state.alerts, action.finding)};
		case 'diagnosis-resolved':
			return {...state, alerts: resolved(state.alerts, [action.id], action.at)};
		case 'rollout': {
			const rollouts = withEntry(state.rollouts, action.rollout.id, action.rollout);
			if (rollouts.size > ROLLOUTS_KEPT) rollouts.delete(rollouts.keys().next().value!);
			return {...state, rollouts};
		}
		case 'alert':
			return {...state, alerts: keepAlerts(withEntry(state.alerts, action.alert.id, legacyAlert(action.alert)))};
		case 'caption':
			return {...state, caption: action.text};
	}
}
