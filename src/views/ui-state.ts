/**
 * The dashboard's own state (what is selected, focused, filtered, paused...) and its reducer.
 * Pure: key presses become actions in use-keys.ts, and this decides what they do. The data
 * itself lives in the store; this only says how to look at it.
 */
import type {Snapshot} from '../store/snapshot.js';
import type {RateUnit} from '../util/format.js';

export type Pane = 'containers' | 'host' | 'container' | 'events';
export type SortKey = 'name' | 'rx' | 'tx' | 'state';

export const SORT_KEYS: readonly SortKey[] = ['name', 'rx', 'tx', 'state'];

export interface UiState {
	readonly focus: Pane;
	/** The selected container, by id, so the selection survives a change of the list. */
	readonly selectedId: string | null;
	/** Where the selection was, for when the selected container disappears. */
	readonly selectedIndex: number;
	readonly filter: string;
	/** Typing a filter after `/`. */
	readonly filtering: boolean;
	readonly sort: SortKey;
	/** The snapshot the display is frozen on, or null when live. */
	readonly paused: Snapshot | null;
	readonly unit: RateUnit;
	readonly showEvents: boolean;
	readonly showHelp: boolean;
	readonly hideLoopback: boolean;
	readonly hideDown: boolean;
	readonly collapseVeths: boolean;
	/** The host and container panes list connections instead of interfaces (`c`). */
	readonly showConnections: boolean;
	/** The topology list in place of the panes (`t`). */
	readonly showTopology: boolean;
	readonly topologyScroll: number;
	/** A swarm manager's services, tasks and nodes in place of the panes (`w`). */
	readonly showSwarm: boolean;
	readonly swarmScroll: number;
	/** Scroll offsets of the panes that scroll on their own. */
	readonly hostScroll: number;
	readonly containerScroll: number;
	readonly eventScroll: number;
	/** Alerts acknowledged with `a`: id -> the count it had. A repeat after that shows it again. */
	readonly acknowledged: ReadonlyMap<string, number>;
	/** `--present`: the projector view, with room between the panes. */
	readonly present: boolean;
	/** `--focus NAME`: the container to select once it is listed, until the selection is moved. */
	readonly focusName: string | null;
	/** Groups of the container list (Compose projects and services) that are folded, by row id. */
	readonly folded: ReadonlySet<string>;
}

export function initialUiState(options: {unit?: RateUnit} = {}): UiState {
	return {
		focus: 'containers',
		selectedId: null,
		selectedIndex: 0,
		filter: '',
		filtering: false,
		sort: 'name',
		paused: null,
		unit: options.unit ?? 'bytes',
		showEvents: true,
		showHelp: false,
		hideLoopback: false,
		hideDown: false,
		collapseVeths: false,
		showConnections: false,
		showTopology: false,
		topologyScroll: 0,
		showSwarm: false,
		swarmScroll: 0,
		hostScroll: 0,
		containerScroll: 0,
		eventScroll: 0,
		acknowledged: new Map(),
		folded: new Set(),
		present: false,
		focusName: null,
	};
}

/** What the command line asks of the view at start: --bits, and --present (lo and down interfaces hidden), --focus. */
export function startUi(options: {readonly bits: boolean; readonly present: boolean; readonly focus: string | null}): Partial<UiState> {
	return {
		unit: options.bits ? 'bits' : 'bytes',
		present: options.present,
		focusName: options.focus,
		...(options.present ? {hideLoopback: true, hideDown: true} : {}),
	};
}

export type UiAction =
	| {readonly type: 'move'; readonly by: number; readonly visible: readonly string[]}
	| {readonly type: 'jump'; readonly to: 'first' | 'last'; readonly visible: readonly string[]}
	| {readonly type: 'select'; readonly id: string; readonly visible: readonly string[]}
	| {readonly type: 'scroll'; readonly pane: 'host' | 'container' | 'events' | 'topology' | 'swarm'; readonly by: number | 'first' | 'last'}
	| {readonly type: 'focus-next'; readonly reverse?: boolean; readonly panes: readonly Pane[]}
	| {readonly type: 'filter-start'}
	| {readonly type: 'filter-type'; readonly text: string}
	| {readonly type: 'filter-backspace'}
	| {readonly type: 'filter-done'}
	| {readonly type: 'filter-clear'}
	| {readonly type: 'sort-next'}
	| {readonly type: 'pause'; readonly snapshot: Snapshot}
	| {readonly type: 'toggle'; readonly what: 'showEvents' | 'showHelp' | 'hideLoopback' | 'hideDown' | 'collapseVeths' | 'showConnections' | 'showTopology' | 'showSwarm'}
	| {readonly type: 'units'}
	| {readonly type: 'acknowledge'; readonly alertId: string; readonly count: number}
	| {readonly type: 'close-help'}
	/** Fold or unfold a group of the list; it becomes the selection. */
	| {readonly type: 'fold'; readonly id: string; readonly fold: boolean};

function selectAt(state: UiState, visible: readonly string[], index: number): UiState {
	if (visible.length === 0) return {...state, selectedId: null, selectedIndex: 0};
	const i = Math.max(0, Math.min(visible.length - 1, index));
	return {...state, selectedId: visible[i]!, selectedIndex: i};
}

/** Where the selection is in a list: by id, else where it was. */
export function selectionIndex(state: UiState, visible: readonly string[]): number {
	const byId = state.selectedId === null ? -1 : visible.indexOf(state.selectedId);
	if (byId >= 0) return byId;
	return Math.max(0, Math.min(visible.length - 1, state.selectedIndex));
}

const SCROLL_KEY = {host: 'hostScroll', container: 'containerScroll', events: 'eventScroll', topology: 'topologyScroll', swarm: 'swarmScroll'} as const;

export function uiReducer(state: UiState, action: UiAction): UiState {
	switch (action.type) {
		case 'move':
			return selectAt({...state, focusName: null}, action.visible, selectionIndex(state, action.visible) + action.by);
		case 'jump':
			return selectAt({...state, focusName: null}, action.visible, action.to === 'first' ? 0 : action.visible.length - 1);
		case 'select':
			return selectAt(state, action.visible, action.visible.indexOf(action.id));
		case 'scroll': {
			const key = SCROLL_KEY[action.pane];
			const next = action.by === 'first' ? 0 : action.by === 'last' ? Number.MAX_SAFE_INTEGER : Math.max(0, state[key] + action.by);
			return {...state, [key]: next};
		}
		case 'focus-next': {
			const i = action.panes.indexOf(state.focus);
			const step = action.reverse ? -1 : 1;
			const next = action.panes[(i + step + action.panes.length) % action.panes.length] ?? 'containers';
			return {...state, focus: next};
		}
		case 'filter-start':
			return {...state, filtering: true, focus: 'containers'};
		case 'filter-type':
			return {...state, filter: state.filter + action.text};
		case 'filter-backspace':
			return {...state, filter: [...state.filter].slice(0, -1).join('')};
		case 'filter-done':
			return {...state, filtering: false};
		case 'filter-clear':
			return {...state, filter: '', filtering: false};
		case 'sort-next':
			return {...state, sort: SORT_KEYS[(SORT_KEYS.indexOf(state.sort) + 1) % SORT_KEYS.length]!};
		case 'pause':
			return {...state, paused: state.paused ? null : action.snapshot};
		case 'toggle':
			// the panes' scroll means rows of another list now
			if (action.what === 'showConnections') return {...state, showConnections: !state.showConnections, hostScroll: 0, containerScroll: 0};
			// the topology and the swarm each take the panes' place: one at a time
			if (action.what === 'showTopology') return {...state, showTopology: !state.showTopology, showSwarm: false};
			if (action.what === 'showSwarm') return {...state, showSwarm: !state.showSwarm, showTopology: false};
			return {...state, [action.what]: !state[action.what]};
		case 'units':
			return {...state, unit: state.unit === 'bytes' ? 'bits' : 'bytes'};
		case 'acknowledge': {
			const acknowledged = new Map(state.acknowledged);
			acknowledged.set(action.alertId, action.count);
			return {...state, acknowledged};
		}
		case 'close-help':
			return {...state, showHelp: false, showTopology: false, showSwarm: false};
		case 'fold': {
			if (state.folded.has(action.id) === action.fold && state.selectedId === action.id) return state;
			const folded = new Set(state.folded);
			if (action.fold) folded.add(action.id);
			else folded.delete(action.id);
			return {...state, folded, selectedId: action.id};
		}
	}
}

/**
 * The UI state outside React, so that a chunk of keys (a paste, a held key, keys that arrive
 * together over SSH) is handled key by key against the state each key left, and so that a
 * key's frame is rendered at once (React renders an external store's change synchronously).
 */
export class UiStore {
	private state: UiState;
	private readonly listeners = new Set<() => void>();

	constructor(initial: UiState) {
		this.state = initial;
	}

	getState = (): UiState => this.state;

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	dispatch = (action: UiAction): void => {
		const next = uiReducer(this.state, action);
		if (next === this.state) return;
		this.state = next;
		for (const listener of this.listeners) listener();
	};
}
