/**
 * `--record FILE`: every action the store applies, written to FILE as it happens, one line
 * each, so that a crash loses at most the line being written. `--agent` writes the same lines
 * to stdout, for a netwatch at the other end of an ssh connection.
 */
import {closeSync, openSync, writeSync} from 'node:fs';
import type {Action} from '../store/actions.js';
import type {Store} from '../store/store.js';
import {Encoder, FORMAT, VERSION, type RecordingHeader} from './format.js';

/** Where the lines go: a file, or a stream. */
export interface RecordSink {
	/** Named in an error: the file's path, or `stdout`. */
	readonly name: string;
	write(line: string): void;
	close(): void;
}

/** Create or truncate FILE. Throws (with the system's reason) when it cannot be written. */
export function fileSink(path: string): RecordSink {
	const fd = openSync(path, 'w');
	return {
		name: path,
		write: line => writeSync(fd, line),
		close: () => {
			try {
				closeSync(fd);
			} catch {
				// already closed
			}
		},
	};
}

export class Recorder {
	private readonly encoder: Encoder;
	private failure: string | null = null;
	/** Bytes written so far. */
	bytes = 0;

	constructor(
		private readonly sink: RecordSink,
		header: Omit<RecordingHeader, 'netwatch' | 'version' | 'started'>,
		private readonly now: () => number = Date.now,
	) {
		const started = this.now();
		this.encoder = new Encoder(started);
		this.write({netwatch: FORMAT, version: VERSION, started: new Date(started).toISOString(), ...header});
	}

	/** Why recording stopped early (the disk filled up, ...), if it did. */
	get error(): string | null {
		return this.failure;
	}

	record(action: Action): void {
		this.write(this.encoder.encode(action, this.now()));
	}

	attach(store: Store): () => void {
		return store.onAction(action => this.record(action));
	}

	close(): void {
		this.sink.close();
	}

	private write(value: unknown): void {
		if (this.failure) return;
		try {
			const line = `${JSON.stringify(value)}\n`;
			this.sink.write(line);
			this.bytes += Buffer.byteLength(line);
		} catch (error) {
			this.failure = `recording to ${this.sink.name} stopped: ${(error as Error).message}`;
		}
	}
}
