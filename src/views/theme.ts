/**
 * How things look: colours (or none, for NO_COLOR and --no-color) and glyphs (or plain ASCII,
 * for --ascii). Views ask the theme; they never name a colour or a box character themselves.
 */
import {createContext, useContext} from 'react';
import chalk, {type ForegroundColorName} from 'chalk';
import stringWidth from 'string-width';
import type {Scheme} from './scheme.js';

export type Tone = 'good' | 'bad' | 'warn' | 'accent' | 'dim' | 'plain' | 'peer';

export interface Theme {
	readonly color: boolean;
	readonly ascii: boolean;
	/** `--present`: the selection and open alerts stand out more, for a projector. */
	readonly present: boolean;
	/** Ink border style, and that of a pane that must stand out (`--present`). */
	readonly border: 'round' | 'classic';
	readonly strongBorder: 'round' | 'bold' | 'classic';
	/** A colour name for Ink, or undefined when colours are off. */
	readonly tone: (tone: Tone) => string | undefined;
	/** Make a line safe for the chosen character set. */
	readonly text: (line: string) => string;
	/** Colour text in a tone, as Ink's <Text color> would (text as is when colours are off). */
	readonly paint: (text: string, tone: Tone) => string;
}

/** On a dark background: the terminal's own palette. */
const DARK: Record<Tone, ForegroundColorName | undefined> = {
	good: 'green',
	bad: 'red',
	warn: 'yellow',
	accent: 'cyan',
	dim: 'gray',
	plain: undefined,
	peer: 'magenta',
};

/**
 * On a light background the terminal's yellow, cyan and grey wash out (worse on a projector):
 * darker colours of our own, each readable on white.
 */
const LIGHT: Record<Tone, string | undefined> = {
	good: '#116329',
	bad: '#a40e26',
	warn: '#7d4e00',
	accent: '#0550ae',
	dim: '#57606a',
	plain: undefined,
	peer: '#6639ba',
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

export interface ThemeOptions {
	readonly color: boolean;
	readonly ascii: boolean;
	readonly scheme?: Scheme;
	readonly present?: boolean;
}

export function makeTheme(options: ThemeOptions): Theme {
	const light = options.scheme === 'light';
	const tone = (t: Tone): string | undefined => (!options.color ? undefined : light ? LIGHT[t] : DARK[t]);
	return {
		color: options.color,
		ascii: options.ascii,
		present: options.present ?? false,
		border: options.ascii ? 'classic' : 'round',
		strongBorder: options.ascii ? 'classic' : options.present ? 'bold' : 'round',
		tone,
		text: options.ascii ? toAscii : line => line,
		paint: (text, t) => {
			const color = tone(t);
			if (!color) return text;
			return color.startsWith('#') ? chalk.hex(color)(text) : chalk[color as ForegroundColorName](text);
		},
	};
}

export const ThemeContext = createContext<Theme>(makeTheme({color: true, ascii: false}));

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
