/**
 * Per-second rates from two readings of a counter. Pure.
 *
 * A counter that goes down was reset (the interface was recreated) or, for drivers that keep
 * 32-bit counters, wrapped at 2^32. A wrap is only assumed when the old value sat in the top
 * half of the 32-bit range, so a reset never turns into a huge rate; after a reset the rate is
 * unknown (null) for one sample.
 */
import type {Counters} from '../model.js';

const WRAP = 2 ** 32;

/** Bytes (or packets) added between two readings, or null if the counter was reset. */
export function counterDelta(previous: number, current: number): number | null {
	if (current >= previous) return current - previous;
	if (previous < WRAP && previous >= WRAP / 2 && current < WRAP / 2) return WRAP - previous + current;
	return null;
}

export function rate(previous: number, current: number, seconds: number): number | null {
	if (!(seconds > 0)) return null;
	const delta = counterDelta(previous, current);
	return delta === null ? null : delta / seconds;
}

export interface Rates {
	readonly rxRate: number | null;
	readonly txRate: number | null;
}

export function interfaceRates(previous: Counters | undefined, current: Counters, seconds: number): Rates {
	if (!previous) return {rxRate: null, txRate: null};
	return {
		rxRate: rate(previous.rxBytes, current.rxBytes, seconds),
		txRate: rate(previous.txBytes, current.txBytes, seconds),
	};
}

/**
 * Append to a fixed-length history, returning a new array; or the history itself when it is full
 * of that value alone (it would be the same): a quiet interface's zeros are not copied at every
 * sample, which at a thousand containers is two megabytes a second.
 */
export function pushHistory(history: readonly number[], value: number, length: number): readonly number[] {
	if (history.length === length && history.every(v => v === value)) return history;
	const next = history.length >= length ? history.slice(history.length - length + 1) : history.slice();
	next.push(value);
	return next;
}
