/**
 * `netwatch replay --cast`: the asciicast v2 format (header, "o" frames, "m" markers, times),
 * from the shipped recording (demo/port-conflict.ndjson, recorded by demo/record).
 */
import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {castEvents} from '../../src/cli/cast.js';
import {castTimes, writeCast} from '../../src/record/cast.js';
import {readRecording, type Recording, type TimedAction} from '../../src/record/reader.js';

const shipped = readRecording(readFileSync(new URL('../../demo/port-conflict.ndjson', import.meta.url), 'utf8'));
const OPTIONS = {columns: 120, rows: 36, speed: 2, idleLimit: null, color: true, ascii: false};

/** The shipped recording with a caption at each of these times, where none was. */
function withCaptions(recording: Recording, captions: Record<number, string>): Recording {
	const actions: TimedAction[] = recording.actions.filter(a => a.action.type !== 'caption');
	for (const [t, text] of Object.entries(captions)) {
		const at = actions.findIndex(a => a.t > Number(t));
		actions.splice(at, 0, {t: Number(t), action: {type: 'caption', text}});
	}
	return {...recording, actions};
}

type Line = [number, 'o' | 'm', string];

function parse(cast: string): {header: Record<string, unknown>; events: Line[]} {
	const [first, ...rest] = cast.trimEnd().split('\n');
	return {header: JSON.parse(first!) as Record<string, unknown>, events: rest.map(l => JSON.parse(l) as Line)};
}

describe('cast times', () => {
	it('start at 0, follow the speed, and cut pauses to the idle limit', () => {
		expect(castTimes([500, 1500, 11500, 11750], {speed: 1, idleLimit: null})).toEqual([0, 1, 11, 11.25]);
		expect(castTimes([500, 1500, 11500, 11750], {speed: 2, idleLimit: null})).toEqual([0, 0.5, 5.5, 5.625]);
		expect(castTimes([500, 1500, 11500, 11750], {speed: 1, idleLimit: 2})).toEqual([0, 1, 3, 3.25]);
	});
});

describe('a cast of the shipped recording', () => {
	const alert = shipped.actions.find(a => a.action.type === 'diagnosis' && a.action.finding.kind === 'EADDRINUSE')!;
	const recording = withCaptions(shipped, {2000: '1. web1 serves port 8080', [alert.t - 500]: '2. web2 \u001b]0;x\u0007is the same server'});
	const events = castEvents(recording, OPTIONS);
	const cast = writeCast({width: 120, height: 36, timestamp: 1_795_837_413, title: 'netwatch replay port-conflict.ndjson'}, events, {speed: 2, idleLimit: 3});
	const {header, events: lines} = parse(cast);

	it('has the asciicast v2 header', () => {
		expect(header).toEqual({version: 2, width: 120, height: 36, timestamp: 1_795_837_413, title: 'netwatch replay port-conflict.ndjson'});
	});

	it('has a marker at the alert and at each caption, sanitised, at their times', () => {
		const markers = events.filter(e => e.code === 'm');
		const alertMessage = alert.action.type === 'diagnosis' ? alert.action.finding.message : '';
		expect(markers).toEqual([
			{t: 2000, code: 'm', data: '1. web1 serves port 8080'},
			{t: alert.t - 500, code: 'm', data: '2. web2 is the same server'},
			{t: alert.t, code: 'm', data: alertMessage},
		]);
		// one marker for the alert: its resolution and its repeats are not news
		expect(lines.filter(l => l[1] === 'm').map(l => l[2])).toEqual(markers.map(m => m.data));
	});

	it('draws each frame whole, at the size asked, with no pause over the idle limit', () => {
		const frames = lines.filter(l => l[1] === 'o').slice(1);
		expect(frames.length).toBeGreaterThan(10);
		for (const [, , data] of frames) {
			expect(data.startsWith('\u001b[H')).toBe(true);
			// the frame is one row shorter than the terminal (see layout.ts)
			expect(data.split('\r\n')).toHaveLength(35);
		}
		expect(frames.at(-1)![2]).toContain('end of recording');
		const times = lines.map(l => l[0]);
		times.forEach((t, i) => i > 0 && expect(t - times[i - 1]!).toBeGreaterThanOrEqual(0));
		times.forEach((t, i) => i > 0 && expect(t - times[i - 1]!).toBeLessThanOrEqual(3));
	});

	it('keeps the terminal controls of the frames and nothing else raw in the file', () => {
		// JSON escapes every control; the file itself is plain text
		expect(cast).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
		expect(lines.some(l => l[2].includes('\u001b[33mREPLAY ×2'))).toBe(true);
	});
});
