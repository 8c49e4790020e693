/**
 * Table rows as fixed-width text, in segments that each carry a tone. Pure: one row per line,
 * every column at a fixed width, so that a row whose values did not change is byte-identical
 * to the one before and Ink's line diff leaves it alone.
 */
import type {Alert, Rollout, SwarmService} from '../model.js';
import {summarize, type ServiceSummary} from '../store/services.js';
import type {ContainerView, FleetView, InterfaceView} from '../store/snapshot.js';
import type {EventEntry} from '../store/state.js';
import {nanoToMillis} from '../parsers/docker-events.js';
import wrapAnsi from 'wrap-ansi';
import {cell, clock, formatRate, formatTotal, sparkline, type RateUnit} from '../util/format.js';
import {sanitize} from '../util/sanitize.js';
import {retransLabel} from './connection-rows.js';
import {eventLabel, eventTone, interfaceLabel, interfaceLabelWidth, modeLabel, portsLabel, stateLabel} from './describe.js';
import type {Tone} from './theme.js';
import type {SortKey} from './ui-state.js';

export type Segment = readonly [text: string, tone: Tone];
export type Row = readonly Segment[];

const RATE = 10;
const TOTAL = 8;
const GAP = ' ';

export interface InterfaceColumns {
	readonly name: number;
	readonly state: number;
	readonly totals: boolean;
	readonly spark: number;
}

/** The interface column's width at most: a veth and a long container name. */
const NAME_CAP = 40;
/** ...and what it gets when the names are not known. */
const NAME_DEFAULT = 20;

/**
 * Columns for an interface table `inner` characters wide whose longest label is `longest`
 * wide. The names get the width they need (up to NAME_CAP) before anything is cut: on a
 * narrow pane the sparkline goes first, then the totals, and only then are names cut.
 */
export function interfaceColumns(inner: number, longest = NAME_DEFAULT): InterfaceColumns {
	const state = 4;
	const want = Math.min(NAME_CAP, Math.max(9, longest));
	// name, then state and the two rates, each after a gap
	let left = inner - (1 + state + 2 * (1 + RATE));
	const totals = left - 2 * (1 + TOTAL) >= Math.max(14, want);
	if (totals) left -= 2 * (1 + TOTAL);
	const spark = left - 1 - want >= 8 ? Math.min(24, left - 1 - want) : 0;
	if (spark) left -= spark + 1;
	return {name: Math.max(1, left), state, totals, spark};
}

/** The width of the longest label among these interfaces. */
export function longestLabel(interfaces: readonly InterfaceView[]): number {
	// every interface, not the rows shown (the column keeps its width while scrolling): a host
	// with 1,000 containers has 1,000 veths, measured at every frame
	return Math.max(0, ...interfaces.map(interfaceLabelWidth));
}

const STATE_SHORT: Record<string, string> = {up: 'up', down: 'down', unknown: 'unkn', lowerlayerdown: 'lldn', dormant: 'dorm', notpresent: 'gone', testing: 'test'};

function stateTone(state: string): Tone {
	if (state === 'up') return 'good';
	if (state === 'down' || state === 'lowerlayerdown') return 'bad';
	return 'dim';
}

export function interfaceHeader(cols: InterfaceColumns): string {
	return [
		cell('INTERFACE', cols.name),
		cell('STAT', cols.state),
		cell('RX/s', RATE, 'right'),
		cell('TX/s', RATE, 'right'),
		...(cols.totals ? [cell('RX', TOTAL, 'right'), cell('TX', TOTAL, 'right')] : []),
		...(cols.spark ? [cell('last 60 s', cols.spark, 'right')] : []),
	].join(GAP);
}

export function interfaceRow(i: InterfaceView, cols: InterfaceColumns, unit: RateUnit, ascii: boolean): Row {
	const history = i.rxHistory.map((v, k) => v + (i.txHistory[k] ?? 0));
	return [
		[cell(interfaceLabel(i), cols.name) + GAP, 'plain'],
		[cell(STATE_SHORT[i.state] ?? i.state, cols.state), stateTone(i.state)],
		[
			GAP +
				[
					formatRate(i.rxRate, unit),
					formatRate(i.txRate, unit),
					...(cols.totals ? [formatTotal(i.rxBytes, unit), formatTotal(i.txBytes, unit)] : []),
				].join(GAP),
			'plain',
		],
		...(cols.spark ? [[GAP + sparkline(history, cols.spark, ascii), 'accent'] as Segment] : []),
	];
}

export interface ContainerColumns {
	readonly name: number;
	readonly image: number;
	readonly state: number;
	/** 0 when too narrow for it */
	readonly health: number;
	readonly network: number;
	readonly ports: number;
	readonly restarts: boolean;
}

/** `unhealthy`, `2/3 healthy`, `1 unhealthy` */
const HEALTH = 11;

export function containerColumns(inner: number): ContainerColumns {
	// the marker column, two rates and the gaps are fixed
	const fixed = 2 + 2 * (RATE + 1);
	const restarts = inner >= 110;
	const health = inner >= 90 ? HEALTH : 0;
	let left = inner - fixed - (restarts ? 5 : 0) - (health ? health + 1 : 0) - 5;
	const state = Math.min(16, Math.max(8, Math.floor(left * 0.16)));
	const network = Math.min(22, Math.max(8, Math.floor(left * 0.2)));
	left -= state + network;
	const ports = Math.min(22, Math.max(6, Math.floor(left * 0.3)));
	left -= ports;
	const image = inner >= 100 ? Math.min(26, Math.floor(left * 0.45)) : 0;
	const name = left - image;
	return {name, image, state, health, network, ports, restarts};
}

const SORT_COLUMN: Record<SortKey, string> = {name: 'NAME', rx: 'RX/s', tx: 'TX/s', state: 'STATE'};

export function containerHeader(cols: ContainerColumns, sort: SortKey): string {
	const title = (label: string): string => (SORT_COLUMN[sort] === label ? `${label}▼` : label);
	return [
		'  ' + cell(title('NAME'), cols.name),
		...(cols.image ? [cell('IMAGE', cols.image)] : []),
		cell(title('STATE'), cols.state),
		...(cols.health ? [cell('HEALTH', cols.health)] : []),
		cell('NETWORK', cols.network),
		cell('LISTENING', cols.ports),
		cell(title('RX/s'), RATE, 'right'),
		cell(title('TX/s'), RATE, 'right'),
		...(cols.restarts ? [cell('RST', 4, 'right')] : []),
	].join(GAP);
}

function containerStateTone(c: ContainerView): Tone {
	if (c.state === 'running') return 'good';
	if (c.state === 'restarting' || c.state === 'paused') return 'warn';
	if (c.oomKilled || (c.exitCode !== null && c.exitCode !== 0) || c.error !== '') return 'bad';
	return 'dim';
}

/** The state, and TCP trouble of its namespace after it when there is evidence of some. */
function stateCell(c: ContainerView, width: number): Segment[] {
	const trouble = c.tcp?.overflowing ? 'listen overflow' : retransLabel(c.tcp);
	if (!trouble) return [[cell(stateLabel(c), width), containerStateTone(c)]];
	const state = stateLabel(c);
	return [
		[state, containerStateTone(c)],
		[cell(` ${trouble}`, Math.max(0, width - state.length)), 'warn'],
	];
}

/** Rates of a container that has no interfaces of its own say whose they are. */
function rateCell(c: ContainerView, key: 'rxRate' | 'txRate', unit: RateUnit): string {
	if (c.interfacesFrom === 'host') return cell('(host)', RATE, 'right');
	if (c.interfacesFrom === 'container') return cell('(shared)', RATE, 'right');
	if (c.interfacesFrom === 'none') return cell('', RATE);
	return formatRate(c[key], unit);
}

export function containerRow(c: ContainerView, cols: ContainerColumns, unit: RateUnit, mark: 'victim' | 'holder' | undefined, depth = 0): Row {
	const marker: Segment = mark === 'victim' ? ['! ', 'bad'] : mark === 'holder' ? ['● ', 'warn'] : ['  ', 'plain'];
	return [
		marker,
		[cell('  '.repeat(depth) + c.name, cols.name) + GAP + (cols.image ? cell(c.image, cols.image) + GAP : ''), mark ? (mark === 'victim' ? 'bad' : 'warn') : 'plain'],
		...stateCell(c, cols.state),
		...healthCell(c.health === null ? null : {text: c.health.status, tone: HEALTH_TONE[c.health.status]}, cols),
		[GAP + cell(modeLabel(c), cols.network), c.networkKind === 'host' ? 'accent' : 'plain'],
		[GAP + cell(portsLabel(c), cols.ports), 'plain'],
		[GAP + rateCell(c, 'rxRate', unit) + GAP + rateCell(c, 'txRate', unit) + (cols.restarts ? GAP + cell(String(c.restartCount), 4, 'right') : ''), 'plain'],
	];
}

const HEALTH_TONE: Record<NonNullable<ContainerView['health']>['status'], Tone> = {healthy: 'good', starting: 'warn', unhealthy: 'bad'};

function healthCell(health: {text: string; tone: Tone} | null, cols: ContainerColumns): Segment[] {
	return cols.health ? [[GAP + cell(health?.text ?? '', cols.health), health?.tone ?? 'plain']] : [];
}

/** `2/3 healthy`, or `1 unhealthy`: of the members that have a health check. */
function groupHealth(health: ServiceSummary['health']): {text: string; tone: Tone} | null {
	if (health === null) return null;
	if (health.unhealthy > 0) return {text: `${health.unhealthy} unhealthy`, tone: 'bad'};
	const checked = health.healthy + health.starting;
	return {text: `${health.healthy}/${checked} healthy`, tone: health.starting === 0 ? 'good' : 'warn'};
}

/** The selected container's health check, as lines of its pane. */
export function healthNoteRows(c: ContainerView): Row[] {
	const h = c.health;
	if (h === null) return [];
	const at = h.lastCheckAt === null ? '' : ` at ${clock(Date.parse(h.lastCheckAt))}`;
	const streak = h.failingStreak > 0 ? `, ${h.failingStreak} failed in a row` : '';
	return [
		[['health: ', 'dim'], [h.status, HEALTH_TONE[h.status]], [`${streak}; last probe${at}${h.lastExitCode !== null ? ` exit ${h.lastExitCode}` : ''}`, 'plain']],
		...(h.lastOutput ? [[['  output: ', 'dim'], [h.lastOutput, 'plain']] as Row] : []),
	];
}

/**
 * A group's line: a Compose project (its services folded under it), a service (its replicas
 * running of all, their rates summed, the ports they listen on), or the containers outside
 * Compose. `▾` when open, `▸` when folded.
 */
export function groupRow(
	g: {level: 'project' | 'service' | 'other'; name: string; folded: boolean; members: readonly ContainerView[]; swarm?: SwarmService},
	cols: ContainerColumns,
	unit: RateUnit,
): Row {
	const indent = g.level === 'service' ? '  ' : '';
	const services = g.level === 'project' ? ` (${new Set(g.members.map(c => c.service?.name)).size} services)` : '';
	const summary = summarize(g.members);
	const image = g.level === 'service' ? (g.swarm?.image ?? (summary.images.length === 1 ? summary.images[0]! : `${summary.images.length} images`)) : '';
	// a Swarm service is counted by its manager: the containers of its failed tasks stay listed
	const running = g.swarm?.running ?? summary.running;
	const total = (g.swarm ? (g.swarm.desired ?? g.swarm.replicas) : null) ?? summary.total;
	return [
		['  ', 'plain'],
		[cell(`${indent}${g.folded ? '▸' : '▾'} ${g.name}${services}`, cols.name) + GAP + (cols.image ? cell(image, cols.image) + GAP : ''), 'accent'],
		[cell(`${running}/${total} running`, cols.state), running >= total ? 'good' : running === 0 ? 'bad' : 'warn'],
		...healthCell(groupHealth(summary.health), cols),
		[GAP + cell('', cols.network) + GAP + cell(g.level === 'service' ? summary.ports.join(' ') : '', cols.ports), 'plain'],
		[GAP + formatRate(summary.rxRate, unit) + GAP + formatRate(summary.txRate, unit) + (cols.restarts ? GAP + cell('', 4) : ''), 'plain'],
	];
}

function logRow(time: number, name: string, label: string, tone: Tone, width: number): Row {
	const nameWidth = Math.min(24, Math.max(10, Math.floor(width * 0.25)));
	const at = clock(time);
	const rest = Math.max(0, width - at.length - nameWidth - 2);
	return [
		[`${at} `, 'dim'],
		[cell(name, nameWidth) + ' ', 'plain'],
		[cell(label, rest), tone],
	];
}

export function eventRow(entry: EventEntry, width: number): Row {
	const name = entry.containerName ?? entry.containerId?.slice(0, 12) ?? entry.event.actorId.slice(0, 12);
	return logRow(nanoToMillis(entry.event.timeNano), name, eventLabel(entry), eventTone(entry), width);
}

/** The tone an alert is drawn in: by its severity while it is open. */
export function alertTone(alert: Alert): Tone {
	if (alert.resolved) return 'dim';
	return alert.severity === 'error' ? 'bad' : alert.severity === 'warning' ? 'warn' : 'plain';
}

/** What an alert is about, in a few words: `EADDRINUSE port 8080/tcp held by web1`, `dns-default-bridge web1`. */
export function alertSubject(alert: Alert): string {
	if (alert.lookup !== null) return `${alert.kind} ${alert.lookup}`;
	if (alert.source === 'health') return alert.kind;
	const port = alert.port === null ? 'port unknown' : `port ${alert.port}/${alert.proto}`;
	const holder = alert.holder ? ` held by ${alert.holder.containerName ?? alert.holder.command ?? `pid ${alert.holder.pid}`}` : '';
	return `${alert.kind} ${port}${holder}`;
}

/** An alert's line in the event log. */
export function alertLogRow(alert: Alert, width: number): Row {
	const label = `⚠ ${alertSubject(alert)}${alert.count > 1 ? ` ×${alert.count}` : ''}${alert.resolved ? ' (resolved)' : ''} · ${alert.evidence}`;
	return logRow(alert.firstSeenAt, alert.containerName, label, alertTone(alert), width);
}

const seconds = (ms: number | null): string => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);

/**
 * A rollout's line in the event log, updated in place: `rollout web, 2 old (app:1) → app:2:
 * done, 2/2 new running in 0.8 s, healthy in 1.9 s, listening on 80/tcp in 2.1 s`, or failed
 * with why; a scale says `scale web +1 (app:2)`.
 */
export function rolloutText(r: Rollout): string {
	const images = [...new Set(r.containers.map(k => k.image))].join(', ');
	const latest = (key: 'runningAfterMs' | 'healthyAfterMs' | 'listeningAfterMs'): number | null =>
		r.containers.every(k => k[key] !== null) ? Math.max(...r.containers.map(k => k[key]!)) : null;
	const running = r.containers.filter(k => k.runningAfterMs !== null).length;
	const steps = [`${running}/${r.containers.length} new running in ${seconds(latest('runningAfterMs'))}`];
	if (r.containers.some(k => k.healthyAfterMs !== null)) steps.push(`healthy in ${seconds(latest('healthyAfterMs'))}`);
	if (r.ports.length > 0) steps.push(`listening on ${r.ports.join(' ')} in ${seconds(latest('listeningAfterMs'))}`);
	const outcome = r.outcome === 'failed' ? `failed: ${r.reason}` : r.outcome;
	const head = r.kind === 'scale' ? `scale ${r.service} +${r.containers.length} (${images})` : `rollout ${r.service}, ${r.old.containers.length} old (${r.old.images.join(', ')}) → ${images}`;
	return `${head}: ${outcome}, ${steps.join(', ')}`;
}

export function rolloutLogRow(r: Rollout, width: number): Row {
	const tone: Tone = r.outcome === 'failed' ? 'bad' : r.outcome === 'done' ? 'good' : 'warn';
	return logRow(r.startedAt, `${r.project}/${r.service}`, rolloutText(r), tone, width);
}

/** Lines of an alert's message in the selected container's pane, at most. */
const NOTE_LINES = 4;

/**
 * An open alert of the selected container, in its pane `width` columns wide: the message,
 * wrapped, then the evidence as it was written.
 */
export function alertNoteRows(alert: Alert, width: number): Row[] {
	const message = wrapAnsi(sanitize(alert.message), Math.max(1, width - 2), {hard: true}).split('\n').slice(0, NOTE_LINES);
	const tone = alertTone(alert);
	return [
		...message.map((line, i): Row => [[i === 0 ? '⚠ ' : '  ', tone], [line, tone]]),
		...(alert.hint ? [[['  hint: ', 'dim'], [alert.hint, 'plain']] as Row] : []),
		[['  evidence: ', 'dim'], [alert.evidence, 'plain']],
	];
}

/** The text of a row, for tests and for measuring. */
export function rowText(row: Row): string {
	return row.map(([text]) => text).join('');
}

/**
 * The host bar, when several engines are watched: each numbered (its key), its state, and its
 * count of open alerts; the one shown in brackets: `1 [local] ✓  2 box ✗ reconnecting  3 ci ✓ ⚠2`
 */
export function hostBarRow(fleet: FleetView): Row {
	const row: Segment[] = [];
	fleet.hosts.forEach((h, i) => {
		const shown = i === fleet.selected;
		const up = h.docker.state === 'connected' && !h.docker.error;
		const connecting = h.docker.state === 'connecting' && !h.docker.error;
		const state = up ? '✓' : connecting ? '… connecting' : `✗ ${h.docker.state}`;
		const tone: Tone = up ? (h.alerts > 0 ? 'warn' : 'good') : connecting ? 'dim' : 'bad';
		row.push([`${i === 0 ? '' : '  '}${i + 1} `, 'dim'], [shown ? `[${h.name}]` : h.name, shown ? 'accent' : 'plain'], [` ${state}${h.alerts > 0 ? ` ⚠${h.alerts}` : ''}`, tone]);
	});
	return row;
}
