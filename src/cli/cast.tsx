/**
 * `netwatch replay FILE --cast OUT.cast`: the replayed dashboard, rendered headlessly frame by
 * frame at a fixed size, into an asciicast that plays without netwatch. Each moment of the
 * recording is drawn as `netwatch replay` would draw it, in full (cursor home, every line,
 * erase the rest), so any frame stands on its own; a marker goes where an alert opens and
 * where a caption changes.
 */
import {writeFileSync} from 'node:fs';
import {basename} from 'node:path';
import chalk from 'chalk';
import {renderToString} from 'ink';
import type {Recording} from '../record/reader.js';
import {writeCast, type CastEvent} from '../record/cast.js';
import type {Action} from '../store/actions.js';
import {deriveSnapshot} from '../store/snapshot.js';
import {initialState, reduce, type State} from '../store/state.js';
import {sanitize} from '../util/sanitize.js';
import {Dashboard, dashboardModel} from '../views/Dashboard.js';
import type {ReplayStatus} from '../views/panes/Header.js';
import type {Scheme} from '../views/scheme.js';
import {makeTheme, ThemeContext} from '../views/theme.js';
import {initialUiState, uiReducer, type UiState} from '../views/ui-state.js';

export interface CastOptions {
	readonly columns: number;
	readonly rows: number;
	readonly speed: number;
	readonly idleLimit: number | null;
	readonly color: boolean;
	readonly ascii: boolean;
	readonly scheme?: Scheme;
	readonly initialUi?: Partial<UiState>;
}

/** Hide the cursor and clear the screen, once, before the first frame. */
const START = '\u001b[?25l\u001b[2J';

/** What the markers say for an action: a new caption, or each alert that it opened. */
function markers(action: Action, before: State, after: State): string[] {
	if (action.type === 'caption') return action.text === null ? [] : [action.text];
	if (after.alerts === before.alerts) return [];
	const wasOpen = (id: string): boolean => before.alerts.get(id)?.resolved === false;
	return [...after.alerts.values()].filter(a => !a.resolved && !wasOpen(a.id)).map(a => a.message);
}

/**
 * The cast's events: a frame for every moment whose screen changed, and the markers. The
 * colours are the options' whatever stdout is (chalk would judge by it, and see a file).
 */
export function castEvents(recording: Recording, options: CastOptions): CastEvent[] {
	const level = chalk.level;
	chalk.level = options.color ? 3 : 0;
	try {
		return frames(recording, options);
	} finally {
		chalk.level = level;
	}
}

function frames(recording: Recording, options: CastOptions): CastEvent[] {
	let ui: UiState = {...initialUiState(), ...options.initialUi};
	const theme = makeTheme({color: options.color, ascii: options.ascii, scheme: options.scheme, present: ui.present});
	const size = {columns: options.columns, rows: options.rows};
	let state = initialState('');
	let seq = 0;
	let shown = '';
	const events: CastEvent[] = [{t: recording.actions[0]?.t ?? 0, code: 'o', data: START}];
	const frame = (t: number, status: ReplayStatus): void => {
		const model = dashboardModel(deriveSnapshot(state, ++seq), ui, size);
		// the dashboard keeps the container it shows selected, as App does after each frame
		if (model.selected && model.selected.id !== ui.selectedId) ui = uiReducer(ui, {type: 'select', id: model.selected.id, visible: model.containers.map(c => c.id)});
		const text = renderToString(
			<ThemeContext.Provider value={theme}>
				<Dashboard model={model} keysAvailable replay={status} />
			</ThemeContext.Provider>,
			{columns: options.columns},
		);
		if (text === shown) return;
		shown = text;
		events.push({t, code: 'o', data: `\u001b[H${text.split('\n').join('\u001b[K\r\n')}\u001b[K\u001b[J`});
	};
	const playing: ReplayStatus = {speed: options.speed, paused: false, damage: null, finished: false};
	const {actions} = recording;
	for (let i = 0; i < actions.length; ) {
		const t = actions[i]!.t;
		// every action of the same moment, then one frame, as the player does
		for (; i < actions.length && actions[i]!.t === t; i++) {
			const {action} = actions[i]!;
			const next = reduce(state, action);
			for (const label of markers(action, state, next)) events.push({t, code: 'm', data: sanitize(label)});
			state = next;
		}
		frame(t, i < actions.length ? playing : {...playing, finished: true, damage: recording.damage});
	}
	return events;
}

/** Write the cast of `recording` (read from `file`) to `out`. */
export function renderCast(recording: Recording, file: string, out: string, options: CastOptions): void {
	const header = {
		width: options.columns,
		height: options.rows,
		timestamp: Math.round((Date.parse(recording.header.started) || 0) / 1000),
		title: `netwatch replay ${sanitize(basename(file))}`,
	};
	writeFileSync(out, writeCast(header, castEvents(recording, options), {speed: options.speed, idleLimit: options.idleLimit}));
}
