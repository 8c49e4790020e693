/**
 * A pane of connections, in place of the interfaces (key `c`): the selected container's, or the
 * host processes'. Most active first; scrolls like the interface panes.
 */
import {Text} from 'ink';
import type {ConnectionView} from '../../store/edges.js';
import {cell} from '../../util/format.js';
import {connectionColumns, connectionHeader, connectionRow} from '../connection-rows.js';
import {RowText} from '../RowText.js';
import {useTheme} from '../theme.js';
import {interfaceRowsFit} from './InterfacePane.js';
import {Pane} from './Pane.js';

export interface ConnectionsPaneProps {
	readonly title: string;
	readonly banner: string;
	/** A second line, in the warning tone: a listen queue that overflowed. */
	readonly warning?: string | null;
	readonly connections: readonly ConnectionView[];
	readonly width: number;
	readonly height: number;
	readonly focused: boolean;
	readonly alarm?: boolean;
	readonly scroll: number;
}

export function ConnectionsPane(props: ConnectionsPaneProps) {
	const theme = useTheme();
	const inner = props.width - 2;
	const cols = connectionColumns(inner);
	const fit = Math.max(0, interfaceRowsFit(props.height) - (props.warning ? 1 : 0));
	const start = Math.max(0, Math.min(props.scroll, props.connections.length - fit));
	const shown = props.connections.slice(start, start + fit);
	const more = props.connections.length - start - shown.length;
	return (
		<Pane width={props.width} height={props.height} title={props.title} focused={props.focused} alarm={props.alarm}>
			<RowText row={[[cell(props.banner, inner), 'plain']]} />
			{props.warning ? <RowText row={[[`⚠ ${props.warning}`, 'warn']]} /> : null}
			<Text wrap="truncate-end" color={theme.tone('dim')}>
				{theme.text(connectionHeader(cols))}
			</Text>
			{shown.length === 0 && fit > 0 ? <RowText row={[['no connections', 'dim']]} /> : null}
			{shown.map((c, k) => (
				<RowText
					key={`${c.proto}${c.local}:${c.localPort}>${c.remote}:${c.remotePort}`}
					row={k === shown.length - 1 && more > 0 ? [[`  … ${more + 1} more (scroll with j/k when focused)`, 'dim']] : connectionRow(c, cols)}
				/>
			))}
		</Pane>
	);
}
