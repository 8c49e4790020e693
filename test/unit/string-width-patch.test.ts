/**
 * patches/string-width+8.3.0.patch builds the RGI emoji pattern only for a cluster that could be
 * an emoji. Widths stay those of the pattern: emoji of every kind are two columns, and what
 * the dashboard draws (box drawing, blocks, digits beside them) is one.
 */
import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';

describe('string-width, patched', () => {
	it('counts emoji sequences as two columns', () => {
		for (const emoji of ['👍', '👍🏽', '👨‍👩‍👧', '🇫🇷', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '1️⃣', '#️⃣', '⚠️', '©️', '⌚']) {
			expect(stringWidth(emoji), [...emoji].map(c => c.codePointAt(0)!.toString(16)).join(' ')).toBe(2);
		}
	});

	it('counts box drawing, blocks, digits, text presentation and CJK as before', () => {
		expect(stringWidth('╭─ 12 KB/s ▁▂▃█ │')).toBe(17);
		expect(stringWidth('⚠ 1 alert')).toBe(9);
		expect(stringWidth('1\u20E3')).toBe(2);
		expect(stringWidth('漢字 é')).toBe(6);
	});

	it('agrees with the RGI pattern on every single code point and its emoji presentation', () => {
		const rgi = new RegExp('^\\p{RGI_Emoji}$', 'v');
		const mismatched: string[] = [];
		for (let cp = 0x20; cp < 0x20000; cp++) {
			if ((cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x7f && cp < 0xa0)) continue;
			for (const text of [String.fromCodePoint(cp), `${String.fromCodePoint(cp)}\uFE0F`]) {
				if (rgi.test(text) && stringWidth(text) !== 2) mismatched.push(cp.toString(16));
			}
		}
		expect(mismatched).toEqual([]);
	});
});
