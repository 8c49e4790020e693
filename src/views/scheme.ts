/**
 * Light or dark: which colours read on the terminal's background. `--theme` says; else
 * COLORFGBG, which some terminals (rxvt, Konsole, iTerm2 when asked) set to "FG;BG" in ANSI
 * colour numbers; else dark, as most terminals are.
 */
export type Scheme = 'light' | 'dark';

export const SCHEMES: readonly Scheme[] = ['light', 'dark'];

/** The scheme COLORFGBG implies, or null when it says nothing usable. */
export function schemeFromColorFgBg(value: string | undefined): Scheme | null {
	// "15;0", or "15;default;0": the background is the last number
	const bg = Number(value?.split(';').at(-1));
	if (!value || !Number.isInteger(bg) || bg < 0 || bg > 15) return null;
	// black, the dark colours and dark grey are dark; white, light grey and the bright colours are light
	return bg === 7 || (bg >= 9 && bg <= 15) ? 'light' : 'dark';
}
