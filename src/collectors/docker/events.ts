/**
 * Docker's events stream, every event delivered once, in order.
 *
 * Read at once, always: the daemon drops the events of a reader that falls behind (its channel
 * to each reader holds 1024, and waits 100 ms). Handled in slices of a few milliseconds, each in
 * a turn of the event loop of its own, so that a key pressed during a flood is drawn before the
 * flood's backlog.
 *
 * Opened again after a drop with `since` set to the last event's timeNano, which is inclusive:
 * the events already seen at that very instant come again, and are skipped. Nothing else is
 * dropped, not even an event stamped earlier than the one before it (the daemon's clock may
 * step back).
 */
import type {IncomingMessage} from 'node:http';
import type {DockerApi} from '../../docker/api.js';
import {eventLines, nanoToSince, parseEventLine, type DockerEvent} from '../../parsers/docker-events.js';
import {SlicedQueue} from '../../util/sliced-queue.js';

export interface EventFeedHandlers {
	/** Each event, once. */
	readonly event: (event: DockerEvent) => void;
	/** Lines that were not events (they did not parse, or were far too long): skipped. */
	readonly badLines: (count: number) => void;
	/** The stream ended or failed; what it brought has all been handled. */
	readonly ended: (error: unknown) => void;
}

export class EventFeed {
	private stream: IncomingMessage | undefined;
	private backlog: SlicedQueue<string> | undefined;
	/** The last event received, and the events seen at its instant: where a reopen resumes. */
	private lastTimeNano: string | null = null;
	private seenAtLast = new Set<string>();
	/** After a reopen: the events at `since` that were already seen, to skip once more. */
	private replayed: {timeNano: string; keys: Set<string>} | null = null;

	constructor(
		private readonly api: DockerApi,
		private readonly handlers: EventFeedHandlers,
	) {}

	/** Subscribe, from the last event seen if there was one. `stale` says the opener gave up meanwhile. */
	async open(stale: () => boolean): Promise<void> {
		const since = this.lastTimeNano === null ? undefined : nanoToSince(this.lastTimeNano);
		this.replayed = this.lastTimeNano === null ? null : {timeNano: this.lastTimeNano, keys: new Set(this.seenAtLast)};
		const stream = await this.api.events(since);
		if (stale()) {
			stream.destroy();
			return;
		}
		this.stream = stream;
		const lines = eventLines();
		const backlog = new SlicedQueue<string>(line => this.handleLine(line));
		this.backlog = backlog;
		let ended = false;
		const onEnd = (error?: unknown): void => {
			if (ended) return;
			ended = true;
			backlog.push(lines.end());
			// what this stream brought comes before anything the next one brings
			if (this.stream !== stream) return;
			backlog.flush();
			this.stream = undefined;
			this.handlers.ended(error ?? Object.assign(new Error('events stream ended'), {code: 'ECONNRESET'}));
		};
		stream.on('data', (chunk: Buffer) => {
			const overlong = lines.overlong;
			backlog.push(lines.push(chunk));
			if (lines.overlong > overlong) this.handlers.badLines(lines.overlong - overlong);
		});
		stream.on('end', () => onEnd());
		stream.on('close', () => onEnd());
		stream.on('error', error => onEnd(error));
		stream.on('aborted', () => onEnd());
	}

	/** Stop reading, and drop what waits: nothing more is delivered. */
	close(): void {
		const stream = this.stream;
		this.stream = undefined;
		this.backlog?.clear();
		stream?.destroy();
	}

	private handleLine(line: string): void {
		if (line.trim() === '') return;
		const event = parseEventLine(line);
		if (!event) {
			this.handlers.badLines(1);
			return;
		}
		if (this.isNew(event)) this.handlers.event(event);
	}

	private isNew(event: DockerEvent): boolean {
		const key = `${event.timeNano}|${event.kind}|${event.action}|${event.actorId}|${JSON.stringify(event.attributes)}`;
		if (this.replayed) {
			if (event.timeNano === this.replayed.timeNano && this.replayed.keys.delete(key)) return false;
			if (event.timeNano !== this.replayed.timeNano) this.replayed = null;
		}
		if (event.timeNano !== this.lastTimeNano) {
			this.lastTimeNano = event.timeNano;
			this.seenAtLast = new Set();
		}
		this.seenAtLast.add(key);
		return true;
	}
}
