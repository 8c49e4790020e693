/** Who talks to whom (key `t`), in place of the panes: every edge, grouped by container. */
import type {Snapshot} from '../../store/snapshot.js';
import {topologyRows} from '../connection-rows.js';
import {RowText} from '../RowText.js';
import {Pane} from './Pane.js';

export interface TopologyProps {
	readonly snapshot: Snapshot;
	readonly width: number;
	readonly height: number;
	readonly scroll: number;
	/** The containers' name filter (`/`): only their groups are listed. */
	readonly filter: string;
}

export function Topology({snapshot, width, height, scroll, filter}: TopologyProps) {
	const rows = topologyRows(snapshot, filter);
	const fit = Math.max(1, height - 3);
	const start = Math.max(0, Math.min(scroll, rows.length - fit));
	return (
		<Pane width={width} height={height} title={`Topology: ${snapshot.edges.length} edges${filter ? ` · filter: ${filter}` : ''} (t or Esc to go back, j/k to scroll)`}>
			{rows.slice(start, start + fit).map((row, k) => (
				<RowText key={start + k} row={row} />
			))}
		</Pane>
	);
}
