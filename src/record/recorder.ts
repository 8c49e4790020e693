/**
 * `--record FILE`: every action the store applies, written to FILE as it happens, one line
 * each, so that a crash loses at most the line being written.
 */
import {closeSync, openSync, writeSync} from 'node:fs';
import type {Action} from '../store/actions.js';
import type {Store} from '../store/store.js';
import {Encoder, FORMAT, VERSION, type RecordingHeader} from './format.js';

export class Recorder {
	private readonly fd: number;
	private readonly encoder: Encoder;
	private failure: string | null = null;
	/** Bytes written so far. */
	bytes = 0;

	/** Create or truncate FILE. Throws (with the system's reason) when it cannot be written. */
	constructor(
		readonly path: string,
		header: Omit<RecordingHeader, 'netwatch' | 'version' | 'started'>,
		private readonly now: () => number = Date.now,
	) {
		this.fd = openSync(path, 'w');
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
		try {
			closeSync(this.fd);
		} catch {
			// already closed
		}
	}

	private write(value: unknown): void {
		if (this.failure) return;
		try {
			const line = `${JSON.stringify(value)}\n`;
			writeSync(this.fd, line);
			this.bytes += Buffer.byteLength(line);
		} catch (error) {
			this.failure = `recording to ${this.path} stopped: ${(error as Error).message}`;
		}
	}
}
