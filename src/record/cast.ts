/**
 * asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): what `netwatch replay --cast`
 * writes, for asciinema's player and client. NDJSON: a header object, then one event a line,
 * `[seconds, code, data]`: "o" is output for the terminal, "m" a marker (the player steps
 * through a talk by them).
 *
 *   {"version":2,"width":120,"height":36,"timestamp":1795833000,"title":"netwatch: port-conflict"}
 *   [0,"o","\u001b[?25l\u001b[2J"]
 *   [6.012,"m","2. web2 is the same server…"]
 */
import {escapeJsonControls} from '../util/sanitize.js';

export interface CastHeader {
	readonly width: number;
	readonly height: number;
	/** When the recording started, seconds since the epoch. */
	readonly timestamp: number;
	readonly title: string;
}

export interface CastEvent {
	/** Milliseconds, on the recording's own clock. */
	readonly t: number;
	readonly code: 'o' | 'm';
	readonly data: string;
}

export interface CastTiming {
	/** Played N times faster than recorded. */
	readonly speed: number;
	/** A pause longer than this many seconds is cut to it; null keeps every pause. */
	readonly idleLimit: number | null;
}

/**
 * Event times in seconds from the first event: divided by `speed`, each pause cut to
 * `idleLimit`, rounded to the millisecond (never backwards).
 */
export function castTimes(ms: readonly number[], timing: CastTiming): number[] {
	const out: number[] = [];
	let at = 0;
	ms.forEach((t, i) => {
		if (i > 0) {
			const gap = (t - ms[i - 1]!) / 1000 / timing.speed;
			at += timing.idleLimit === null ? gap : Math.min(gap, timing.idleLimit);
		}
		out.push(Math.round(at * 1000) / 1000);
	});
	return out;
}

/** The whole file. */
export function writeCast(header: CastHeader, events: readonly CastEvent[], timing: CastTiming): string {
	const times = castTimes(
		events.map(e => e.t),
		timing,
	);
	const lines = [JSON.stringify({version: 2, width: header.width, height: header.height, timestamp: header.timestamp, title: header.title})];
	events.forEach((e, i) => lines.push(JSON.stringify([times[i], e.code, e.data])));
	// the "o" data is for a terminal; anything but its own escapes is kept from a terminal that shows the file
	return `${escapeJsonControls(lines.join('\n'))}\n`;
}
