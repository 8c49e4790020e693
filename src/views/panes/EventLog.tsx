/** The newest Docker events, in a fixed-height pane: time, container, what happened. */
import {RowText} from '../RowText.js';
import {alertLogRow, eventRow, rolloutLogRow} from '../rows.js';
import type {LogEntry} from '../select.js';
import {Pane} from './Pane.js';

export interface EventLogProps {
	readonly events: readonly LogEntry[];
	readonly total: number;
	readonly width: number;
	readonly height: number;
	readonly focused: boolean;
	/** Lines scrolled back from the newest. */
	readonly scroll: number;
}

export function EventLog({events, total, width, height, focused, scroll}: EventLogProps) {
	const fit = Math.max(0, height - 3);
	const back = Math.max(0, Math.min(scroll, events.length - fit));
	const shown = events.slice(Math.max(0, events.length - fit - back), events.length - back);
	const title = `Events ${total}${back > 0 ? ` · ${back} back (End for newest)` : ''}`;
	return (
		<Pane width={width} height={height} title={title} focused={focused}>
			{shown.map((e, slot) => (
				// keyed by the line it is drawn on: a new event moves text up the lines, and no row is
				// mounted and unmounted (each would make and free layout nodes) for it
				<RowText key={slot} row={e.kind === 'event' ? eventRow(e.entry, width - 2) : e.kind === 'alert' ? alertLogRow(e.alert, width - 2) : rolloutLogRow(e.rollout, width - 2)} />
			))}
		</Pane>
	);
}
