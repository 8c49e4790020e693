/**
 * The Docker collector: one events stream, and inspect on events only.
 *
 * Connect: GET /version, then subscribe to GET /events, then list and inspect the containers
 * and list the networks. Subscribing before listing means nothing that happens in between is
 * missed. Every container or network event leads to one inspect of that container; nothing is
 * polled. An event's inspect waits INSPECT_DEBOUNCE_MS for the events that come with it, and
 * under a flood of events a container is inspected at most once per INSPECT_SPACING_MS;
 * inspects run at most INSPECT_CONCURRENCY at a time; one asked for while its container is
 * being inspected runs again after that one, so the last word is never older than the last
 * event.
 *
 * When the stream drops, reconnect with backoff and `since` set to the last event's timeNano
 * (inclusive, so the events already seen at that instant are skipped), then resynchronise the
 * container list: events from while the daemon was down exist only there.
 */
import type {IncomingMessage} from 'node:http';
import {PING_TIMEOUT_MS, type DockerApi} from '../docker/api.js';
import {explainDockerError} from '../docker/errors.js';
import type {ContainerInfo, DockerStatus, NetworkInfo} from '../model.js';
import {parseContainerInspect, parseNetworkInspect} from '../parsers/docker-container.js';
import {eventLines, isQuietAction, nanoToSince, parseEventLine, statusAfter, type DockerEvent} from '../parsers/docker-events.js';
import type {Action} from '../store/actions.js';
import {SlicedQueue} from '../util/sliced-queue.js';

export type Dispatch = (action: Action) => void;
export type EventListener = (event: DockerEvent) => void;
export type SyncListener = (containers: readonly ContainerInfo[]) => void;

export interface DockerCollectorOptions {
	readonly api: DockerApi;
	readonly dispatch: Dispatch;
	/** Whether the endpoint is a local unix socket. */
	readonly local: boolean;
	/** The docker CLI context that named the endpoint, if any: said in the status. */
	readonly context?: string | null;
	readonly minBackoffMs?: number;
	readonly maxBackoffMs?: number;
}

/** Inspects in flight at most, events and resyncs together. */
const INSPECT_CONCURRENCY = 8;
/** An event's inspect waits this long for the events that follow it (a burst asks once). */
const INSPECT_DEBOUNCE_MS = 100;
/** The least time between two event-driven inspects of one container. */
const INSPECT_SPACING_MS = 500;
/** Ids of destroyed containers remembered, so a late inspect cannot bring one back. */
const GONE_REMEMBERED = 10_000;

function isNotFound(error: unknown): boolean {
	return (error as {statusCode?: unknown})?.statusCode === 404;
}

interface Inspection {
	readonly promise: Promise<ContainerInfo | null>;
	/** Another inspect, asked for while this one was on its way. */
	again: Promise<ContainerInfo | null> | null;
}

export class DockerCollector {
	private readonly api: DockerApi;
	private readonly dispatch: Dispatch;
	private readonly listeners = new Set<EventListener>();
	private readonly syncListeners = new Set<SyncListener>();
	private status: DockerStatus;
	private stream: IncomingMessage | undefined;
	/** The events read from the stream and not handled yet. */
	private backlog: SlicedQueue<string> | undefined;
	private retry: NodeJS.Timeout | undefined;
	private backoff: number;
	private stopped = false;
	/** Bumped by each connect: work of an older connection is dropped. */
	private generation = 0;
	/** The last event received, and the events seen at its instant: where a reconnect resumes. */
	private lastTimeNano: string | null = null;
	private seenAtLast = new Set<string>();
	/** After a reconnect: the events at `since` that were already seen, to skip once more. */
	private replayed: {timeNano: string; keys: Set<string>} | null = null;
	private readonly inspections = new Map<string, Inspection>();
	/** Inspects asked for by events, waiting out INSPECT_DEBOUNCE_MS. */
	private readonly soon = new Map<string, NodeJS.Timeout>();
	/** When each container's last event-driven inspect began (performance.now()). */
	private readonly inspectedAt = new Map<string, number>();
	private readonly waiting: (() => void)[] = [];
	private active = 0;
	private readonly gone = new Set<string>();
	private readonly known = new Map<string, ContainerInfo>();
	/** Containers that had events while a resync was listing: inspected again after it. */
	private touchedDuringResync: Set<string> | null = null;
	private networksRefresh: {running: boolean; again: boolean} = {running: false, again: false};
	private readyResolve!: () => void;
	/** Resolves once the first attempt to connect has finished, whatever its outcome. */
	readonly ready: Promise<void>;

	constructor(private readonly options: DockerCollectorOptions) {
		this.api = options.api;
		this.dispatch = options.dispatch;
		this.backoff = options.minBackoffMs ?? 250;
		this.status = {
			endpoint: options.api.endpoint.url,
			context: options.context ?? null,
			version: null,
			apiVersion: null,
			error: null,
			state: 'connecting',
			local: options.local,
			badEventLines: 0,
		};
		this.ready = new Promise(resolve => {
			this.readyResolve = resolve;
		});
	}

	/** Listen to every event, after it has been dispatched to the store. */
	onEvent(listener: EventListener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Listen to every full resynchronisation (the first connect, and each reconnect). */
	onSync(listener: SyncListener): () => void {
		this.syncListeners.add(listener);
		return () => this.syncListeners.delete(listener);
	}

	get dockerStatus(): DockerStatus {
		return this.status;
	}

	start(): void {
		void this.connect();
	}

	stop(): void {
		this.stopped = true;
		clearTimeout(this.retry);
		for (const timer of this.soon.values()) clearTimeout(timer);
		this.soon.clear();
		this.stream?.destroy();
		this.stream = undefined;
		this.backlog?.clear();
	}

	/**
	 * What Docker says of this container now: inspected, dispatched (or removed, on 404), and
	 * returned. A call that arrives while an inspect of the same container is on its way gets a
	 * new inspect after it, shared with any other call that arrives meanwhile.
	 */
	inspect(id: string): Promise<ContainerInfo | null> {
		const current = this.inspections.get(id);
		if (!current) return this.startInspection(id);
		current.again ??= current.promise.then(() => this.inspect(id));
		return current.again;
	}

	/**
	 * Inspect after the events of this instant have all arrived, and not sooner than
	 * INSPECT_SPACING_MS after the last time: a burst of events asks once.
	 */
	private inspectSoon(id: string): void {
		if (this.soon.has(id)) return;
		const wait = Math.max(INSPECT_DEBOUNCE_MS, (this.inspectedAt.get(id) ?? -Infinity) + INSPECT_SPACING_MS - performance.now());
		this.soon.set(
			id,
			setTimeout(() => {
				this.soon.delete(id);
				this.inspectedAt.set(id, performance.now());
				void this.inspect(id);
			}, wait),
		);
	}

	/** Drop an event's inspect that has not started yet. */
	private unschedule(id: string): void {
		clearTimeout(this.soon.get(id));
		this.soon.delete(id);
	}

	/** The container as last inspected. */
	container(id: string): ContainerInfo | undefined {
		return this.known.get(id);
	}

	/** Every container as last inspected. */
	containers(): ContainerInfo[] {
		return [...this.known.values()];
	}

	get docker(): DockerApi {
		return this.api;
	}

	private startInspection(id: string): Promise<ContainerInfo | null> {
		const inspection: Inspection = {
			promise: this.limited(() => this.inspectOnce(id)).finally(() => {
				if (this.inspections.get(id) === inspection) this.inspections.delete(id);
			}),
			again: null,
		};
		this.inspections.set(id, inspection);
		return inspection.promise;
	}

	/** Run `task` when fewer than INSPECT_CONCURRENCY others are running. */
	private async limited<T>(task: () => Promise<T>): Promise<T> {
		if (this.active >= INSPECT_CONCURRENCY) await new Promise<void>(resolve => this.waiting.push(resolve));
		this.active++;
		try {
			return await task();
		} finally {
			this.active--;
			this.waiting.shift()?.();
		}
	}

	private async inspectOnce(id: string): Promise<ContainerInfo | null> {
		try {
			const info = parseContainerInspect(await this.api.inspectContainer(id));
			// destroyed while the answer was on its way: it must not come back
			if (!info || this.stopped || this.gone.has(info.id)) return null;
			this.known.set(info.id, info);
			this.dispatch({type: 'container', container: info});
			return info;
		} catch (error) {
			if (isNotFound(error)) this.forget(id);
			return null;
		}
	}

	private forget(id: string): void {
		this.unschedule(id);
		this.inspectedAt.delete(id);
		this.gone.add(id);
		if (this.gone.size > GONE_REMEMBERED) this.gone.delete(this.gone.values().next().value!);
		if (this.known.delete(id)) this.dispatch({type: 'container-removed', id});
	}

	private setStatus(patch: Partial<DockerStatus>): void {
		this.status = {...this.status, ...patch};
		this.dispatch({type: 'docker', status: this.status});
	}

	private async connect(): Promise<void> {
		if (this.stopped) return;
		const generation = ++this.generation;
		const current = (): boolean => generation === this.generation && !this.stopped;
		try {
			const version = await this.api.version(AbortSignal.timeout(PING_TIMEOUT_MS));
			if (!current()) return;
			await this.subscribe(current);
			if (!current()) return;
			this.setStatus({version: version.Version ?? null, apiVersion: version.ApiVersion ?? null, error: null, state: 'connected'});
			await this.resync(current);
			this.backoff = this.options.minBackoffMs ?? 250;
		} catch (error) {
			if (current()) {
				this.stream?.destroy();
				this.stream = undefined;
				this.fail(error);
			}
		} finally {
			this.readyResolve();
		}
	}

	private fail(error: unknown): void {
		if (this.stopped) return;
		// a newer connection takes over; whatever the older one was doing is now stale
		this.generation++;
		const wasConnected = this.status.state === 'connected' || this.status.state === 'reconnecting';
		this.setStatus({
			error: explainDockerError(error, this.api.endpoint),
			state: wasConnected ? 'reconnecting' : 'unavailable',
		});
		clearTimeout(this.retry);
		this.retry = setTimeout(() => void this.connect(), this.backoff);
		this.backoff = Math.min(this.backoff * 2, this.options.maxBackoffMs ?? 5_000);
	}

	private async subscribe(current: () => boolean): Promise<void> {
		const since = this.lastTimeNano === null ? undefined : nanoToSince(this.lastTimeNano);
		this.replayed = this.lastTimeNano === null ? null : {timeNano: this.lastTimeNano, keys: new Set(this.seenAtLast)};
		const stream = await this.api.events(since);
		if (!current()) {
			stream.destroy();
			return;
		}
		this.stream = stream;
		const lines = eventLines();
		// read at once, always (the daemon drops the events of a reader that falls behind), and
		// handled in slices (a key pressed during a flood is drawn before the flood's backlog)
		const backlog = new SlicedQueue<string>(line => this.handleLine(line));
		this.backlog = backlog;
		let ended = false;
		const onEnd = (error?: unknown): void => {
			if (ended) return;
			ended = true;
			backlog.push(lines.end());
			// what the stream brought comes before anything a reconnect brings
			if (!this.stopped) backlog.flush();
			if (this.stream !== stream || this.stopped) return;
			this.stream = undefined;
			this.fail(error ?? Object.assign(new Error('events stream ended'), {code: 'ECONNRESET'}));
		};
		stream.on('data', (chunk: Buffer) => {
			const overlong = lines.overlong;
			backlog.push(lines.push(chunk));
			if (lines.overlong > overlong) this.setStatus({badEventLines: this.status.badEventLines + lines.overlong - overlong});
		});
		stream.on('end', () => onEnd());
		stream.on('close', () => onEnd());
		stream.on('error', error => onEnd(error));
		stream.on('aborted', () => onEnd());
	}

	private handleLine(line: string): void {
		if (line.trim() === '') return;
		const event = parseEventLine(line);
		if (!event) {
			this.setStatus({badEventLines: this.status.badEventLines + 1});
			return;
		}
		if (!this.isNew(event)) return;
		this.dispatch({type: 'event', event});
		for (const listener of this.listeners) listener(event);
		this.follow(event);
	}

	/**
	 * Skip what a reconnect delivers a second time: `since` is inclusive, so the events of the
	 * last instant seen come again. Nothing else is dropped, not even an event stamped earlier
	 * than the one before it (the daemon's clock may step back).
	 */
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

	/** What an event means for the model. */
	private follow(event: DockerEvent): void {
		const id = event.kind === 'container' ? event.actorId : event.attributes['container'];
		if (id) this.touchedDuringResync?.add(id);
		if (event.kind === 'container') {
			if (event.action === 'destroy') this.forget(event.actorId);
			else if (!isQuietAction(event.action) && statusAfter(event.action) === null) this.inspectSoon(event.actorId);
		} else if (event.kind === 'network') {
			const container = event.attributes['container'];
			if ((event.action === 'connect' || event.action === 'disconnect') && container) this.inspectSoon(container);
			if (event.action === 'create' || event.action === 'destroy') void this.refreshNetworks();
		}
	}

	/** One list of networks at a time; a request during one runs once after it. */
	private async refreshNetworks(): Promise<void> {
		if (this.networksRefresh.running) {
			this.networksRefresh.again = true;
			return;
		}
		this.networksRefresh = {running: true, again: false};
		try {
			const raw = await this.api.listNetworks();
			const networks = raw.map(parseNetworkInspect).filter((n): n is NetworkInfo => n !== null);
			if (!this.stopped) this.dispatch({type: 'networks', networks});
		} catch {
			// the next network event or reconnect tries again
		} finally {
			const again = this.networksRefresh.again;
			this.networksRefresh = {running: false, again: false};
			if (again) void this.refreshNetworks();
		}
	}

	/** List everything again and replace the store's view of it. */
	private async resync(current: () => boolean): Promise<void> {
		const touched = new Set<string>();
		this.touchedDuringResync = touched;
		try {
			const [list] = await Promise.all([this.api.listContainers(), this.refreshNetworks()]);
			const infos = await Promise.all(
				list.map(c =>
					this.limited(async () => {
						try {
							return parseContainerInspect(await this.api.inspectContainer(c.Id));
						} catch {
							// removed between list and inspect, or stuck: the next event brings it back
							return null;
						}
					}),
				),
			);
			if (!current()) return;
			this.known.clear();
			for (const info of infos) if (info && !this.gone.has(info.id)) this.known.set(info.id, info);
			// containers removed while the stream was down leave no destroy event to forget them by
			for (const id of this.inspectedAt.keys()) if (!this.known.has(id)) this.inspectedAt.delete(id);
			const containers = [...this.known.values()];
			this.dispatch({type: 'containers', containers});
			for (const listener of this.syncListeners) listener(containers);
		} finally {
			if (this.touchedDuringResync === touched) this.touchedDuringResync = null;
			if (current()) {
				for (const id of touched) {
					this.unschedule(id);
					void this.inspect(id);
				}
			}
		}
	}
}
