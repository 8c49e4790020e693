/** A bordered pane with a title line: the frame every pane of the dashboard shares. */
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {cell} from '../../util/format.js';
import {useTheme, type Tone} from '../theme.js';

export interface PaneProps {
	readonly width: number;
	readonly height: number;
	readonly title: string;
	readonly titleTone?: Tone;
	readonly focused?: boolean;
	/** An open alert: the border turns red. */
	readonly alarm?: boolean;
	/** A pane the audience should look at (`--present`): a heavier border. */
	readonly strong?: boolean;
	readonly children?: ReactNode;
}

export function Pane({width, height, title, titleTone = 'accent', focused = false, alarm = false, strong = false, children}: PaneProps) {
	const theme = useTheme();
	const border = alarm ? theme.tone('bad') : focused ? theme.tone('accent') : theme.tone('dim');
	return (
		<Box flexDirection="column" width={width} height={height} borderStyle={strong ? theme.strongBorder : theme.border} borderColor={border}>
			<Text wrap="truncate-end" bold color={theme.tone(titleTone)}>
				{theme.text(cell(title, width - 2))}
			</Text>
			{children}
		</Box>
	);
}
