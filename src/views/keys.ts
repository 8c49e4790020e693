/**
 * Keys, as less, vim and htop users expect them. `handleKey` is pure: a key and what is on
 * screen in, a command out. `useKeys` wires it to Ink's input.
 */
import {useInput, type Key} from 'ink';
import {useCallback, useRef} from 'react';
import type {Snapshot} from '../store/snapshot.js';
import type {DashboardModel} from './Dashboard.js';
import {interfaceRowsFit} from './panes/InterfacePane.js';
import {tableRowsFit} from './panes/ContainerTable.js';
import type {UiAction, UiState, UiStore} from './ui-state.js';

export type ReplayCommand = 'toggle-pause' | 'back' | 'forward';

export interface KeyCommand {
	readonly ui: readonly UiAction[];
	readonly quit?: boolean;
	readonly replay?: ReplayCommand;
}

const NOTHING: KeyCommand = {ui: []};

function moveBy(model: DashboardModel, by: number | 'first' | 'last'): UiAction[] {
	const {ui} = model;
	const visible = model.containers.map(c => c.id);
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

function pageSize(model: DashboardModel): number {
	const {layout, ui} = model;
	if (ui.focus === 'containers') return Math.max(1, tableRowsFit(layout.table.height) - 1);
	if (ui.focus === 'host') return Math.max(1, interfaceRowsFit(layout.host.height) - 1);
	if (ui.focus === 'container') return Math.max(1, interfaceRowsFit(layout.container.height) - 1);
	return Math.max(1, layout.events.height - 4);
}

export function handleKey(input: string, key: Key, model: DashboardModel, live: Snapshot, replay: boolean): KeyCommand {
	const {ui} = model;
	if (key.ctrl && input === 'c') return {ui: [], quit: true};
	const visible = model.containers.map(c => c.id);

	if (ui.filtering) {
		if (key.escape) return {ui: [{type: 'filter-clear'}]};
		if (key.return) return {ui: [{type: 'filter-done'}]};
		if (key.backspace || key.delete) return {ui: [{type: 'filter-backspace'}]};
		if (key.upArrow) return {ui: [{type: 'move', by: -1, visible}]};
		if (key.downArrow) return {ui: [{type: 'move', by: 1, visible}]};
		if (input && !key.ctrl && !key.meta && !key.tab) return {ui: [{type: 'filter-type', text: input}]};
		return NOTHING;
	}

	if (key.escape) return {ui: [ui.showHelp ? {type: 'close-help'} : {type: 'filter-clear'}]};
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
		default:
			return NOTHING;
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

/** One character of a chunk as the key a terminal sends it for. */
function characterKey(ch: string): [string, Key] {
	if (ch === '\r' || ch === '\n') return ['', {...PLAIN, return: true}];
	if (ch === '\t') return ['', {...PLAIN, tab: true}];
	if (ch === '\u007f' || ch === '\b') return ['', {...PLAIN, backspace: true}];
	if (ch === '\u001b') return ['', {...PLAIN, escape: true, meta: true}];
	const code = ch.codePointAt(0)!;
	// Ctrl-A to Ctrl-Z
	if (code >= 1 && code <= 26) return [String.fromCharCode(code + 96), {...PLAIN, ctrl: true}];
	return [ch, PLAIN];
}

/**
 * Ink hands over the text of one read as one input: `jjj` for a held key, `/web\r` for a name
 * typed fast, a whole paste. Escape sequences (arrows, PgUp) already come one by one; plain
 * text is split here into its characters, each the key it is.
 */
export function splitKeys(input: string, key: Key): [string, Key][] {
	const characters = [...input];
	const named = Object.entries(key).some(([name, pressed]) => pressed === true && name !== 'shift');
	if (named || characters.length <= 1) return [[input, key]];
	return characters.map(characterKey);
}

export interface KeyHandlers {
	readonly quit: () => void;
	readonly replay?: ((command: ReplayCommand) => void) | undefined;
}

export interface KeyContext {
	/** The newest snapshot, and what the screen is: the model is derived from these and the UI state. */
	readonly live: () => Snapshot;
	readonly model: (ui: UiState) => DashboardModel;
	readonly ui: UiStore;
	readonly handlers: KeyHandlers;
}

/**
 * Route key presses to the UI store, the replay controls, or quit: every key of a chunk in
 * order, each judged against the state the one before left. The handler stays the same across
 * renders (it reads the newest context from a ref), so Ink subscribes it once.
 */
export function useKeys(context: KeyContext, isActive: boolean): void {
	const latest = useRef(context);
	latest.current = context;
	const onInput = useCallback((input: string, key: Key) => {
		const {live, model, ui, handlers} = latest.current;
		for (const [one, k] of splitKeys(input, key)) {
			const command = handleKey(one, k, model(ui.getState()), live(), handlers.replay !== undefined);
			for (const action of command.ui) ui.dispatch(action);
			if (command.replay) handlers.replay?.(command.replay);
			if (command.quit) {
				handlers.quit();
				return;
			}
		}
	}, []);
	useInput(onInput, {isActive});
}
