/**
 * The Docker collector: one events stream, and inspect on events only.
 *
 * Connect: GET /version, then subscribe to GET /events, then list and inspect the containers
 * and list the networks. Subscribing before listing means nothing that happens in between is
 * missed. Every container or network event leads to one inspect of that container; nothing is
 * polled.
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
import {LineSplitter, compareNano, nanoToSince, parseEventLine, type DockerEvent} from '../parsers/docker-events.js';
import type {Action} from '../store/actions.js';

export type Dispatch = (action: Action) => void;
export type EventListener = (event: DockerEvent) => void;
export type SyncListener = (containers: readonly ContainerInfo[]) => void;

export interface DockerCollectorOptions {
	readonly api: DockerApi;
	readonly dispatch: Dispatch;
	/** Whether /proc here is the daemon's (a local unix socket). */
	readonly local: boolean;
	readonly minBackoffMs?: number;
	readonly maxBackoffMs?: number;
	readonly inspectConcurrency?: number;
}

/** Container actions that do not change what inspect would say. */
const QUIET_ACTIONS = /^(exec_|attach|detach|resize|top|copy|export|commit|archive-path|extract-to-dir)/;

function isNotFound(error: unknown): boolean {
	return (error as {statusCode?: unknown})?.statusCode === 404;
}

export class DockerCollector {
	private readonly api: DockerApi;
	private readonly dispatch: Dispatch;
	private readonly listeners = new Set<EventListener>();
	private readonly syncListeners = new Set<SyncListener>();
	private status: DockerStatus;
	private stream: IncomingMessage | undefined;
	private retry: NodeJS.Timeout | undefined;
	private backoff: number;
	private stopped = false;
	private lastTimeNano: string | null = null;
	private seenAtLast = new Set<string>();
	private readonly inFlight = new Map<string, Promise<ContainerInfo | null>>();
	private readonly known = new Map<string, ContainerInfo>();
	/** Containers that had events while a resync was listing: inspected again after it. */
	private touchedDuringResync: Set<string> | null = null;
	private readyResolve!: () => void;
	/** Resolves once the first attempt to connect has finished, whatever its outcome. */
	readonly ready: Promise<void>;

	constructor(private readonly options: DockerCollectorOptions) {
		this.api = options.api;
		this.dispatch = options.dispatch;
		this.backoff = options.minBackoffMs ?? 250;
		this.status = {
			endpoint: options.api.endpoint.url,
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
		this.stream?.destroy();
		this.stream = undefined;
	}

	/**
	 * Inspect one container now and dispatch what Docker says (or its removal, on 404).
	 * Concurrent calls for the same id share one request.
	 */
	inspect(id: string): Promise<ContainerInfo | null> {
		const running = this.inFlight.get(id);
		if (running) return running;
		const request = this.inspectOnce(id).finally(() => this.inFlight.delete(id));
		this.inFlight.set(id, request);
		return request;
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

	private async inspectOnce(id: string): Promise<ContainerInfo | null> {
		try {
			const info = parseContainerInspect(await this.api.inspectContainer(id));
			if (info && !this.stopped) {
				this.known.set(info.id, info);
				this.dispatch({type: 'container', container: info});
			}
			return info;
		} catch (error) {
			if (isNotFound(error) && this.known.has(id)) {
				this.known.delete(id);
				this.dispatch({type: 'container-removed', id});
			}
			return null;
		}
	}

	private setStatus(patch: Partial<DockerStatus>): void {
		this.status = {...this.status, ...patch};
		this.dispatch({type: 'docker', status: this.status});
	}

	private async connect(): Promise<void> {
		if (this.stopped) return;
		try {
			const version = await this.api.version(AbortSignal.timeout(PING_TIMEOUT_MS));
			if (this.stopped) return;
			await this.subscribe();
			this.setStatus({
				version: version.Version ?? null,
				apiVersion: version.ApiVersion ?? null,
				error: null,
				state: 'connected',
			});
			await this.resync();
			this.backoff = this.options.minBackoffMs ?? 250;
		} catch (error) {
			this.stream?.destroy();
			this.stream = undefined;
			this.fail(error);
		} finally {
			this.readyResolve();
		}
	}

	private fail(error: unknown): void {
		if (this.stopped) return;
		const wasConnected = this.status.state === 'connected' || this.status.state === 'reconnecting';
		this.setStatus({
			error: explainDockerError(error, this.api.endpoint),
			state: wasConnected ? 'reconnecting' : 'unavailable',
		});
		clearTimeout(this.retry);
		this.retry = setTimeout(() => void this.connect(), this.backoff);
		this.backoff = Math.min(this.backoff * 2, this.options.maxBackoffMs ?? 5_000);
	}

	private async subscribe(): Promise<void> {
		const since = this.lastTimeNano === null ? undefined : nanoToSince(this.lastTimeNano);
		const stream = await this.api.events(since);
		this.stream = stream;
		const lines = new LineSplitter();
		let ended = false;
		const onEnd = (error?: unknown): void => {
			if (ended) return;
			ended = true;
			for (const line of lines.end()) this.handleLine(line);
			if (this.stream !== stream || this.stopped) return;
			this.stream = undefined;
			this.fail(error ?? Object.assign(new Error('events stream ended'), {code: 'ECONNRESET'}));
		};
		stream.on('data', (chunk: Buffer) => {
			for (const line of lines.push(chunk)) this.handleLine(line);
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

	/** Drop what a reconnect with an inclusive `since` delivers a second time. */
	private isNew(event: DockerEvent): boolean {
		const key = `${event.timeNano}|${event.kind}|${event.action}|${event.actorId}|${JSON.stringify(event.attributes)}`;
		if (this.lastTimeNano !== null) {
			const order = compareNano(event.timeNano, this.lastTimeNano);
			if (order < 0) return false;
			if (order === 0) {
				if (this.seenAtLast.has(key)) return false;
				this.seenAtLast.add(key);
				return true;
			}
		}
		this.lastTimeNano = event.timeNano;
		this.seenAtLast = new Set([key]);
		return true;
	}

	/** What an event means for the model. */
	private follow(event: DockerEvent): void {
		const id = event.kind === 'container' ? event.actorId : event.attributes['container'];
		if (id) this.touchedDuringResync?.add(id);
		if (event.kind === 'container') {
			if (event.action === 'destroy') {
				this.known.delete(event.actorId);
				this.dispatch({type: 'container-removed', id: event.actorId});
			} else if (!QUIET_ACTIONS.test(event.action)) {
				void this.inspect(event.actorId);
			}
		} else if (event.kind === 'network') {
			const container = event.attributes['container'];
			if ((event.action === 'connect' || event.action === 'disconnect') && container) void this.inspect(container);
			if (event.action === 'create' || event.action === 'destroy') void this.refreshNetworks();
		}
	}

	private async refreshNetworks(): Promise<void> {
		try {
			const raw = await this.api.listNetworks();
			const networks = raw.map(parseNetworkInspect).filter((n): n is NetworkInfo => n !== null);
			this.dispatch({type: 'networks', networks});
		} catch {
			// the next network event or reconnect tries again
		}
	}

	/** List everything again and replace the store's view of it. */
	private async resync(): Promise<void> {
		this.touchedDuringResync = new Set();
		try {
			await this.listAll();
		} finally {
			const touched = this.touchedDuringResync;
			this.touchedDuringResync = null;
			for (const id of touched ?? []) void this.inspect(id);
		}
	}

	private async listAll(): Promise<void> {
		const [list] = await Promise.all([
			this.api.listContainers(),
			this.refreshNetworks(),
		]);
		const infos: ContainerInfo[] = [];
		const ids = list.map(c => c.Id);
		let next = 0;
		const worker = async (): Promise<void> => {
			while (next < ids.length) {
				const id = ids[next++]!;
				try {
					const info = parseContainerInspect(await this.api.inspectContainer(id));
					if (info) infos.push(info);
				} catch (error) {
					// removed between list and inspect: it simply is not there
					if (!isNotFound(error)) throw error;
				}
			}
		};
		await Promise.all(Array.from({length: Math.min(this.options.inspectConcurrency ?? 8, ids.length)}, worker));
		if (this.stopped) return;
		this.known.clear();
		for (const info of infos) this.known.set(info.id, info);
		this.dispatch({type: 'containers', containers: infos});
		for (const listener of this.syncListeners) listener(infos);
	}
}
