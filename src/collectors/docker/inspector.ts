/**
 * Inspecting containers: what Docker says of one now, dispatched to the store (or its removal,
 * on a 404). Nothing is polled: an event asks for an inspect, which waits INSPECT_DEBOUNCE_MS
 * for the events that come with it, and under a flood of events a container is inspected at
 * most once per INSPECT_SPACING_MS. Inspects run at most INSPECT_CONCURRENCY at a time; one
 * asked for while its container is being inspected runs again after that one, so the last word
 * is never older than the last event.
 */
import type {DockerApi} from '../../docker/api.js';
import type {ContainerInfo} from '../../model.js';
import {parseContainerInspect} from '../../parsers/docker-container.js';
import type {Action} from '../../store/actions.js';

/** Inspects in flight at most, events and resyncs together. */
const INSPECT_CONCURRENCY = 8;
/** An event's inspect waits this long for the events that follow it (a burst asks once). */
const INSPECT_DEBOUNCE_MS = 100;
/** The least time between two event-driven inspects of one container. */
const INSPECT_SPACING_MS = 500;
/** Ids of destroyed containers remembered, so that a late inspect cannot bring one back. */
const GONE_REMEMBERED = 10_000;

function isNotFound(error: unknown): boolean {
	return (error as {statusCode?: unknown})?.statusCode === 404;
}

interface Inspection {
	readonly promise: Promise<ContainerInfo | null>;
	/** Another inspect, asked for while this one was on its way. */
	again: Promise<ContainerInfo | null> | null;
}

export class Inspector {
	private readonly inspections = new Map<string, Inspection>();
	/** Inspects asked for by events, waiting out INSPECT_DEBOUNCE_MS. */
	private readonly soonTimers = new Map<string, NodeJS.Timeout>();
	/** When each container's last event-driven inspect began (performance.now()). */
	private readonly inspectedAt = new Map<string, number>();
	private readonly waiting: (() => void)[] = [];
	private active = 0;
	private readonly gone = new Set<string>();
	private stopped = false;

	constructor(
		private readonly api: DockerApi,
		private readonly dispatch: (action: Action) => void,
	) {}

	/**
	 * What Docker says of this container now: inspected, dispatched (or removed, on 404), and
	 * returned. A call that arrives while an inspect of the same container is on its way gets a
	 * new inspect after it, shared with any other call that arrives meanwhile.
	 */
	inspect(id: string): Promise<ContainerInfo | null> {
		const current = this.inspections.get(id);
		if (!current) return this.start(id);
		current.again ??= current.promise.then(() => this.inspect(id));
		return current.again;
	}

	/**
	 * Inspect after the events of this instant have all arrived, and not sooner than
	 * INSPECT_SPACING_MS after the last time: a burst of events asks once.
	 */
	soon(id: string): void {
		if (this.soonTimers.has(id) || this.stopped) return;
		const wait = Math.max(INSPECT_DEBOUNCE_MS, (this.inspectedAt.get(id) ?? -Infinity) + INSPECT_SPACING_MS - performance.now());
		this.soonTimers.set(
			id,
			setTimeout(() => {
				this.soonTimers.delete(id);
				this.inspectedAt.set(id, performance.now());
				void this.inspect(id);
			}, wait),
		);
	}

	/** Inspect now, dropping an event's inspect that has not started yet. */
	now(id: string): void {
		this.unschedule(id);
		void this.inspect(id);
	}

	/** The container is gone (destroyed, or 404): it is removed, and can never come back. */
	forget(id: string): void {
		this.unschedule(id);
		this.inspectedAt.delete(id);
		this.gone.add(id);
		if (this.gone.size > GONE_REMEMBERED) this.gone.delete(this.gone.values().next().value!);
		this.dispatch({type: 'container-removed', id});
	}

	/**
	 * Every container of a list, inspected (at most INSPECT_CONCURRENCY at a time) and not
	 * dispatched: a resync replaces the store's whole list at once. Containers that were removed
	 * meanwhile, or destroyed before, are left out.
	 */
	async all(ids: readonly string[]): Promise<ContainerInfo[]> {
		const infos = await Promise.all(
			ids.map(id =>
				this.limited(async () => {
					try {
						return parseContainerInspect(await this.api.inspectContainer(id));
					} catch {
						// removed between list and inspect, or stuck: the next event brings it back
						return null;
					}
				}),
			),
		);
		const alive = infos.filter((info): info is ContainerInfo => info !== null && !this.gone.has(info.id));
		// containers removed while the stream was down leave no destroy event to forget them by
		const listed = new Set(alive.map(info => info.id));
		for (const id of this.inspectedAt.keys()) if (!listed.has(id)) this.inspectedAt.delete(id);
		return alive;
	}

	stop(): void {
		this.stopped = true;
		for (const timer of this.soonTimers.values()) clearTimeout(timer);
		this.soonTimers.clear();
	}

	private unschedule(id: string): void {
		clearTimeout(this.soonTimers.get(id));
		this.soonTimers.delete(id);
	}

	private start(id: string): Promise<ContainerInfo | null> {
		const inspection: Inspection = {
			promise: this.limited(() => this.once(id)).finally(() => {
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

	private async once(id: string): Promise<ContainerInfo | null> {
		try {
			const info = parseContainerInspect(await this.api.inspectContainer(id));
			// destroyed while the answer was on its way: it must not come back
			if (!info || this.stopped || this.gone.has(info.id)) return null;
			this.dispatch({type: 'container', container: info});
			return info;
		} catch (error) {
			if (isNotFound(error)) this.forget(id);
			return null;
		}
	}
}
