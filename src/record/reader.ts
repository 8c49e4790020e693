/**
 * Reading a recording back. A damaged file (cut short, or a line that is not what it should be)
 * is read up to the damage, and the damage is reported: where, and what.
 */
import type {Action} from '../store/actions.js';
import {Decoder, isHeader, isLine, VERSION, type RecordingHeader} from './format.js';
import {isValidAction} from './validate.js';

export interface TimedAction {
	/** Milliseconds since the recording started. */
	readonly t: number;
	readonly action: Action;
}

export interface Recording {
	readonly header: RecordingHeader;
	readonly actions: readonly TimedAction[];
	/** Where and why reading stopped before the end, or null. */
	readonly damage: string | null;
}

export class RecordingError extends Error {}

function parse(line: string): unknown {
	try {
		return JSON.parse(line);
	} catch {
		return undefined;
	}
}

/** @throws RecordingError when this is not a recording at all */
export function readRecording(text: string, name = 'the file'): Recording {
	const lines = text.split('\n');
	const complete = text.endsWith('\n');
	if (complete) lines.pop();
	const header = parse(lines[0] ?? '');
	if (!isHeader(header)) throw new RecordingError(`${name} is not a netwatch recording (its first line should say so)`);
	if (header.version > VERSION) throw new RecordingError(`${name} is a version ${header.version} recording; this netwatch reads versions 1 to ${VERSION}`);

	const decoder = new Decoder();
	const actions: TimedAction[] = [];
	let damage: string | null = null;
	let last = 0;
	for (let i = 1; i < lines.length; i++) {
		const raw = lines[i]!;
		const value = parse(raw);
		const number = i + 1;
		if (!isLine(value)) {
			const cut = i === lines.length - 1 && !complete;
			damage = cut ? `the recording is cut short in line ${number}` : `line ${number} is damaged (${raw.trim() === '' ? 'empty' : 'not a recorded action'})`;
			break;
		}
		if (value.t < last) {
			damage = `line ${number} goes back in time`;
			break;
		}
		last = value.t;
		let action: Action | null;
		try {
			action = decoder.decode(value);
		} catch {
			action = null;
		}
		if (!action || !isValidAction(action)) {
			damage = `line ${number} is damaged (not a recorded action)`;
			break;
		}
		actions.push({t: value.t, action});
	}
	return {header, actions, damage};
}
