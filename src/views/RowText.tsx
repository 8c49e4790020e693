/**
 * One line of the dashboard: a single <Text>, one nested <Text> per toned segment. Every
 * segment is sanitised here, whatever its origin: this is where text reaches the screen.
 */
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
	return (
		<Text wrap="truncate-end" inverse={selected && !dimSelected} bold={selected && dimSelected}>
			{row.map(([text, tone], i) => (
				<Text key={i} color={selected && !dimSelected ? undefined : theme.tone(tone)}>
					{theme.text(sanitize(text))}
				</Text>
			))}
		</Text>
	);
}

/** Rows are compared by content, so an unchanged row is not even re-rendered by React. */
export const RowText = memo(RowTextView, (a, b) => a.selected === b.selected && a.dimSelected === b.dimSelected && a.row.length === b.row.length && a.row.every((s, i) => s[0] === b.row[i]![0] && s[1] === b.row[i]![1]));
