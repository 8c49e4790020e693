/**
 * The dashboard: a pure view of (snapshot, UI state, terminal size). `dashboardModel` derives
 * everything it shows; `Dashboard` lays it out. No hooks but the theme, no I/O.
 */
import {Box, Text} from 'ink';
import type {Alert} from '../model.js';
import type {ContainerView, InterfaceView, Snapshot} from '../store/snapshot.js';
import {containerTitle, hostBanner, modeBanner} from './describe.js';
import {computeLayout, MIN_COLUMNS, MIN_ROWS, paneWidths, type Layout} from './layout.js';
import {countsLabel, overflowLabel, socketCount, tcpLabel} from './connection-rows.js';
import {AlertBanner} from './panes/AlertBanner.js';
import {ConnectionsPane} from './panes/Connections.js';
import {Caption, captionLines} from './panes/Caption.js';
import {ContainerTable} from './panes/ContainerTable.js';
import {EventLog} from './panes/EventLog.js';
import {Footer} from './panes/Footer.js';
import {Header, type ReplayStatus} from './panes/Header.js';
import {Help} from './panes/Help.js';
import {InterfacePane} from './panes/InterfacePane.js';
import {Swarm} from './panes/Swarm.js';
import {Topology} from './panes/Topology.js';
import {alertNoteRows, healthNoteRows, hostBarRow, type Row} from './rows.js';
import {RowText} from './RowText.js';
import {listRows, logEntries, markedContainers, paneInterfaces, rowContainer, selectedRow, shownAlerts, visibleContainers, visibleInterfaces, type ListRow, type LogEntry} from './select.js';
import {useTheme} from './theme.js';
import type {Pane, UiState} from './ui-state.js';

export interface DashboardModel {
	readonly snapshot: Snapshot;
	readonly ui: UiState;
	readonly layout: Layout;
	/** The containers the list holds (filtered), folded or not. */
	readonly containers: readonly ContainerView[];
	/** The list's lines: groups and containers. */
	readonly rows: readonly ListRow[];
	readonly selectedIndex: number;
	readonly selectedRow: ListRow | null;
	/** The container the panes show: the selected one, or the selected group's first. */
	readonly selected: ContainerView | null;
	readonly hostInterfaces: readonly InterfaceView[];
	readonly containerInterfaces: readonly InterfaceView[];
	/** Host interfaces to highlight: the selected container's peers. */
	readonly peers: ReadonlySet<string>;
	readonly alerts: readonly Alert[];
	/** The selected container's open alerts, as lines of its pane. */
	readonly notes: readonly Row[];
	readonly marks: ReadonlyMap<string, 'victim' | 'holder'>;
	readonly events: readonly LogEntry[];
	/** The panes Tab cycles through, in order. */
	readonly panes: readonly Pane[];
	/** The caption bar's lines (`--captions`), none without a caption. */
	readonly caption: readonly string[];
	/** Watching several engines: the host bar, above the caption. */
	readonly hostBar: Row | null;
	/** Lines between the top line and the banner: the host bar and the caption. */
	readonly top: number;
}

let listed: {snapshot: Snapshot; filter: string; sort: UiState['sort']; folded: UiState['folded']; containers: ContainerView[]; rows: ListRow[]} | null = null;

/**
 * The list, filtered, sorted and grouped: derived again only when the snapshot, the filter, the
 * sort or the folds change, not for a key that only moves the selection.
 */
function listOf(snapshot: Snapshot, ui: UiState): {containers: ContainerView[]; rows: ListRow[]} {
	if (listed?.snapshot !== snapshot || listed.filter !== ui.filter || listed.sort !== ui.sort || listed.folded !== ui.folded) {
		const containers = visibleContainers(snapshot, ui);
		listed = {snapshot, filter: ui.filter, sort: ui.sort, folded: ui.folded, containers, rows: listRows(containers, ui.folded, snapshot.swarm)};
	}
	return listed;
}

export function dashboardModel(live: Snapshot, ui: UiState, size: {columns: number; rows: number}): DashboardModel {
	const snapshot = ui.paused ?? live;
	const {containers, rows} = listOf(snapshot, ui);
	const row = selectedRow(rows, ui);
	const selected = rowContainer(row);
	const selectedIndex = row ? rows.indexOf(row) : 0;
	const hostInterfaces = visibleInterfaces(snapshot.host.interfaces, ui);
	const own = paneInterfaces(snapshot, selected);
	// a host-mode container's pane lists exactly what the host pane lists
	const containerInterfaces = selected?.interfacesFrom === 'host' ? hostInterfaces : own;
	const peers = new Set(own.flatMap(i => (i.peer ? [i.peer.name] : [])));
	const alerts = shownAlerts(snapshot, ui);
	// another engine's alerts are in the banner, but its containers are not in this list
	const others = new Set(snapshot.fleet?.otherAlerts);
	const gap = ui.present ? 1 : 0;
	const inner = paneWidths(size.columns, gap).container - 2;
	const notes = selected ? [...healthNoteRows(selected), ...snapshot.alerts.filter(a => a.containerId === selected.id && !a.resolved).flatMap(a => alertNoteRows(a, inner))] : [];
	const events = logEntries(snapshot);
	const wrapped = captionLines(snapshot.caption, size.columns - 1);
	const bar = snapshot.fleet ? hostBarRow(snapshot.fleet) : null;
	const layout = computeLayout({
		columns: size.columns,
		rows: size.rows,
		showEvents: ui.showEvents,
		alerts: alerts.length,
		caption: wrapped.length + (bar ? 1 : 0),
		gap,
		hostRows: ui.showConnections ? snapshot.host.connections.length : hostInterfaces.length,
		containerRows: ui.showConnections ? (selected?.connections.length ?? 0) : containerInterfaces.length + notes.length,
		tableRows: rows.length,
		stacked: ui.showConnections,
	});
	// the host bar first: which engine this is matters more than the narration
	const hostBar = bar && layout.caption > 0 ? bar : null;
	const caption = wrapped.slice(0, layout.caption - (hostBar ? 1 : 0));
	const panes: Pane[] = ['containers', 'host', 'container', ...(layout.events.height > 0 ? (['events'] as const) : [])];
	return {snapshot, ui, layout, containers, rows, selectedIndex, selectedRow: row, selected, hostInterfaces, containerInterfaces, peers, alerts, notes, marks: markedContainers(alerts.filter(a => !others.has(a))), events, panes, caption, hostBar, top: layout.caption};
}

export interface DashboardProps {
	readonly model: DashboardModel;
	readonly keysAvailable: boolean;
	readonly replay?: ReplayStatus | undefined;
}


function TooSmall({layout}: {readonly layout: Layout}) {
	const theme = useTheme();
	return (
		<Box flexDirection="column" width={layout.width} height={Math.max(1, layout.height)} alignItems="center" justifyContent="center">
			<Text color={theme.tone('warn')} wrap="truncate-end">
				{theme.text(`terminal too small: ${layout.width + 1}×${layout.height + 1}`)}
			</Text>
			<Text wrap="truncate-end">{theme.text(`netwatch needs ${MIN_COLUMNS}×${MIN_ROWS} (q quits)`)}</Text>
		</Box>
	);
}

export function Dashboard({model: m, keysAvailable, replay}: DashboardProps) {
	const {layout, ui, snapshot} = m;
	if (layout.tooSmall) return <TooSmall layout={layout} />;
	const alarm = m.alerts.some(a => !a.resolved);
	const host = ui.showConnections ? (
		<ConnectionsPane
			title={`Host ${snapshot.hostname} · connections of host processes`}
			banner={[`${socketCount(snapshot.host.connections)} connections`, snapshot.conntrack ? '' : 'no nf_conntrack: DNAT not followed', tcpLabel(snapshot.host.tcp)].filter(Boolean).join(' · ')}
			warning={overflowLabel(snapshot.host.tcp)}
			connections={snapshot.host.connections}
			width={layout.host.width}
			height={layout.host.height}
			focused={ui.focus === 'host'}
			alarm={alarm}
			scroll={ui.hostScroll}
		/>
	) : (
		<InterfacePane
			title={`Host ${snapshot.hostname}${snapshot.os ? ` · ${snapshot.os}` : ''}${ui.hideLoopback ? ' · lo hidden' : ''}${ui.hideDown ? ' · down hidden' : ''}${ui.collapseVeths ? ' · veths collapsed' : ''}`}
			banner={hostBanner(snapshot.host.interfaces)}
			interfaces={m.hostInterfaces}
			width={layout.host.width}
			height={layout.host.height}
			unit={ui.unit}
			focused={ui.focus === 'host'}
			alarm={alarm}
			highlight={m.peers}
			scroll={ui.hostScroll}
		/>
	);
	const container = ui.showConnections ? (
		<ConnectionsPane
			title={m.selected ? `${containerTitle(m.selected)} · connections` : 'No container selected'}
			banner={m.selected ? `${countsLabel(m.selected.connectionCounts)}${m.selected.tcp ? ` · ${tcpLabel(m.selected.tcp)}` : ''}` : 'select a container in the list below (j/k)'}
			warning={m.selected ? overflowLabel(m.selected.tcp) : null}
			connections={m.selected?.connections ?? []}
			width={layout.container.width}
			height={layout.container.height}
			focused={ui.focus === 'container'}
			scroll={ui.containerScroll}
		/>
	) : (
		<InterfacePane
			title={m.selected ? containerTitle(m.selected) : 'No container selected'}
			banner={m.selected ? modeBanner(m.selected) : 'select a container in the list below (j/k)'}
			bannerTone={m.selected?.networkKind === 'host' ? 'warn' : 'plain'}
			interfaces={m.containerInterfaces}
			width={layout.container.width}
			height={layout.container.height}
			unit={ui.unit}
			focused={ui.focus === 'container'}
			scroll={ui.containerScroll}
			empty={m.selected?.error ? `State.Error: ${m.selected.error}` : 'no interfaces to show'}
			notes={m.notes}
			strong
		/>
	);
	return (
		<Box flexDirection="column" width={layout.width} height={layout.height}>
			<Header snapshot={snapshot} alerts={m.alerts.filter(a => !a.resolved).length} paused={ui.paused !== null} replay={replay} width={layout.width} />
			{m.hostBar ? <RowText row={m.hostBar} /> : null}
			{m.caption.length > 0 ? <Caption lines={m.caption} /> : null}
			{layout.banner > 0 ? <AlertBanner alerts={m.alerts} width={layout.width} height={layout.banner} shown={layout.bannerAlerts} now={snapshot.at} /> : null}
			{ui.showHelp ? (
				<Help width={layout.width} height={layout.height - 2 - m.top - layout.banner} />
			) : ui.showTopology ? (
				<Topology snapshot={snapshot} width={layout.width} height={layout.height - 2 - m.top - layout.banner} scroll={ui.topologyScroll} filter={ui.filter} />
			) : ui.showSwarm ? (
				<Swarm snapshot={snapshot} width={layout.width} height={layout.height - 2 - m.top - layout.banner} scroll={ui.swarmScroll} filter={ui.filter} />
			) : (
				<Box flexDirection="column" rowGap={layout.gap}>
					<Box flexDirection={layout.wide ? 'row' : 'column'} gap={layout.gap}>
						{host}
						{container}
					</Box>
					<ContainerTable
						rows={m.rows}
						shown={m.containers.length}
						total={snapshot.counts.total}
						selectedIndex={m.selectedIndex}
						width={layout.table.width}
						height={layout.table.height}
						unit={ui.unit}
						sort={ui.sort}
						filter={ui.filter}
						filtering={ui.filtering}
						focused={ui.focus === 'containers'}
						marks={m.marks}
						dockerError={snapshot.docker.error}
					/>
					{layout.events.height > 0 ? (
						<EventLog events={m.events} total={snapshot.eventsTotal} width={layout.events.width} height={layout.events.height} focused={ui.focus === 'events'} scroll={ui.eventScroll} />
					) : null}
				</Box>
			)}
			<Footer focus={ui.focus} filtering={ui.filtering} keysAvailable={keysAvailable} replay={replay !== undefined} />
		</Box>
	);
}
