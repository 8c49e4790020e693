/**
 * How things look: colours (or none, for NO_COLOR and --no-color) and glyphs (or plain ASCII,
 * for --ascii). Views ask the theme; they never name a colour or a box character themselves.
 */
import {createContext, useContext} from 'react';
import chalk, {type ForegroundColorName} from 'chalk';
import stringWidth from 'string-width';

export type Tone = 'good' | 'bad' | 'warn' | 'accent' | 'dim' | 'plain' | 'peer';

export interface Theme {
	readonly color: boolean;
	readonly ascii: boolean;
	/** Ink border style */
	readonly border: 'round' | 'classic';
	/** A colour name for Ink, or undefined when colours are off. */
	readonly tone: (tone: Tone) => string | undefined;
	/** Make a line safe for the chosen character set. */
	readonly text: (line: string) => string;
	/** Colour text in a tone, as Ink's <Text color> would (text as is when colours are off). */
	readonly paint: (text: string, tone: Tone) => string;
}

const COLORS: Record<Tone, ForegroundColorName | undefined> = {
	good: 'green',
	bad: 'red',
	warn: 'yellow',
	accent: 'cyan',
	dim: 'gray',
	plain: undefined,
	peer: 'magenta',
};

/** One ASCII character for each: the columns were laid out for the Unicode text. */
const ASCII: Record<string, string> = {
	'→': '>',
	'⇄': '=',
	'…': '~',
	'–': '-',
	'—': '-',
	'⚠': '!',
	'●': '*',
	'▲': '^',
	'▼': 'v',
	'▸': '+',
	'▾': '-',
	'·': '.',
	'×': 'x',
};

/**
 * Replace our own glyphs by ASCII look-alikes of the same width, and anything else outside
 * ASCII (a wide character counts two columns) by '?' per column.
 */
export function toAscii(line: string): string {
	let out = '';
	for (const ch of line) {
		const code = ch.codePointAt(0)!;
		out += code < 0x80 ? ch : (ASCII[ch] ?? '?'.repeat(stringWidth(ch)));
	}
	return out;
}

export function makeTheme(options: {color: boolean; ascii: boolean}): Theme {
	return {
		color: options.color,
		ascii: options.ascii,
		border: options.ascii ? 'classic' : 'round',
		tone: tone => (options.color ? COLORS[tone] : undefined),
		text: options.ascii ? toAscii : line => line,
		paint: (text, tone) => {
			const color = options.color ? COLORS[tone] : undefined;
			return color ? chalk[color](text) : text;
		},
	};
}

export const ThemeContext = createContext<Theme>(makeTheme({color: true, ascii: false}));

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
