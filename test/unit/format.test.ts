import stringWidth from 'string-width';
import {describe, expect, it} from 'vitest';
import {ago, cell, formatRate, formatTotal, sparkline, textWidth} from '../../src/util/format.js';
import {interfaceLabel, interfaceLabelWidth} from '../../src/views/describe.js';
import type {InterfaceView} from '../../src/store/snapshot.js';

describe('formatRate', () => {
	it('scales automatically and keeps a fixed width', () => {
		const samples = [0, 1, 999, 1000, 1234, 99_949, 100_000, 1_500_000, 2.5e9, 7e12];
		const texts = samples.map(v => formatRate(v, 'bytes'));
		expect(texts).toEqual(['    0 B/s ', '    1 B/s ', '  999 B/s ', '  1.0 KB/s', '  1.2 KB/s', ' 99.9 KB/s', '  100 KB/s', '  1.5 MB/s', '  2.5 GB/s', '  7.0 TB/s']);
		expect(new Set(texts.map(t => t.length))).toEqual(new Set([10]));
	});

	it('switches to bits per second', () => {
		expect(formatRate(1000, 'bits')).toBe('  8.0 Kb/s');
		expect(formatRate(125_000_000, 'bits')).toBe('  1.0 Gb/s');
	});

	it('shows an unknown rate as a dash', () => {
		expect(formatRate(null, 'bytes')).toBe('    – B/s ');
	});
});

describe('formatTotal', () => {
	it('uses the same units as the rates', () => {
		expect(formatTotal(314_895_382, 'bytes')).toBe('  315 MB');
		expect(formatTotal(1226, 'bits')).toBe('  9.8 Kb');
		expect(formatTotal(0, 'bytes')).toHaveLength(8);
	});
});

describe('sparkline', () => {
	it('scales to the largest value and pads on the left', () => {
		expect(sparkline([0, 1000, 2000, 4000, 8000], 6)).toBe('  ▂▃▅█');
		expect(sparkline([5000, 5000], 3, true)).toBe(' @@');
		expect(sparkline([], 4)).toBe('    ');
	});

	it('keeps idle links low: anything under 1 KB/s is the lowest bar at most', () => {
		expect(sparkline([0, 3, 500, 0], 4)).toBe(' ▁▅ ');
		expect(sparkline([3], 1)).toBe('▁');
	});

	it('fits a whole minute into fewer characters, each the peak of its share', () => {
		const minute = Array.from({length: 60}, (_, i) => (i === 30 ? 9000 : 1000));
		const line = sparkline(minute, 12);
		expect(line).toHaveLength(12);
		expect([...line].filter(c => c === '█')).toHaveLength(1);
		expect(line[6]).toBe('█');
	});
});

describe('cell', () => {
	it('pads, cuts with an ellipsis, and sanitises', () => {
		expect(cell('web1', 6)).toBe('web1  ');
		expect(cell('web1', 6, 'right')).toBe('  web1');
		expect(cell('a-very-long-name', 6)).toBe('a-ver…');
		expect(cell('ev\u001b]0;x\u0007il\u001b[2J', 6)).toBe('evil  ');
		expect(cell('日本語', 5)).toBe('日本…');
		// the same cut and padding for ASCII (measured by length) as for any other text
		for (const text of ['', 'x', 'web1', 'a-very-long-name', '~!@#$%^&*()_+ {}', 'café-bar']) {
			for (const width of [1, 2, 5, 6, 16, 20]) {
				const out = cell(text, width);
				expect(stringWidth(out)).toBe(width);
				expect(out.trimEnd()).toBe(text.length <= width ? text : `${[...text].slice(0, width - 1).join('')}…`);
			}
		}
	});
});

describe('ago', () => {
	it('says how long ago in one unit', () => {
		expect(ago(0, 5_000)).toBe('5s');
		expect(ago(0, 125_000)).toBe('2m');
		expect(ago(0, 7_200_000)).toBe('2h');
	});
});

describe('textWidth and interfaceLabelWidth', () => {
	const labels: [string, string | null][] = [
		['veth1a2b3c4', 'web-1'],
		['eth0', null],
		['veth9', '日本語'],
		['wlan😀', 'café'],
	];

	it("agree with string-width on every label, ASCII or not, with or without a container's arrow", () => {
		for (const [name, container] of labels) {
			const i = {name, container: container === null ? null : {id: 'x', name: container}} as unknown as InterfaceView;
			expect(interfaceLabelWidth(i)).toBe(stringWidth(interfaceLabel(i)));
			expect(textWidth(name)).toBe(stringWidth(name));
		}
	});
});
