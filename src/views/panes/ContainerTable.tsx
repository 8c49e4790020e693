/**
 * Every container: name, image, state, network mode, the ports it really listens on, rates;
 * grouped by Compose project and service, each group a line of its own.
 */
import {Text} from 'ink';
import type {RateUnit} from '../../util/format.js';
import {RowText} from '../RowText.js';
import {containerColumns, containerHeader, containerRow, groupRow} from '../rows.js';
import type {ListRow} from '../select.js';
import {useTheme} from '../theme.js';
import type {SortKey} from '../ui-state.js';
import {Pane} from './Pane.js';

export interface ContainerTableProps {
	readonly rows: readonly ListRow[];
	/** Containers that the filter leaves, folded or not. */
	readonly shown: number;
	readonly total: number;
	readonly selectedIndex: number;
	readonly width: number;
	readonly height: number;
	readonly unit: RateUnit;
	readonly sort: SortKey;
	readonly filter: string;
	readonly filtering: boolean;
	readonly focused: boolean;
	readonly marks: ReadonlyMap<string, 'victim' | 'holder'>;
	readonly dockerError: string | null;
}

/** Rows that fit: border, title and column header take four. */
export function tableRowsFit(height: number): number {
	return Math.max(0, height - 4);
}

/** The first visible row, so that the selection stays in view. */
export function tableWindow(selected: number, count: number, fit: number): number {
	if (count <= fit) return 0;
	return Math.max(0, Math.min(count - fit, selected - Math.floor(fit / 2)));
}

export function ContainerTable(props: ContainerTableProps) {
	const theme = useTheme();
	const cols = containerColumns(props.width - 2);
	const fit = tableRowsFit(props.height);
	const start = tableWindow(props.selectedIndex, props.rows.length, fit);
	const shown = props.rows.slice(start, start + fit);
	const count = props.filter ? `${props.shown} of ${props.total}` : `${props.total}`;
	const filter = props.filtering ? ` · filter: ${props.filter}_` : props.filter ? ` · filter: ${props.filter} (Esc clears)` : '';
	const title = `Containers ${count} · sort: ${props.sort}${filter}`;
	const empty = props.dockerError
		? `Docker: ${props.dockerError}`
		: props.filter
			? `no container, project or service name contains "${props.filter}"`
			: 'no containers';
	return (
		<Pane width={props.width} height={props.height} title={title} focused={props.focused}>
			<Text wrap="truncate-end" color={theme.tone('dim')}>
				{theme.text(containerHeader(cols, props.sort))}
			</Text>
			{shown.length === 0 && fit > 0 ? <RowText row={[[empty, props.dockerError ? 'bad' : 'dim']]} /> : null}
			{shown.map((r, k) => (
				<RowText
					key={r.id}
					row={r.kind === 'group' ? groupRow(r, cols, props.unit) : containerRow(r.container, cols, props.unit, props.marks.get(r.id), r.depth)}
					selected={start + k === props.selectedIndex}
					dimSelected={!props.focused}
				/>
			))}
		</Pane>
	);
}
