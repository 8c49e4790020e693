/**
 * One line of the dashboard: a single <Text> holding one string, its segments coloured in their
 * tones. (A nested <Text> per segment would be four or five nodes per line for React to
 * reconcile and Ink to lay out, squash and colour again at every frame.) Every segment is
 * sanitised here, whatever its origin: this is where text reaches the screen.
 */
import chalk from 'chalk';
import {Text} from 'ink';
import {memo} from 'react';
import {sanitize} from '../util/sanitize.js';
import type {Row} from './rows.js';
import {useTheme} from './theme.js';

export interface RowTextProps {
	readonly row: Row;
	readonly selected?: boolean;
	/** The selection of a pane that has no focus: shown, but quieter. */
	readonly dimSelected?: boolean;
}

function RowTextView({row, selected = false, dimSelected = false}: RowTextProps) {
	const theme = useTheme();
	const inverse = selected && !dimSelected;
	// an inverse row is drawn in the terminal's own colours, as the selection
	const text = row.map(([segment, tone]) => (inverse ? theme.text(sanitize(segment)) : theme.paint(theme.text(sanitize(segment)), tone))).join('');
	// on a projector (--present) the selection is bold as well
	return <Text wrap="truncate-end">{inverse ? (theme.present ? chalk.inverse.bold(text) : chalk.inverse(text)) : selected ? chalk.bold(text) : text}</Text>;
}

/** Rows are compared by content, so an unchanged row is not even re-rendered by React. */
export const RowText = memo(RowTextView, (a, b) => a.selected === b.selected && a.dimSelected === b.dimSelected && a.row.length === b.row.length && a.row.every((s, i) => s[0] === b.row[i]![0] && s[1] === b.row[i]![1]));
