/**
 * Numbers and text for fixed-width columns. Every result has a stable width, so that a row
 * whose values did not change stays byte-identical between frames, and one that did changes
 * only where it must.
 */
import stringWidth from 'string-width';
import {sanitize} from './sanitize.js';

export type RateUnit = 'bytes' | 'bits';

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];
const BIT_UNITS = ['b', 'Kb', 'Mb', 'Gb', 'Tb'];

/** `value` scaled by 1000s: [number text, unit]. Three significant digits, at most 5 characters. */
function scale(value: number, units: readonly string[]): [string, string] {
	let v = Math.max(0, value);
	let i = 0;
	while (v >= 999.95 && i < units.length - 1) {
		v /= 1000;
		i++;
	}
	const text = i === 0 ? String(Math.round(v)) : v >= 99.95 ? v.toFixed(0) : v.toFixed(1);
	return [text, units[i]!];
}

/** `  1.2 KB/s`, `820.0 Mb/s`, `    – B/s` for unknown. Always 10 characters. */
export function formatRate(bytesPerSecond: number | null, unit: RateUnit): string {
	const units = unit === 'bits' ? BIT_UNITS : BYTE_UNITS;
	if (bytesPerSecond === null) return `${'–'.padStart(5)} ${`${units[0]}/s`.padEnd(4)}`;
	const [n, u] = scale(unit === 'bits' ? bytesPerSecond * 8 : bytesPerSecond, units);
	return `${n.padStart(5)} ${`${u}/s`.padEnd(4)}`;
}

/** Totals in the same units as the rates: `  1.2 MB`, `  9.6 Mb`. Always 8 characters. */
export function formatTotal(bytes: number, unit: RateUnit): string {
	const [n, u] = scale(unit === 'bits' ? bytes * 8 : bytes, unit === 'bits' ? BIT_UNITS : BYTE_UNITS);
	return `${n.padStart(5)} ${u.padEnd(2)}`;
}

const SPARK = '▁▂▃▄▅▆▇█';
const SPARK_ASCII = '_.-=+*#@';

/** Below this, a rate draws no higher than the lowest bar: idle links do not look busy. */
const SPARK_FLOOR = 1000;

/**
 * A sparkline of `values`, `width` characters wide. When there are more values than
 * characters, each character is the peak of its share of them, so the whole history fits.
 */
export function sparkline(values: readonly number[], width: number, ascii = false): string {
	if (width <= 0) return '';
	const ramp = ascii ? SPARK_ASCII : SPARK;
	const buckets: number[] = [];
	if (values.length <= width) buckets.push(...values);
	else for (let i = 0; i < width; i++) {
		const from = Math.floor((i * values.length) / width);
		const to = Math.floor(((i + 1) * values.length) / width);
		buckets.push(Math.max(...values.slice(from, Math.max(to, from + 1))));
	}
	const max = Math.max(...buckets, SPARK_FLOOR);
	const chars = buckets.map(v => (v <= 0 ? ' ' : ramp[Math.max(0, Math.min(ramp.length - 1, Math.round((v / max) * (ramp.length - 1))))]!));
	return chars.join('').padStart(width);
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const graphemes = new Intl.Segmenter();
/** Widths of the characters seen so far: a dashboard shows the same few again and again. */
const widths = new Map<string, number>();

/** Terminal columns of a text: one a character when it is printable ASCII, as most are. */
export function textWidth(text: string): number {
	return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}

function graphemeWidth(grapheme: string): number {
	let width = widths.get(grapheme);
	if (width === undefined) {
		width = stringWidth(grapheme);
		if (widths.size < 4096) widths.set(grapheme, width);
	}
	return width;
}

/**
 * Untrusted or not, text for a cell: sanitised, cut to `width` terminal columns (with … when
 * cut), and padded to exactly `width`.
 */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) return '';
	let s = sanitize(text);
	let shown = 0;
	if (PRINTABLE_ASCII.test(s)) {
		// most cells (numbers, rates, most names): one column per character, measured for free
		if (s.length > width) s = `${s.slice(0, width - 1)}…`;
		shown = s.length;
	} else {
		// measured one character (grapheme) at a time, and cut where the next would not fit
		const kept: string[] = [];
		let cut = -1;
		for (const {segment} of graphemes.segment(s)) {
			const w = graphemeWidth(segment);
			if (cut < 0 && shown + w > width - 1) cut = kept.length;
			kept.push(segment);
			shown += w;
		}
		if (shown > width) {
			s = `${kept.slice(0, cut).join('')}…`;
			shown = kept.slice(0, cut).reduce((sum, g) => sum + graphemeWidth(g), 0) + 1;
		}
	}
	const pad = ' '.repeat(Math.max(0, width - shown));
	return align === 'left' ? s + pad : pad + s;
}

/** `12:04:05` in local time. */
export function clock(ms: number): string {
	const d = new Date(ms);
	return [d.getHours(), d.getMinutes(), d.getSeconds()].map(n => String(n).padStart(2, '0')).join(':');
}

/** `3s`, `4m`, `2h`, `5d`: how long ago. */
export function ago(fromMs: number, nowMs: number): string {
	const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m`;
	if (s < 86400) return `${Math.floor(s / 3600)}h`;
	return `${Math.floor(s / 86400)}d`;
}
