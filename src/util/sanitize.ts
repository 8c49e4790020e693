/**
 * Make untrusted text inert before it reaches a terminal.
 *
 * Container names, labels, log lines and process command lines come from whoever runs the
 * container. A log line can carry an OSC that retitles the window or a CSI that clears the
 * screen. Everything shown on screen or printed as plain text goes through `sanitize`.
 *
 * - Escape sequences are removed whole: CSI (ESC [ or 0x9B), OSC (ESC ] or 0x9D), the string
 *   sequences DCS, SOS, PM and APC (ESC P/X/^/_ or 0x90/0x98/0x9E/0x9F, up to ST or BEL), and
 *   the short ESC forms (ESC, intermediates, one final byte). An unterminated string sequence
 *   swallows the rest of the text rather than leaking it.
 * - Tab, newline and carriage return become a space: every value is shown on one line.
 * - Any other C0 or C1 control, DEL, and the bidirectional overrides (which can make text read
 *   differently from what it is) become U+FFFD, so that their presence stays visible.
 *
 * strip-ansi was considered: it leaves DCS/APC payloads, lone C1 controls, BEL and bidi
 * overrides in place, which is exactly what this function is for.
 */

const ESC = 0x1b;
const BEL = 0x07;
const C1_ST = 0x9c;
const REPLACEMENT = '\uFFFD';

const isStringIntroducer = (code: number): boolean =>
	// ESC P (DCS), ESC X (SOS), ESC ] (OSC), ESC ^ (PM), ESC _ (APC)
	code === 0x50 || code === 0x58 || code === 0x5d || code === 0x5e || code === 0x5f;

const C1_STRING = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);
const C1_CSI = 0x9b;

const isBidiControl = (code: number): boolean =>
	(code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) || code === 0x200e || code === 0x200f || code === 0x061c;

/** Index just past a string sequence's terminator (BEL, ESC \ or C1 ST), or the end of text. */
function skipString(text: string, from: number): number {
	for (let i = from; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code === BEL || code === C1_ST) return i + 1;
		if (code === ESC && text.charCodeAt(i + 1) === 0x5c) return i + 2;
	}
	return text.length;
}

/** Index just past a CSI's final byte (0x40–0x7E), or the end of text. */
function skipCsi(text: string, from: number): number {
	for (let i = from; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code >= 0x40 && code <= 0x7e) return i + 1;
		// parameters and intermediates are 0x20–0x3F; anything else ends a malformed CSI here
		if (code < 0x20 || code > 0x3f) return i;
	}
	return text.length;
}

/** Index just past a short ESC sequence: intermediates 0x20–0x2F, then one final byte. */
function skipShortEscape(text: string, from: number): number {
	let i = from;
	while (i < text.length && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x2f) i++;
	const code = text.charCodeAt(i);
	return i < text.length && code >= 0x30 && code <= 0x7e ? i + 1 : i;
}

// Fast path: most text has nothing to remove.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/;

export function sanitize(text: string): string {
	if (!UNSAFE.test(text)) return text;
	let out = '';
	let i = 0;
	while (i < text.length) {
		const code = text.charCodeAt(i);
		if (code === ESC) {
			const next = text.charCodeAt(i + 1);
			if (next === 0x5b) i = skipCsi(text, i + 2);
			else if (isStringIntroducer(next)) i = skipString(text, i + 2);
			else i = skipShortEscape(text, i + 1);
			continue;
		}
		if (code === C1_CSI) {
			i = skipCsi(text, i + 1);
			continue;
		}
		if (C1_STRING.has(code)) {
			i = skipString(text, i + 1);
			continue;
		}
		if (code === 0x09 || code === 0x0a || code === 0x0d) out += ' ';
		else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || isBidiControl(code)) out += REPLACEMENT;
		else out += text[i];
		i++;
	}
	return out;
}

/**
 * JSON.stringify escapes C0 controls but writes DEL, C1 controls and bidirectional overrides
 * raw, and a terminal that shows the JSON could act on them. Escape them as \uXXXX too; the
 * JSON value is unchanged.
 */
export function escapeJsonControls(json: string): string {
	// eslint-disable-next-line no-control-regex
	return json.replace(/[\u007f-\u009f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
