/**
 * The caption bar of `--captions`: the narration of a talk, under the top line, in the
 * terminal's own colours reversed (the most contrast any theme has), at most two lines.
 */
import chalk from 'chalk';
import {Box, Text} from 'ink';
import wrapAnsi from 'wrap-ansi';
import {cell} from '../../util/format.js';
import {useTheme} from '../theme.js';

export const CAPTION_LINES = 2;

/** The caption wrapped to `width` columns (a space each side), cut to two lines with … */
export function captionLines(text: string | null, width: number): string[] {
	if (!text || width < 3) return [];
	const inner = width - 2;
	const lines = wrapAnsi(text, inner, {hard: true, trim: true}).split('\n');
	const shown = lines.slice(0, CAPTION_LINES);
	if (lines.length > CAPTION_LINES) shown[CAPTION_LINES - 1] = cell(`${shown[CAPTION_LINES - 1]} ${lines.slice(CAPTION_LINES).join(' ')}`, inner);
	return shown.map(line => ` ${cell(line, inner)} `);
}

export function Caption({lines}: {readonly lines: readonly string[]}) {
	const theme = useTheme();
	return (
		<Box flexDirection="column">
			{lines.map((line, i) => (
				<Text key={i} wrap="truncate-end">
					{chalk.inverse.bold(theme.text(line))}
				</Text>
			))}
		</Box>
	);
}
