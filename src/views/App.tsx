/**
 * The dashboard's root: reads snapshots from the store, keeps the UI state, routes keys, and
 * hands everything to the pure Dashboard view. Nothing here touches Docker or /proc.
 */
import {useApp, useStdin, useStdout} from 'ink';
import {useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore} from 'react';
import type {HostCommand} from '../store/fleet.js';
import type {Snapshot} from '../store/snapshot.js';
import {Dashboard, dashboardModel} from './Dashboard.js';
import {useKeys, type ReplayCommand} from './keys.js';
import type {ReplayStatus} from './panes/Header.js';
import {initialUiState, UiStore, type UiState} from './ui-state.js';
import {useWindowSize} from './use-window-size.js';

/** Where snapshots come from: the live store, or a replay. */
export interface SnapshotSource {
	subscribe(listener: () => void): () => void;
	getSnapshot(): Snapshot;
}

export interface ReplayControl {
	subscribe(listener: () => void): () => void;
	getStatus(): ReplayStatus;
	command(command: ReplayCommand): void;
}

export interface AppProps {
	readonly source: SnapshotSource;
	readonly initialUi?: Partial<UiState>;
	readonly bell?: boolean;
	readonly replay?: ReplayControl;
	/** Watching several engines: show another (keys `[`, `]`, 1 to 9). */
	readonly hosts?: (command: HostCommand) => void;
}

const LIVE: ReplayStatus = {speed: 1, paused: false, damage: null, finished: false};
const NO_REPLAY: ReplayControl = {
	subscribe: () => () => undefined,
	getStatus: () => LIVE,
	command: () => undefined,
};

/** Ring the terminal bell once for each alert that opens. */
function useBell(enabled: boolean, snapshot: Snapshot): void {
	// straight to the terminal: a bell moves no cursor, so Ink need not redraw around it
	const {stdout} = useStdout();
	const rung = useRef<Set<string> | null>(null);
	useEffect(() => {
		// several engines: theirs too (the fleet names every alert by its engine)
		const open = [...snapshot.alerts, ...(snapshot.fleet?.otherAlerts ?? [])].filter(a => !a.resolved).map(a => a.id);
		// alerts already open when the dashboard starts are not news
		if (rung.current === null) {
			rung.current = new Set(open);
			return;
		}
		const fresh = open.filter(id => !rung.current!.has(id));
		for (const id of fresh) rung.current.add(id);
		if (enabled && fresh.length > 0) stdout.write('\u0007');
	}, [enabled, snapshot, stdout]);
}

/**
 * Snapshots reach the view in the check phase of the event loop, after its I/O: a key read in
 * the same turn is drawn first, and the snapshot rides along in that frame. Several snapshots
 * in one turn make one render.
 */
function afterInput(subscribe: SnapshotSource['subscribe']): SnapshotSource['subscribe'] {
	return listener => {
		let pending: NodeJS.Immediate | undefined;
		const off = subscribe(() => {
			pending ??= setImmediate(() => {
				pending = undefined;
				listener();
			});
		});
		return () => {
			off();
			if (pending) clearImmediate(pending);
		};
	};
}

export function App({source, initialUi, bell = false, replay, hosts}: AppProps) {
	const subscribe = useMemo(() => afterInput(source.subscribe), [source]);
	const live = useSyncExternalStore(subscribe, source.getSnapshot);
	const control = replay ?? NO_REPLAY;
	const replayStatus = useSyncExternalStore(control.subscribe, control.getStatus);
	const [store] = useState(() => new UiStore({...initialUiState(), ...initialUi}));
	const ui = useSyncExternalStore(store.subscribe, store.getState);
	const size = useWindowSize();
	const {exit} = useApp();
	// undefined (not false) when stdin is not a terminal, and useInput only skips on false
	const keysAvailable = useStdin().isRawModeSupported === true;
	const model = useMemo(() => dashboardModel(live, ui, size), [live, ui, size]);
	// when the list changes under it (a filter, a removal), the selection is what is shown
	const shownId = model.selectedRow?.id;
	useEffect(() => {
		if (shownId !== undefined && shownId !== ui.selectedId) store.dispatch({type: 'select', id: shownId, visible: model.rows.map(r => r.id)});
	}, [store, shownId, ui.selectedId, model.rows]);
	const quit = useCallback(() => exit(), [exit]);
	useKeys(
		{
			live: source.getSnapshot,
			// keys act on the newest data, which the frame they cause will show
			model: state => dashboardModel(source.getSnapshot(), state, size),
			ui: store,
			handlers: {quit, replay: replay ? control.command : undefined, host: hosts},
		},
		keysAvailable,
	);
	useBell(bell, live);
	return <Dashboard model={model} keysAvailable={keysAvailable} replay={replay ? replayStatus : undefined} />;
}
