import {describe, expect, it} from 'vitest';
import {escapeJsonControls, sanitize} from '../../src/util/sanitize.js';

describe('sanitize', () => {
	it('leaves ordinary text alone, Unicode included', () => {
		expect(sanitize('web-1 (httpd) café ⇄ 日本')).toBe('web-1 (httpd) café ⇄ 日本');
	});

	it('removes CSI sequences, 7-bit and 8-bit', () => {
		expect(sanitize('a\u001b[2Jb\u001b[31;1mc\u001b[0m')).toBe('abc');
		expect(sanitize('a\u009b2Jb')).toBe('ab');
		expect(sanitize('x\u001b[?1049hy')).toBe('xy');
	});

	it('removes OSC, ended by BEL or ST, and unterminated', () => {
		expect(sanitize('a\u001b]0;pwned\u0007b')).toBe('ab');
		expect(sanitize('a\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\b')).toBe('alinkb');
		expect(sanitize('a\u009d0;title\u009cb')).toBe('ab');
		expect(sanitize('a\u001b]0;never ends')).toBe('a');
	});

	it('removes DCS, SOS, PM and APC strings', () => {
		expect(sanitize('a\u001bP1$qm\u001b\\b')).toBe('ab');
		expect(sanitize('a\u001b_apc payload\u001b\\b')).toBe('ab');
		expect(sanitize('a\u001b^pm\u001b\\b\u001bXsos\u001b\\c')).toBe('abc');
		expect(sanitize('a\u0090dcs\u009cb')).toBe('ab');
	});

	it('removes short escapes and charset switches', () => {
		expect(sanitize('a\u001bcb')).toBe('ab'); // RIS: full reset
		expect(sanitize('a\u001b(0b')).toBe('ab'); // line drawing charset
		expect(sanitize('a\u001b7b\u001b8c')).toBe('abc');
		expect(sanitize('trailing\u001b')).toBe('trailing');
	});

	it('turns line breaks and tabs into spaces, and shows other controls as U+FFFD', () => {
		expect(sanitize('a\nb\r\nc\td')).toBe('a b  c d');
		expect(sanitize('bell\u0007 bs\u0008 del\u007f c1\u0085')).toBe('bell\uFFFD bs\uFFFD del\uFFFD c1\uFFFD');
	});

	it('neutralises bidirectional overrides', () => {
		expect(sanitize('admin\u202Etxt.exe')).toBe('admin\uFFFDtxt.exe');
		expect(sanitize('\u2066x\u2069')).toBe('\uFFFDx\uFFFD');
	});
});

describe('escapeJsonControls', () => {
	it('escapes DEL and C1 controls that JSON.stringify leaves raw, keeping the value', () => {
		const value = {line: 'a\u009b2Jb\u007f\u001b]0;x\u0007'};
		const json = escapeJsonControls(JSON.stringify(value));
		expect(json).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
		expect(JSON.parse(json)).toEqual(value);
	});
});
