/**
 * The dashboard's root: reads snapshots from the store, keeps the UI state, routes keys, and
 * hands everything to the pure Dashboard view. Nothing here touches Docker or /proc.
 */
import {useApp, useStdin, useStdout} from 'ink';
import {useCallback, useEffect, useReducer, useRef, useSyncExternalStore} from 'react';
import type {Snapshot} from '../store/snapshot.js';
import {Dashboard, dashboardModel} from './Dashboard.js';
import {useKeys, type ReplayCommand} from './keys.js';
import type {ReplayStatus} from './panes/Header.js';
import {initialUiState, uiReducer, type UiState} from './ui-state.js';
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
		const open = snapshot.alerts.filter(a => !a.resolved).map(a => a.id);
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

export function App({source, initialUi, bell = false, replay}: AppProps) {
	const live = useSyncExternalStore(source.subscribe, source.getSnapshot);
	const control = replay ?? NO_REPLAY;
	const replayStatus = useSyncExternalStore(control.subscribe, control.getStatus);
	const [ui, dispatch] = useReducer(uiReducer, undefined, () => ({...initialUiState(), ...initialUi}));
	const size = useWindowSize();
	const {exit} = useApp();
	// undefined (not false) when stdin is not a terminal, and useInput only skips on false
	const keysAvailable = useStdin().isRawModeSupported === true;
	const model = dashboardModel(live, ui, size);
	// when the list changes under it (a filter, a removal), the selection is what is shown
	const shownId = model.selected?.id;
	useEffect(() => {
		if (shownId !== undefined && shownId !== ui.selectedId) dispatch({type: 'select', id: shownId, visible: model.containers.map(c => c.id)});
	}, [shownId, ui.selectedId, model.containers]);
	const quit = useCallback(() => exit(), [exit]);
	useKeys(model, live, {dispatch, quit, replay: replay ? control.command : undefined}, keysAvailable);
	useBell(bell, live);
	return <Dashboard model={model} keysAvailable={keysAvailable} replay={replay ? replayStatus : undefined} />;
}
