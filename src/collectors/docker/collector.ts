/**
 * The Docker collector: the connection to the engine, and what each event means for the model.
 *
 * Connect: GET /version, then subscribe to the events (events.ts), then list and inspect every
 * container and list the networks (the resync). Subscribing before listing means nothing that
 * happens in between is missed. Every container or network event asks the inspector
 * (inspector.ts) for one inspect of that container; nothing is polled. A swarm manager's
 * services, tasks and nodes are read on the events that change them (swarm.ts). When the
 * stream drops, reconnect with backoff; the events resume from the last one seen, and the resync brings what
 * only a list can tell (containers removed while the daemon was down leave no event).
 *
 * The collector keeps no copy of the containers: the store is their one keeper.
 */
import {PING_TIMEOUT_MS, type DockerApi} from '../../docker/api.js';
import {explainDockerError} from '../../docker/errors.js';
import type {DockerStatus} from '../../model.js';
import {isQuietAction, statusAfter, type DockerEvent} from '../../parsers/docker-events.js';
import type {Action} from '../../store/actions.js';
import {EventFeed} from './events.js';
import {Inspector} from './inspector.js';
import {NetworkList} from './networks.js';
import {SwarmList} from './swarm.js';

export type Dispatch = (action: Action) => void;

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

export class DockerCollector {
	readonly api: DockerApi;
	readonly inspector: Inspector;
	private readonly dispatch: Dispatch;
	private readonly events: EventFeed;
	private readonly networks: NetworkList;
	private readonly swarm: SwarmList;
	private status: DockerStatus;
	private retry: NodeJS.Timeout | undefined;
	private backoff: number;
	private stopped = false;
	/** Bumped by each connect: the work of an older connection is dropped. */
	private generation = 0;
	/** Containers that had events while a resync was listing: inspected again after it. */
	private touchedDuringResync: Set<string> | null = null;
	private readyResolve!: () => void;
	/** Resolves once the first attempt to connect has finished, whatever its outcome. */
	readonly ready: Promise<void>;

	constructor(private readonly options: DockerCollectorOptions) {
		this.api = options.api;
		this.dispatch = options.dispatch;
		this.backoff = options.minBackoffMs ?? 250;
		this.inspector = new Inspector(options.api, options.dispatch);
		this.networks = new NetworkList(options.api, options.dispatch);
		this.swarm = new SwarmList(options.api, options.dispatch);
		this.events = new EventFeed(options.api, {
			event: event => this.onEvent(event),
			badLines: count => this.setStatus({badEventLines: this.status.badEventLines + count}),
			ended: error => this.fail(error),
		});
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

	start(): void {
		void this.connect();
	}

	stop(): void {
		this.stopped = true;
		clearTimeout(this.retry);
		this.inspector.stop();
		this.networks.stop();
		this.swarm.stop();
		this.events.close();
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
			await this.events.open(() => !current());
			if (!current()) return;
			this.setStatus({version: version.Version ?? null, apiVersion: version.ApiVersion ?? null, error: null, state: 'connected'});
			await this.resync(current);
			this.backoff = this.options.minBackoffMs ?? 250;
		} catch (error) {
			if (current()) {
				this.events.close();
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

	/** An event, into the store, and what it means for the model. */
	private onEvent(event: DockerEvent): void {
		this.dispatch({type: 'event', event});
		const id = event.kind === 'container' ? event.actorId : event.attributes['container'];
		if (id) this.touchedDuringResync?.add(id);
		if (event.kind === 'container') {
			if (event.action === 'destroy') this.inspector.forget(event.actorId);
			// pause and unpause say the new status themselves (the reducer applies it)
			else if (!isQuietAction(event.action) && statusAfter(event.action) === null) this.inspector.soon(event.actorId);
		} else if (event.kind === 'network') {
			const container = event.attributes['container'];
			if ((event.action === 'connect' || event.action === 'disconnect') && container) this.inspector.soon(container);
			if (event.action === 'create' || event.action === 'destroy') {
				void this.networks.refresh();
				// joining or leaving a swarm makes or removes its ingress network
				this.swarm.soon();
			}
		} else if (event.kind === 'service' || event.kind === 'node') {
			this.swarm.soon();
		}
		// a task's container: its task moved on (not a health check's exec, which moves nothing)
		if (event.kind === 'container' && event.attributes['com.docker.swarm.task.id'] && !isQuietAction(event.action)) this.swarm.soon();
	}

	/** List everything again and replace the store's view of it. */
	private async resync(current: () => boolean): Promise<void> {
		const touched = new Set<string>();
		this.touchedDuringResync = touched;
		try {
			const [list] = await Promise.all([this.api.listContainers(), this.networks.refresh(), this.swarm.refresh()]);
			const containers = await this.inspector.all(list.map(c => c.Id));
			if (!current()) return;
			this.dispatch({type: 'containers', containers});
		} finally {
			if (this.touchedDuringResync === touched) this.touchedDuringResync = null;
			if (current()) for (const id of touched) this.inspector.now(id);
		}
	}
}
