/**
 * The `--json` schema. Every record is built here, from a snapshot, an event or an alert, so
 * that the README's schema and the output cannot drift apart. Rates are bytes per second.
 * Text that came from containers is not sanitised here: JSON escapes control characters, and
 * `stringify` also escapes DEL and C1 controls, which JSON.stringify leaves raw.
 */
import type {Alert, Rollout, SwarmService, SwarmState, SwarmTask} from '../model.js';
import {nanoToMillis} from '../parsers/docker-events.js';
import type {ContainerView, InterfaceView, ListeningView, Snapshot} from '../store/snapshot.js';
import {serviceGroups, summarize, type ServiceGroup} from '../store/services.js';
import type {EventEntry} from '../store/state.js';
import {escapeJsonControls} from '../util/sanitize.js';

const rate = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);
const iso = (ms: number): string => new Date(ms).toISOString();

function interfaceRecord(i: InterfaceView) {
	return {
		name: i.name,
		ifindex: i.ifindex,
		iflink: i.iflink,
		state: i.state,
		kind: i.kind,
		mtu: i.mtu,
		mac: i.mac,
		speed: i.speed,
		master: i.master,
		addresses: i.addresses,
		rxBytes: i.rxBytes,
		txBytes: i.txBytes,
		rxPackets: i.rxPackets,
		txPackets: i.txPackets,
		rxErrors: i.rxErrors,
		txErrors: i.txErrors,
		rxDropped: i.rxDropped,
		txDropped: i.txDropped,
		rxRate: rate(i.rxRate),
		txRate: rate(i.txRate),
		container: i.container,
		peer: i.peer,
	};
}

function listeningRecord(l: ListeningView) {
	return {
		proto: l.proto,
		family: l.family,
		address: l.address,
		port: l.port,
		pid: l.pid,
		command: l.command,
		owner: l.owner,
		container: l.container,
		...(l.ownerUnknown ? {ownerUnknown: l.ownerUnknown} : {}),
	};
}

function containerRecord(c: ContainerView) {
	return {
		id: c.id,
		name: c.name,
		image: c.image,
		state: c.state,
		exitCode: c.exitCode,
		oomKilled: c.oomKilled,
		error: c.error === '' ? null : c.error,
		restartCount: c.restartCount,
		startedAt: c.startedAt,
		finishedAt: c.finishedAt,
		pid: c.pid,
		networkMode: c.networkMode,
		networkDriver: c.networkDriver,
		sharesHostNetns: c.sharesHostNetns,
		netns: c.netns,
		sharesNetnsWith: c.sharesNetnsWith,
		interfacesFrom: c.interfacesFrom,
		source: c.source,
		interfaces: c.interfaces.map(interfaceRecord),
		addresses: c.addresses,
		ports: c.ports,
		listening: c.listening.map(listeningRecord),
		rxRate: rate(c.rxRate),
		txRate: rate(c.txRate),
		connections: c.connections,
		connectionCounts: c.connectionCounts,
		tcp: c.tcp,
		labels: c.labels,
		compose: c.compose === null ? null : {project: c.compose.project, service: c.compose.service, number: c.compose.number, oneoff: c.compose.oneoff},
		health: c.health === null ? null : {status: c.health.status, failingStreak: c.health.failingStreak, lastOutput: c.health.lastOutput, lastCheckAt: c.health.lastCheckAt},
	};
}

/** A Compose service, from its containers. */
function serviceRecord(s: ServiceGroup) {
	const summary = summarize(s.members);
	return {
		source: 'compose' as const,
		project: s.project,
		name: s.name,
		replicas: {running: summary.running, total: summary.total},
		images: summary.images,
		containers: s.members.map(c => ({id: c.id, name: c.name, number: c.compose!.number, state: c.state, health: c.health?.status ?? null})),
		listening: summary.ports,
		health: summary.health,
		rxRate: rate(summary.rxRate),
		txRate: rate(summary.txRate),
	};
}

/** A Swarm service, as its manager counts it, with the containers its tasks made that are still here. */
function swarmServiceRecord(s: SwarmService, swarm: SwarmState, containers: readonly ContainerView[]) {
	const slot = (c: ContainerView): number | null => swarm.tasks.find(t => t.containerId === c.id)?.slot ?? null;
	return {
		source: 'swarm' as const,
		id: s.id,
		project: s.stack,
		name: s.name,
		mode: s.mode,
		replicas: {running: s.running, desired: s.desired ?? s.replicas},
		images: [s.image],
		previousImage: s.previousImage,
		ports: s.ports,
		update: s.update,
		containers: containers
			.filter(c => c.labels['com.docker.swarm.service.id'] === s.id)
			.map(c => ({id: c.id, name: c.name, number: slot(c), state: c.state, health: c.health?.status ?? null})),
	};
}

function taskRecord(t: SwarmTask, swarm: SwarmState) {
	const service = swarm.services.find(s => s.id === t.serviceId);
	return {
		id: t.id,
		service: service?.name ?? null,
		serviceId: t.serviceId,
		slot: t.slot,
		node: swarm.nodes.find(n => n.id === t.nodeId)?.hostname ?? null,
		nodeId: t.nodeId === '' ? null : t.nodeId,
		state: t.state,
		desiredState: t.desiredState,
		message: t.message,
		error: t.error === '' ? null : t.error,
		containerId: t.containerId,
		exitCode: t.exitCode,
		image: t.image,
		createdAt: t.createdAt,
		stateAt: t.stateAt,
	};
}

export function alertRecord(a: Alert) {
	return {
		type: 'alert' as const,
		kind: a.kind,
		severity: a.severity,
		id: a.id,
		container: a.containerName,
		containerId: a.containerId,
		networkMode: a.networkMode,
		port: a.port,
		proto: a.proto,
		portSource: a.portSource,
		holder: a.holder
			? {
					container: a.holder.containerName,
					containerId: a.holder.containerId,
					pid: a.holder.pid,
					command: a.holder.command,
					via: a.holder.via,
				}
			: null,
		holderUnknown: a.holderUnknown,
		source: a.source,
		exitCode: a.exitCode,
		count: a.count,
		message: a.message,
		hint: a.hint,
		evidence: a.evidence,
		evidenceFrom: a.evidenceFrom,
		lookup: a.lookup,
		resolved: a.resolved,
		firstSeenAt: iso(a.firstSeenAt),
		detectedAt: iso(a.detectedAt),
		resolvedAt: a.resolvedAt === null ? null : iso(a.resolvedAt),
	};
}

export function rolloutRecord(r: Rollout) {
	return {
		type: 'rollout' as const,
		id: r.id,
		source: r.source,
		kind: r.kind,
		project: r.project,
		service: r.service,
		outcome: r.outcome,
		reason: r.reason,
		alertId: r.alertId,
		startedAt: iso(r.startedAt),
		endedAt: r.endedAt === null ? null : iso(r.endedAt),
		old: r.old,
		configHash: r.configHash,
		ports: r.ports,
		containers: r.containers,
	};
}

export function eventRecord(entry: EventEntry) {
	const e = entry.event;
	return {
		type: 'event' as const,
		time: iso(nanoToMillis(e.timeNano)),
		timeNano: e.timeNano,
		kind: e.kind,
		action: e.action,
		id: e.actorId,
		container: entry.containerId === null ? null : {id: entry.containerId, name: entry.containerName},
		attributes: e.attributes,
	};
}

function body(s: Snapshot) {
	return {
		time: iso(s.at),
		hostname: s.hostname,
		os: s.os,
		interval: s.interval,
		docker: {...s.docker, agent: s.docker.agent ?? null, agentNote: s.docker.agentNote ?? null},
		host: {interfaces: s.host.interfaces.map(interfaceRecord), listening: s.host.listening.map(listeningRecord), connections: s.host.connections, tcp: s.host.tcp},
		containers: s.containers.map(containerRecord),
		edges: s.edges,
		conntrack: s.conntrack,
		// a Swarm service is counted by its manager, not by the containers its tasks left
		services: [...serviceGroups(s.containers).filter(g => g.source === 'compose').map(serviceRecord), ...(s.swarm?.services.map(service => swarmServiceRecord(service, s.swarm!, s.containers)) ?? [])],
		swarm: s.swarm === null ? null : {nodeId: s.swarm.nodeId, nodes: s.swarm.nodes},
		tasks: s.swarm === null ? [] : s.swarm.tasks.map(t => taskRecord(t, s.swarm!)),
		alerts: s.alerts.filter(a => !a.resolved).map(alertRecord),
	};
}

/** One NDJSON line per tick. */
export function snapshotRecord(s: Snapshot) {
	return {type: 'snapshot' as const, seq: s.tick, ...body(s)};
}

/** `--json --once`: one document, with the newest events too. */
export function onceDocument(s: Snapshot) {
	return {...body(s), events: s.events.slice(-50).map(eventRecord), rollouts: s.rollouts.map(rolloutRecord)};
}

export function stringify(record: unknown): string {
	return escapeJsonControls(JSON.stringify(record));
}
