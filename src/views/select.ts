/**
 * Selectors: what the dashboard shows, derived from a snapshot and the UI state. Pure.
 */
import {SEVERITY_RANK, type Alert, type Rollout, type SwarmService, type SwarmState} from '../model.js';
import type {ContainerView, InterfaceView, Snapshot} from '../store/snapshot.js';
import {serviceGroups, type ServiceGroup} from '../store/services.js';
import type {EventEntry} from '../store/state.js';
import {nanoToMillis} from '../parsers/docker-events.js';
import {isShownEvent} from './describe.js';
import type {SortKey, UiState} from './ui-state.js';

const STATE_ORDER: Record<string, number> = {running: 0, restarting: 1, paused: 2, created: 3, exited: 4, dead: 5, removing: 6};

function compare(sort: SortKey): (a: ContainerView, b: ContainerView) => number {
	const byName = (a: ContainerView, b: ContainerView): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
	switch (sort) {
		case 'name':
			return byName;
		case 'rx':
			return (a, b) => (b.rxRate ?? -1) - (a.rxRate ?? -1) || byName(a, b);
		case 'tx':
			return (a, b) => (b.txRate ?? -1) - (a.txRate ?? -1) || byName(a, b);
		case 'state':
			return (a, b) => (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) || byName(a, b);
	}
}

/** The containers in the list: filtered by name, project (or stack) or service (case-insensitive), sorted. */
export function visibleContainers(s: Snapshot, ui: Pick<UiState, 'filter' | 'sort'>): ContainerView[] {
	const needle = ui.filter.toLowerCase();
	const matches = (c: ContainerView): boolean =>
		c.name.toLowerCase().includes(needle) || (c.service !== null && (c.service.project.toLowerCase().includes(needle) || c.service.name.toLowerCase().includes(needle)));
	const shown = needle === '' ? [...s.containers] : s.containers.filter(matches);
	return shown.sort(compare(ui.sort));
}

/** A project (Compose's, or a Swarm stack), a service of one, or the containers outside any: a line that folds. */
export interface GroupRow {
	readonly kind: 'group';
	/** `project:<name>`, `service:<project>/<name>`, `other`: what the UI folds and selects by. */
	readonly id: string;
	readonly level: 'project' | 'service' | 'other';
	readonly name: string;
	readonly folded: boolean;
	/** Every container in it (all replicas, for a service), in the list's order. */
	readonly members: readonly ContainerView[];
	/** A Swarm service's line: what its manager says (replicas running of desired). */
	readonly swarm?: SwarmService;
}

export interface ContainerRow {
	readonly kind: 'container';
	readonly id: string;
	/** 0 in a flat list, 1 outside any service, 2 under a service. */
	readonly depth: number;
	readonly container: ContainerView;
}

export type ListRow = GroupRow | ContainerRow;

export const OTHER_GROUP = 'other';

/**
 * The list's lines: by project (a Compose project, or a Swarm stack), then service, then the
 * containers (in the sort's order); the containers outside any service last, in a group of
 * their own. With no service at all, the list is flat. A folded group hides what is under it.
 */
export function listRows(containers: readonly ContainerView[], folded: ReadonlySet<string>, swarm: SwarmState | null = null): ListRow[] {
	const services = serviceGroups(containers);
	if (services.length === 0) return containers.map(c => ({kind: 'container', id: c.id, depth: 0, container: c}));
	const projects = new Map<string, ServiceGroup[]>();
	for (const service of services) {
		const list = projects.get(service.project);
		if (list) list.push(service);
		else projects.set(service.project, [service]);
	}
	const rows: ListRow[] = [];
	const group = (id: string, level: GroupRow['level'], name: string, members: readonly ContainerView[], service?: SwarmService): boolean => {
		const isFolded = folded.has(id);
		rows.push({kind: 'group', id, level, name, folded: isFolded, members, ...(service ? {swarm: service} : {})});
		return !isFolded;
	};
	for (const [project, list] of projects) {
		if (!group(`project:${project}`, 'project', project, list.flatMap(s => s.members))) continue;
		for (const service of list) {
			const managed = service.source === 'swarm' ? swarm?.services.find(s => s.name === service.name) : undefined;
			if (!group(`service:${project}/${service.name}`, 'service', service.name, service.members, managed)) continue;
			for (const c of service.members) rows.push({kind: 'container', id: c.id, depth: 2, container: c});
		}
	}
	const others = containers.filter(c => c.service === null);
	if (others.length > 0 && group(OTHER_GROUP, 'other', 'not in a service', others)) {
		for (const c of others) rows.push({kind: 'container', id: c.id, depth: 1, container: c});
	}
	return rows;
}

/** The selected line: the container named by --focus, else by id, else the one where the selection was. */
export function selectedRow(rows: readonly ListRow[], ui: Pick<UiState, 'selectedId' | 'selectedIndex' | 'focusName'>): ListRow | null {
	const named = ui.focusName === null ? undefined : rows.find(r => r.kind === 'container' && r.container.name === ui.focusName);
	return named ?? rows.find(r => r.id === ui.selectedId) ?? rows[Math.min(ui.selectedIndex, rows.length - 1)] ?? null;
}

/** The container the panes show for a line: its own, or a group's first. */
export function rowContainer(row: ListRow | null): ContainerView | null {
	if (!row) return null;
	return row.kind === 'container' ? row.container : (row.members[0] ?? null);
}

/** The group a line folds into with `-`: itself, the one it sits in, or (a folded service) its project. */
export function enclosingGroup(row: ListRow): string | null {
	if (row.kind === 'group') return row.folded && row.level === 'service' ? `project:${row.members[0]!.service!.project}` : row.id;
	const c = row.container;
	return c.service ? `service:${c.service.project}/${c.service.name}` : row.depth > 0 ? OTHER_GROUP : null;
}

function sumRate(list: readonly InterfaceView[], key: 'rxRate' | 'txRate'): number | null {
	return list.some(i => i[key] !== null) ? list.reduce((t, i) => t + (i[key] ?? 0), 0) : null;
}

function sumHistory(list: readonly InterfaceView[], key: 'rxHistory' | 'txHistory'): number[] {
	const length = Math.max(0, ...list.map(i => i[key].length));
	const out = new Array<number>(length).fill(0);
	for (const i of list) {
		const h = i[key];
		for (let k = 0; k < h.length; k++) out[length - h.length + k]! += h[k]!;
	}
	return out;
}

/** All veths as one row: `12 veths`, with their rates and totals summed. */
function collapsedVeths(veths: readonly InterfaceView[]): InterfaceView {
	const first = veths[0]!;
	return {
		...first,
		name: `${veths.length} veths`,
		ifindex: null,
		iflink: null,
		mac: null,
		master: null,
		addresses: [],
		state: veths.some(v => v.state === 'up') ? 'up' : first.state,
		rxBytes: veths.reduce((t, v) => t + v.rxBytes, 0),
		txBytes: veths.reduce((t, v) => t + v.txBytes, 0),
		rxRate: sumRate(veths, 'rxRate'),
		txRate: sumRate(veths, 'txRate'),
		rxHistory: sumHistory(veths, 'rxHistory'),
		txHistory: sumHistory(veths, 'txHistory'),
		container: null,
		peer: null,
	};
}

/** The host interfaces to show, after the hide and collapse keys. */
export function visibleInterfaces(list: readonly InterfaceView[], ui: Pick<UiState, 'hideLoopback' | 'hideDown' | 'collapseVeths'>): InterfaceView[] {
	let shown = list.filter(i => !(ui.hideLoopback && i.kind === 'loopback') && !(ui.hideDown && i.state === 'down'));
	if (ui.collapseVeths) {
		const veths = shown.filter(i => i.kind === 'veth');
		if (veths.length > 1) {
			const at = shown.indexOf(veths[0]!);
			shown = shown.filter(i => i.kind !== 'veth');
			shown.splice(at, 0, collapsedVeths(veths));
		}
	}
	return shown;
}

/** The interfaces a container's pane lists: its own, the host's (host mode), or its owner's (container: mode). */
export function paneInterfaces(s: Snapshot, c: ContainerView | null): readonly InterfaceView[] {
	if (!c) return [];
	if (c.interfacesFrom === 'host') return s.host.interfaces;
	if (c.interfacesFrom === 'container') return s.containers.find(x => x.id === c.sharesNetnsWith?.id)?.interfaces ?? [];
	return c.interfaces;
}

/** Errors and warnings not acknowledged yet (or that happened again since): errors first, then oldest first. */
export function shownAlerts(s: Snapshot, ui: Pick<UiState, 'acknowledged'>): Alert[] {
	return [...s.alerts, ...(s.fleet?.otherAlerts ?? [])]
		.filter(a => a.severity !== 'info' && (ui.acknowledged.get(a.id) ?? 0) < a.count)
		.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
}

/** Containers to mark in the list: alert victims and holders. */
export function markedContainers(alerts: readonly Alert[]): Map<string, 'victim' | 'holder'> {
	const marks = new Map<string, 'victim' | 'holder'>();
	for (const a of alerts) {
		if (a.resolved) continue;
		if (a.holder?.containerId) marks.set(a.holder.containerId, 'holder');
		marks.set(a.containerId, 'victim');
	}
	return marks;
}

export type LogEntry =
	| {readonly kind: 'event'; readonly time: number; readonly entry: EventEntry}
	| {readonly kind: 'alert'; readonly time: number; readonly alert: Alert}
	| {readonly kind: 'rollout'; readonly time: number; readonly rollout: Rollout};

/**
 * The event log: container and network events, without exec and health-check noise, and a
 * line for each alert and each rollout, in time order.
 */
export function logEntries(s: Snapshot): LogEntry[] {
	const events: LogEntry[] = s.events
		.filter(isShownEvent)
		.map(entry => ({kind: 'event', time: nanoToMillis(entry.event.timeNano), entry}));
	const alerts: LogEntry[] = s.alerts.map(alert => ({kind: 'alert', time: alert.firstSeenAt, alert}));
	// one line per rollout, at its start, that says how far it got
	const rollouts: LogEntry[] = s.rollouts.map(rollout => ({kind: 'rollout', time: rollout.startedAt, rollout}));
	return [...events, ...alerts, ...rollouts].sort((a, b) => a.time - b.time);
}
