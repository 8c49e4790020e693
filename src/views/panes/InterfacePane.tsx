/**
 * A pane of interfaces: the host's, or the selected container's. Same columns in both, so the
 * two sit side by side and compare row by row.
 */
import {Text} from 'ink';
import type {InterfaceView} from '../../store/snapshot.js';
import {cell, type RateUnit} from '../../util/format.js';
import {RowText} from '../RowText.js';
import {interfaceColumns, longestLabel, interfaceHeader, interfaceRow, type Row} from '../rows.js';
import {useTheme, type Tone} from '../theme.js';
import {Pane} from './Pane.js';

export interface InterfacePaneProps {
	readonly title: string;
	readonly titleTone?: Tone;
	/** One line in plain words above the table: what this namespace is. */
	readonly banner: string;
	readonly bannerTone?: Tone;
	readonly interfaces: readonly InterfaceView[];
	readonly width: number;
	readonly height: number;
	readonly unit: RateUnit;
	readonly focused: boolean;
	readonly alarm?: boolean;
	readonly strong?: boolean;
	/** Rows to point out: the host-side peer of the selected container. */
	readonly highlight?: ReadonlySet<string>;
	readonly scroll: number;
	/** Said instead of an empty table. */
	readonly empty?: string;
	/** Lines between the banner and the table: the selected container's open alerts. */
	readonly notes?: readonly Row[];
}

/** Rows that fit in a pane of this height: border, title, banner and column header take five. */
export function interfaceRowsFit(height: number): number {
	return Math.max(0, height - 5);
}

export function InterfacePane(props: InterfacePaneProps) {
	const theme = useTheme();
	const inner = props.width - 2;
	const cols = interfaceColumns(inner, longestLabel(props.interfaces));
	// the notes give way before the pane's title and column header do
	const notes = (props.notes ?? []).slice(0, interfaceRowsFit(props.height));
	const fit = Math.max(0, interfaceRowsFit(props.height) - notes.length);
	const start = Math.max(0, Math.min(props.scroll, props.interfaces.length - fit));
	const shown = props.interfaces.slice(start, start + fit);
	const more = props.interfaces.length - start - shown.length;
	return (
		<Pane width={props.width} height={props.height} title={props.title} titleTone={props.titleTone} focused={props.focused} alarm={props.alarm} strong={props.strong}>
			<RowText row={[[cell(props.banner, inner), props.bannerTone ?? 'plain']]} />
			{notes.map((row, k) => (
				<RowText key={`note${k}`} row={row} />
			))}
			<Text wrap="truncate-end" color={theme.tone('dim')}>
				{theme.text(interfaceHeader(cols))}
			</Text>
			{shown.length === 0 && fit > 0 && props.empty ? <RowText row={[[props.empty, 'dim']]} /> : null}
			{shown.map((i, k) => {
				const row = interfaceRow(i, cols, props.unit, theme.ascii);
				const peer = props.highlight?.has(i.name) ?? false;
				const last = k === shown.length - 1 && more > 0;
				return (
					<RowText
						key={i.name}
						row={last ? [[`  … ${more + 1} more (scroll with j/k when focused)`, 'dim']] : peer ? row.map(([text, tone], n) => [text, n === 0 ? 'peer' : tone] as const) : row}
						selected={peer}
						dimSelected
					/>
				);
			})}
		</Pane>
	);
}
