/**
 * Keys as a terminal sends them: one at a time, or several in one read (a held key, a name typed
 * fast, a paste, keys that arrive together over SSH). The inputs are what Ink's reader hands
 * over: an escape sequence on its own, or a run of text.
 */
import {describe, expect, it} from 'vitest';
import {decodeInput, type KeyPress} from '../../src/views/keys.js';

/** Each key as a short name: the character, or the named key (with its modifiers). */
function names(presses: readonly KeyPress[]): string[] {
	return presses.map(([input, key]) => {
		const named = Object.entries(key)
			.filter(([name, on]) => on === true && !['ctrl', 'shift', 'meta'].includes(name))
			.map(([name]) => name);
		const mods = [key.ctrl ? 'ctrl+' : '', key.shift && named.length > 0 ? 'shift+' : ''].join('');
		return named.length > 0 ? `${mods}${named.join('+')}` : `${mods}${input}`;
	});
}

describe('decodeInput', () => {
	it('splits a run of text into its keys, Enter, Tab, Backspace and Ctrl keys included', () => {
		expect(names(decodeInput('jjj'))).toEqual(['j', 'j', 'j']);
		expect(names(decodeInput('/web-1\r'))).toEqual(['/', 'w', 'e', 'b', '-', '1', 'return']);
		expect(names(decodeInput('ab\u007f\tq'))).toEqual(['a', 'b', 'backspace', 'tab', 'q']);
		expect(names(decodeInput('\u0003'))).toEqual(['ctrl+c']);
		expect(names(decodeInput('\u0006\u0002'))).toEqual(['ctrl+f', 'ctrl+b']);
		expect(names(decodeInput('G'))).toEqual(['G']);
	});

	it('knows the arrows, paging, Home and End in their xterm and VT220 forms', () => {
		expect(names(decodeInput('\u001b[A'))).toEqual(['upArrow']);
		expect(names(decodeInput('\u001bOB'))).toEqual(['downArrow']);
		expect(names(decodeInput('\u001b[5~'))).toEqual(['pageUp']);
		expect(names(decodeInput('\u001b[6~'))).toEqual(['pageDown']);
		expect(names(decodeInput('\u001b[H'))).toEqual(['home']);
		expect(names(decodeInput('\u001b[4~'))).toEqual(['end']);
		expect(names(decodeInput('\u001b[3~'))).toEqual(['delete']);
		expect(names(decodeInput('\u001b[Z'))).toEqual(['shift+tab']);
		expect(names(decodeInput('\u001b[1;5C'))).toEqual(['ctrl+rightArrow']);
	});

	it('reads Esc alone as Esc, and Esc with a key in one read as Esc, then the key', () => {
		expect(names(decodeInput('\u001b'))).toEqual(['escape']);
		expect(names(decodeInput('\u001b/'))).toEqual(['escape', '/']);
		expect(names(decodeInput('\u001b\u001b[A'))).toEqual(['escape', 'upArrow']);
	});

	it('ignores a sequence it does not know (a bracketed paste marker, say)', () => {
		expect(decodeInput('\u001b[200~')).toEqual([]);
	});
});
