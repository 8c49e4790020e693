/**
 * Keys, as less, vim and htop users expect them. `handleKey` is pure: a key and what is on
 * screen in, a command out. `useKeys` wires it to Ink's input.
 */
import {useStdin, type Key} from 'ink';
import {useEffect, useRef} from 'react';
import type {HostCommand} from '../store/fleet.js';
import type {Snapshot} from '../store/snapshot.js';
import type {DashboardModel} from './Dashboard.js';
import {interfaceRowsFit} from './panes/InterfacePane.js';
import {tableRowsFit} from './panes/ContainerTable.js';
import {enclosingGroup} from './select.js';
import type {UiAction, UiState, UiStore} from './ui-state.js';

export type ReplayCommand = 'toggle-pause' | 'back' | 'forward';

export interface KeyCommand {
	readonly ui: readonly UiAction[];
	readonly quit?: boolean;
	readonly replay?: ReplayCommand;
	/** Watching several engines: show another. */
	readonly host?: HostCommand;
}

const NOTHING: KeyCommand = {ui: []};

function moveBy(model: DashboardModel, by: number | 'first' | 'last'): UiAction[] {
	const {ui} = model;
	if (ui.showTopology) return [{type: 'scroll', pane: 'topology', by}];
	if (ui.showSwarm) return [{type: 'scroll', pane: 'swarm', by}];
	const visible = model.rows.map(r => r.id);
	switch (ui.focus) {
		case 'containers':
			if (by === 'first' || by === 'last') return [{type: 'jump', to: by, visible}];
			return [{type: 'move', by, visible}];
		case 'host':
		case 'container':
			return [{type: 'scroll', pane: ui.focus, by}];
		case 'events':
			// the log grows at the bottom: "down" is newer, so it scrolls back less
			if (by === 'first') return [{type: 'scroll', pane: 'events', by: 'last'}];
			if (by === 'last') return [{type: 'scroll', pane: 'events', by: 'first'}];
			return [{type: 'scroll', pane: 'events', by: -by}];
	}
}

/**
 * Fold (`-`, as htop's tree), unfold (`+`) or switch (Enter) the selected group of the list.
 * `-` on a container folds the service it is in, as vim's `zc` closes the fold around the line.
 */
function fold(model: DashboardModel, how: boolean | 'toggle'): KeyCommand {
	const row = model.selectedRow;
	if (model.ui.focus !== 'containers' || !row) return NOTHING;
	if (how === 'toggle') return row.kind === 'group' ? {ui: [{type: 'fold', id: row.id, fold: !row.folded}]} : NOTHING;
	const id = how ? enclosingGroup(row) : row.kind === 'group' ? row.id : null;
	return id === null ? NOTHING : {ui: [{type: 'fold', id, fold: how}]};
}

function pageSize(model: DashboardModel): number {
	const {layout, ui} = model;
	if (ui.focus === 'containers') return Math.max(1, tableRowsFit(layout.table.height) - 1);
	if (ui.focus === 'host') return Math.max(1, interfaceRowsFit(layout.host.height) - 1);
	if (ui.focus === 'container') return Math.max(1, interfaceRowsFit(layout.container.height) - 1);
	return Math.max(1, layout.events.height - 4);
}

/** Another engine, when several are watched; live again, if paused (a pause holds one engine's snapshot). */
function showEngine(model: DashboardModel, live: Snapshot, host: HostCommand): KeyCommand {
	if (!model.snapshot.fleet) return NOTHING;
	return {ui: model.ui.paused ? [{type: 'pause', snapshot: live}] : [], host};
}

export function handleKey(input: string, key: Key, model: DashboardModel, live: Snapshot, replay: boolean): KeyCommand {
	const {ui} = model;
	if (key.ctrl && input === 'c') return {ui: [], quit: true};
	const visible = model.rows.map(r => r.id);

	if (ui.filtering) {
		if (key.escape) return {ui: [{type: 'filter-clear'}]};
		if (key.return) return {ui: [{type: 'filter-done'}]};
		if (key.backspace || key.delete) return {ui: [{type: 'filter-backspace'}]};
		if (key.upArrow) return {ui: [{type: 'move', by: -1, visible}]};
		if (key.downArrow) return {ui: [{type: 'move', by: 1, visible}]};
		if (input && !key.ctrl && !key.meta && !key.tab) return {ui: [{type: 'filter-type', text: input}]};
		return NOTHING;
	}

	if (key.escape) return {ui: [ui.showHelp || ui.showTopology || ui.showSwarm ? {type: 'close-help'} : {type: 'filter-clear'}]};
	if (key.return) return fold(model, 'toggle');
	if (key.tab) return {ui: [{type: 'focus-next', reverse: key.shift, panes: model.panes}]};
	if (key.upArrow) return {ui: moveBy(model, -1)};
	if (key.downArrow) return {ui: moveBy(model, 1)};
	if (key.pageUp || (key.ctrl && input === 'b')) return {ui: moveBy(model, -pageSize(model))};
	if (key.pageDown || (key.ctrl && input === 'f')) return {ui: moveBy(model, pageSize(model))};
	if (key.home) return {ui: moveBy(model, 'first')};
	if (key.end) return {ui: moveBy(model, 'last')};
	if (replay && key.leftArrow) return {ui: [], replay: 'back'};
	if (replay && key.rightArrow) return {ui: [], replay: 'forward'};
	if (key.ctrl || key.meta) return NOTHING;

	switch (input) {
		case 'q':
			return {ui: [], quit: true};
		case 'j':
			return {ui: moveBy(model, 1)};
		case 'k':
			return {ui: moveBy(model, -1)};
		case 'g':
			return {ui: moveBy(model, 'first')};
		case 'G':
			return {ui: moveBy(model, 'last')};
		case '/':
			return {ui: [{type: 'filter-start'}]};
		case 's':
			return {ui: [{type: 'sort-next'}]};
		case 'p':
			return replay ? {ui: [], replay: 'toggle-pause'} : {ui: [{type: 'pause', snapshot: live}]};
		case ' ':
			return replay ? {ui: [], replay: 'toggle-pause'} : NOTHING;
		case 'e':
			return {ui: [{type: 'toggle', what: 'showEvents'}, ...(ui.focus === 'events' ? [{type: 'focus-next', panes: model.panes} as const] : [])]};
		case 'b':
			return {ui: [{type: 'units'}]};
		case 'a': {
			const first = model.alerts[0];
			return first ? {ui: [{type: 'acknowledge', alertId: first.id, count: first.count}]} : NOTHING;
		}
		case 'l':
			return {ui: [{type: 'toggle', what: 'hideLoopback'}]};
		case 'd':
			return {ui: [{type: 'toggle', what: 'hideDown'}]};
		case 'v':
			return {ui: [{type: 'toggle', what: 'collapseVeths'}]};
		case '?':
			return {ui: [{type: 'toggle', what: 'showHelp'}]};
		case 'c':
			return {ui: [{type: 'toggle', what: 'showConnections'}]};
		case 't':
			return {ui: [{type: 'toggle', what: 'showTopology'}]};
		case 'w':
			return {ui: [{type: 'toggle', what: 'showSwarm'}]};
		case '-':
			return fold(model, true);
		case '+':
			return fold(model, false);
		case '[':
			return showEngine(model, live, 'previous');
		case ']':
			return showEngine(model, live, 'next');
		default:
			// 1 to 9: that engine, as the host bar numbers them
			return /^[1-9]$/.test(input) ? showEngine(model, live, Number(input) - 1) : NOTHING;
	}
}

/** A key with nothing pressed but itself. */
const PLAIN: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

export type KeyPress = readonly [input: string, key: Key];

const ESCAPE: KeyPress = ['', {...PLAIN, escape: true, meta: true}];

/** One character as the key a terminal sends it for. */
function characterKey(ch: string): KeyPress {
	if (ch === '\r' || ch === '\n') return ['', {...PLAIN, return: true}];
	if (ch === '\t') return ['', {...PLAIN, tab: true}];
	if (ch === '\u007f' || ch === '\b') return ['', {...PLAIN, backspace: true}];
	if (ch === '\u001b') return ESCAPE;
	const code = ch.codePointAt(0)!;
	// Ctrl-A to Ctrl-Z
	if (code >= 1 && code <= 26) return [String.fromCharCode(code + 96), {...PLAIN, ctrl: true}];
	return [ch, {...PLAIN, shift: /^\p{Lu}$/u.test(ch)}];
}

/** What follows ESC in the sequences of the keys netwatch knows (xterm, and the VT220 forms). */
const SEQUENCES: Readonly<Record<string, Partial<Key>>> = {
	'[A': {upArrow: true},
	'[B': {downArrow: true},
	'[C': {rightArrow: true},
	'[D': {leftArrow: true},
	'[H': {home: true},
	'[F': {end: true},
	OA: {upArrow: true},
	OB: {downArrow: true},
	OC: {rightArrow: true},
	OD: {leftArrow: true},
	OH: {home: true},
	OF: {end: true},
	'[1~': {home: true},
	'[7~': {home: true},
	'[4~': {end: true},
	'[8~': {end: true},
	'[3~': {delete: true},
	'[5~': {pageUp: true},
	'[6~': {pageDown: true},
	'[Z': {tab: true, shift: true},
};

/**
 * One input as Ink reads it from the terminal, as the keys it holds, in order. Ink hands over an
 * escape sequence on its own, and plain text as one run: `jjj` for a held key, `/web\r` for a
 * name typed fast, a whole paste; a run is split into its characters, each the key it is. Esc
 * and a key in one read (which a terminal also sends for Alt+key) are Esc, then the key:
 * netwatch binds no Alt key. A sequence it does not know is no key at all.
 */
export function decodeInput(raw: string): KeyPress[] {
	if (!raw.startsWith('\u001b')) return [...raw].map(characterKey);
	const body = raw.slice(1);
	if (body === '') return [ESCAPE];
	if (body.startsWith('\u001b')) return [ESCAPE, ...decodeInput(body)];
	const known = SEQUENCES[body];
	if (known) return [['', {...PLAIN, ...known}]];
	// xterm's modified keys: ESC [ 1 ; m X, where m - 1 holds shift (1), alt (2) and ctrl (4)
	const modified = /^\[1;(\d+)([A-DHF])$/.exec(body);
	const base = modified ? SEQUENCES[`[${modified[2]}`] : undefined;
	if (modified && base) {
		const bits = Number(modified[1]) - 1;
		return [['', {...PLAIN, ...base, shift: (bits & 1) !== 0, meta: (bits & 2) !== 0, ctrl: (bits & 4) !== 0}]];
	}
	if (/^[[O]/.test(body)) return [];
	return [ESCAPE, ...decodeInput(body)];
}

export interface KeyHandlers {
	readonly quit: () => void;
	readonly replay?: ((command: ReplayCommand) => void) | undefined;
	readonly host?: ((command: HostCommand) => void) | undefined;
}

export interface KeyContext {
	/** The newest snapshot, and what the screen is: the model is derived from these and the UI state. */
	readonly live: () => Snapshot;
	readonly model: (ui: UiState) => DashboardModel;
	readonly ui: UiStore;
	readonly handlers: KeyHandlers;
}

/**
 * Route key presses to the UI store, the replay controls, or quit: every key of an input in
 * order, each judged against the state the one before left. Ink's own useInput is not used: it
 * keeps a run of text as one input, and drops the Esc of Esc-and-a-key. The raw inputs come from
 * the emitter Ink gives its input hooks; raw mode is asked for as useInput asks for it.
 */
export function useKeys(context: KeyContext, isActive: boolean): void {
	const latest = useRef(context);
	latest.current = context;
	const {setRawMode, internal_eventEmitter: inputs} = useStdin();
	useEffect(() => {
		if (!isActive) return undefined;
		setRawMode(true);
		return () => setRawMode(false);
	}, [isActive, setRawMode]);
	useEffect(() => {
		if (!isActive) return undefined;
		const onInput = (raw: string): void => {
			const {live, model, ui, handlers} = latest.current;
			for (const [input, key] of decodeInput(raw)) {
				const command = handleKey(input, key, model(ui.getState()), live(), handlers.replay !== undefined);
				for (const action of command.ui) ui.dispatch(action);
				if (command.replay) handlers.replay?.(command.replay);
				if (command.host !== undefined) handlers.host?.(command.host);
				if (command.quit) {
					handlers.quit();
					return;
				}
			}
		};
		inputs.on('input', onInput);
		return () => {
			inputs.off('input', onInput);
		};
	}, [isActive, inputs]);
}
