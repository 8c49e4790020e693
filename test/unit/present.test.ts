/** The projector view's pure parts: the start state of --present and --focus, and the light theme. */
import chalk from 'chalk';
import {describe, expect, it} from 'vitest';
import {schemeFromColorFgBg} from '../../src/views/scheme.js';
import {listRows, rowContainer, selectedRow, visibleContainers} from '../../src/views/select.js';
import {makeTheme} from '../../src/views/theme.js';
import {initialUiState, startUi, uiReducer} from '../../src/views/ui-state.js';
import {fixtureStore} from '../helpers/snapshots.js';

const snapshot = fixtureStore().getSnapshot();
/** The container the dashboard selects among these, as it does: through the list's lines. */
const selectedContainer = (visible: Parameters<typeof listRows>[0], ui: Parameters<typeof selectedRow>[1]) => rowContainer(selectedRow(listRows(visible, new Set()), ui));

describe('--present and --focus', () => {
	it('start with lo and down interfaces hidden, and the named container to select', () => {
		expect(startUi({bits: false, present: true, focus: 'fx-h1'})).toEqual({unit: 'bytes', present: true, focusName: 'fx-h1', hideLoopback: true, hideDown: true});
		expect(startUi({bits: true, present: false, focus: null})).toEqual({unit: 'bits', present: false, focusName: null});
	});

	it('select the named container once it is listed, until the selection is moved', () => {
		const ui = {...initialUiState(), ...startUi({bits: false, present: false, focus: 'fx-h1'})};
		const visible = visibleContainers(snapshot, ui);
		expect(selectedContainer([], ui)).toBeNull();
		expect(selectedContainer(visible, ui)?.name).toBe('fx-h1');
		// the dashboard's own sync of the selection keeps it
		const synced = uiReducer(ui, {type: 'select', id: selectedContainer(visible, ui)!.id, visible: visible.map(c => c.id)});
		expect(synced.focusName).toBe('fx-h1');
		const moved = uiReducer(synced, {type: 'move', by: 1, visible: visible.map(c => c.id)});
		expect(moved.focusName).toBeNull();
		expect(selectedContainer(visible, moved)?.name).toBe(visible[visible.findIndex(c => c.name === 'fx-h1') + 1]!.name);
	});
});

describe('the light theme', () => {
	it('paints in its own dark colours, the dark theme in the terminal palette', () => {
		const level = chalk.level;
		chalk.level = 3;
		try {
			expect(makeTheme({color: true, ascii: false, scheme: 'light'}).paint('x', 'bad')).toBe('\u001b[38;2;164;14;38mx\u001b[39m');
			expect(makeTheme({color: true, ascii: false, scheme: 'dark'}).paint('x', 'bad')).toBe('\u001b[31mx\u001b[39m');
			expect(makeTheme({color: false, ascii: false, scheme: 'light'}).paint('x', 'bad')).toBe('x');
		} finally {
			chalk.level = level;
		}
	});

	it('is what COLORFGBG says about the background', () => {
		expect(schemeFromColorFgBg('0;15')).toBe('light');
		expect(schemeFromColorFgBg('0;default;7')).toBe('light');
		expect(schemeFromColorFgBg('15;0')).toBe('dark');
		expect(schemeFromColorFgBg('7;8')).toBe('dark');
		expect(schemeFromColorFgBg('')).toBeNull();
		expect(schemeFromColorFgBg('15;default')).toBeNull();
		expect(schemeFromColorFgBg('15;99')).toBeNull();
	});
});
