/** A swarm manager's services, tasks and nodes (key `w`), in place of the panes. */
import type {Snapshot} from '../../store/snapshot.js';
import {RowText} from '../RowText.js';
import {swarmRows} from '../swarm-rows.js';
import {Pane} from './Pane.js';

export interface SwarmProps {
	readonly snapshot: Snapshot;
	readonly width: number;
	readonly height: number;
	readonly scroll: number;
	/** The name filter (`/`): only services whose name or stack has it. */
	readonly filter: string;
}

export function Swarm({snapshot, width, height, scroll, filter}: SwarmProps) {
	const rows = swarmRows(snapshot.swarm, width - 2, snapshot.at, filter);
	const fit = Math.max(1, height - 3);
	const start = Math.max(0, Math.min(scroll, rows.length - fit));
	return (
		<Pane width={width} height={height} title={`Swarm${filter ? ` · filter: ${filter}` : ''} (w or Esc to go back, j/k to scroll)`}>
			{rows.slice(start, start + fit).map((row, k) => (
				<RowText key={start + k} row={row} />
			))}
		</Pane>
	);
}
