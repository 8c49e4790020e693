/**
 * `netwatch replay FILE`: a recording in the same dashboard, with no Docker engine at all. When
 * stdout is not a terminal, the state at the end of the recording is printed as a table.
 */
import {readFileSync} from 'node:fs';
import {plainReport} from '../output/table.js';
import {ReplayPlayer} from '../record/player.js';
import {readRecording, RecordingError, type Recording} from '../record/reader.js';
import {deriveSnapshot} from '../store/snapshot.js';
import {initialState, reduce} from '../store/state.js';
import {startUi} from '../views/ui-state.js';
import {EXIT, type ReplayOptions} from './args.js';
import {terminalIo, warn, type Io} from './io.js';

function load(file: string): Recording | string {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		const e = error as NodeJS.ErrnoException;
		const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'it is a directory' : e.message;
		return `cannot read ${file}: ${why}`;
	}
	try {
		return readRecording(text, file);
	} catch (error) {
		if (error instanceof RecordingError) return error.message;
		throw error;
	}
}

async function cast(recording: Recording, out: string, options: ReplayOptions, io: Io): Promise<number> {
	const {renderCast} = await import('./cast.js');
	try {
		renderCast(recording, options.file, out, {...options.size, speed: options.speed, idleLimit: options.idleLimit, color: options.color, ascii: options.ascii, scheme: options.theme, initialUi: startUi(options)});
	} catch (error) {
		const e = error as NodeJS.ErrnoException;
		if (!e.code) throw error;
		warn(io.stderr, `cannot write ${out}: ${e.message.replace(/^\w+: /, '').replace(/, \w+ '.*'$/, '')}`);
		return EXIT.file;
	}
	if (recording.damage) warn(io.stderr, `${options.file}: ${recording.damage}; cast up to there`);
	return EXIT.ok;
}

export async function runReplay(options: ReplayOptions, io: Io): Promise<number> {
	const recording = load(options.file);
	if (typeof recording === 'string') {
		warn(io.stderr, recording);
		return EXIT.file;
	}
	if (options.cast !== null) return cast(recording, options.cast, options, io);
	if ((io.stdout as NodeJS.WriteStream).isTTY !== true) {
		const state = recording.actions.reduce((s, a) => reduce(s, a.action), initialState(''));
		io.stdout.write(plainReport(deriveSnapshot(state, 1), {unit: options.bits ? 'bits' : 'bytes', whole: true}));
		if (recording.damage) warn(io.stderr, `${options.file}: ${recording.damage}; shown up to there`);
		return EXIT.ok;
	}
	const player = new ReplayPlayer(recording, options.speed);
	player.start();
	const {runInteractive} = await import('./dashboard.js');
	try {
		return await runInteractive(player.store, options, terminalIo(io), player);
	} finally {
		player.stop();
	}
}
