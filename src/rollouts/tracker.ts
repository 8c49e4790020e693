/**
 * Rollouts, followed over the store's actions: a Compose service whose containers are replaced
 * by ones of another configuration (its `config-hash` label changes: a new image, environment,
 * command, ...), or that gains replicas. The creation of the first new container opens it, with
 * the service's containers of another configuration as the old ones; each later action (an
 * inspect, a removal, the sockets, a diagnosis) moves it on. What it finds goes back to the store
 * as `rollout` actions; the store keeps them.
 *
 * Done: every old container is removed, and every new one runs, is healthy (if it has a health
 * check) and listens on the ports the old ones listened on. Failed: a new one exited,
 * could not start (State.Error: a port conflict), or is unhealthy; with the diagnosis that
 * explains it, once one is raised.
 */
import type {ContainerInfo, Rollout, RolloutContainer} from '../model.js';
import {nanoToMillis, type DockerEvent} from '../parsers/docker-events.js';
import type {Action} from '../store/actions.js';
import type {State} from '../store/state.js';
import {explaining, failureOf, portsOf, reached} from './progress.js';
import {swarmRollouts} from './swarm.js';

export interface RolloutStore {
	onAction(listener: (action: Action, state: State) => void): () => void;
	dispatch(action: Action): void;
}

/** Actions after which a rollout in progress may have moved on. */
const MOVES: ReadonlySet<Action['type']> = new Set(['container', 'containers', 'container-removed', 'sockets', 'diagnosis']);
/** Containers whose creation was seen and whose first inspect was not, remembered at most. */
const CREATED_KEPT = 1_000;

const serviceKey = (project: string, service: string): string => `${project}/${service}`;

export class RolloutTracker {
	private unsubscribe: (() => void) | null = null;
	private stopped = false;
	/** Rollouts dispatched and not applied yet: an action before then must see them. */
	private readonly pending = new Map<string, Rollout>();
	/** Compose containers created while watching and not inspected yet (id -> `project/service`). */
	private readonly created = new Map<string, string>();
	/** What each service's containers listened on when one was last stopped. */
	private readonly ports = new Map<string, string[]>();
	private readonly now: () => number;

	constructor(
		private readonly store: RolloutStore,
		now: () => number = Date.now,
	) {
		this.now = now;
	}

	start(): void {
		this.unsubscribe = this.store.onAction((action, state) => this.onAction(action, state));
	}

	stop(): void {
		this.stopped = true;
		this.unsubscribe?.();
	}

	/** After the action that the store is applying: what is found goes in after it. */
	private dispatch(rollout: Rollout): void {
		this.pending.set(rollout.id, rollout);
		queueMicrotask(() => {
			if (this.pending.get(rollout.id) === rollout) this.pending.delete(rollout.id);
			if (!this.stopped) this.store.dispatch({type: 'rollout', rollout});
		});
	}

	/** The newest word on each rollout: the store's, or one on its way there. */
	private current(state: State): Map<string, Rollout> {
		return this.pending.size === 0 ? new Map(state.rollouts) : new Map([...state.rollouts, ...this.pending]);
	}

	private onAction(action: Action, state: State): void {
		if (this.stopped) return;
		const current = this.current(state);
		// a Swarm rollout moves on the manager's word, and on its new containers' (health, sockets)
		if (action.type === 'swarm' || MOVES.has(action.type)) for (const r of swarmRollouts(state, current, this.now())) this.dispatch(r);
		const opened = action.type === 'event' ? this.onEvent(action.event, state, current) : null;
		// its first inspect: the container is no longer on its way
		if (action.type === 'container') this.created.delete(action.container.id);
		if (action.type === 'container-removed') this.created.delete(action.id);
		if (!MOVES.has(action.type) && !opened) return;
		const waiting = (r: Rollout): boolean => r.source === 'compose' && (r.outcome === 'in-progress' || (action.type === 'diagnosis' && r.outcome === 'failed' && r.alertId === null));
		const rollouts = [...current.values()].filter(r => waiting(r) && r.id !== opened?.id);
		for (const r of rollouts) {
			const next = this.judge(r, state);
			if (next !== r) this.dispatch(next);
		}
		if (opened) this.dispatch(this.judge(opened, state));
	}

	/**
	 * A Compose container's event. Stopping: the ports it listened on are remembered for its
	 * service (its successor must listen on them; the sockets read next will not have them).
	 * Created: the rollout it opens or joins. The event carries the container's labels, and
	 * comes while the old containers are all still there.
	 */
	private onEvent(event: DockerEvent, state: State, current: ReadonlyMap<string, Rollout>): Rollout | null {
		const a = event.attributes;
		const project = a['com.docker.compose.project'];
		const service = a['com.docker.compose.service'];
		if (event.kind !== 'container' || !project || !service || (a['com.docker.compose.oneoff'] ?? '').toLowerCase() === 'true') return null;
		const key = serviceKey(project, service);
		if (event.action === 'kill' || event.action === 'die' || event.action === 'stop') {
			const ports = portsOf(state, [event.actorId]);
			if (ports.length > 0) this.ports.set(key, ports);
			return null;
		}
		if (event.action !== 'create') return null;
		this.created.set(event.actorId, key);
		if (this.created.size > CREATED_KEPT) this.created.delete(this.created.keys().next().value!);
		const hash = a['com.docker.compose.config-hash'] ?? null;
		const container: RolloutContainer = {id: event.actorId, name: a['name'] ?? event.actorId.slice(0, 12), image: a['image'] ?? '', runningAfterMs: null, healthyAfterMs: null, listeningAfterMs: null};
		const join = (r: Rollout): Rollout | null => (r.containers.some(k => k.id === container.id) ? null : {...r, containers: [...r.containers, container]});
		const peers = [...state.containers.values()].filter(o => o.id !== event.actorId && o.compose?.project === project && o.compose.service === service && !o.compose.oneoff);
		const old = peers.filter(o => o.compose!.configHash !== hash);
		const id = `${key}@${hash ?? container.image}`;
		const update = current.get(id);
		// another replica of the new configuration joins it while it goes on
		if (update?.outcome === 'in-progress') return join(update);
		if (old.length > 0 && !update) return this.opened(event, {project, service, hash, key}, id, 'update', container, old, old, state);
		// a new replica of the configuration the service runs: a scale (the first is a deployment)
		const scale = [...current.values()].find(r => r.kind === 'scale' && r.outcome === 'in-progress' && r.project === project && r.service === service);
		if (scale) return join(scale);
		return peers.length === 0 ? null : this.opened(event, {project, service, hash, key}, `${id}+${event.actorId.slice(0, 12)}`, 'scale', container, [], peers, state);
	}

	/** A rollout opened by a container's creation: `old` are replaced. */
	private opened(
		event: DockerEvent,
		s: {project: string; service: string; hash: string | null; key: string},
		id: string,
		kind: Rollout['kind'],
		container: RolloutContainer,
		old: readonly ContainerInfo[],
		peers: readonly ContainerInfo[],
		state: State,
	): Rollout {
		// what they listen on now, or listened on before they were stopped
		const ports = [...new Set([...portsOf(state, peers.map(p => p.id)), ...(this.ports.get(s.key) ?? [])])].sort();
		return {
			id,
			source: 'compose',
			kind,
			project: s.project,
			service: s.service,
			startedAt: nanoToMillis(event.timeNano),
			old: {configHash: peers[0]?.compose?.configHash ?? null, images: [...new Set(old.map(o => o.image))], containers: old.map(o => ({id: o.id, name: o.name}))},
			configHash: s.hash,
			containers: [container],
			ports,
			outcome: 'in-progress',
			reason: null,
			alertId: null,
			endedAt: null,
		};
	}

	/** The rollout as the state now says: times reached, and its outcome once there is one. */
	private judge(r: Rollout, state: State): Rollout {
		const now = this.now();
		if (r.outcome === 'failed') {
			const alertId = explaining(r, state);
			return alertId === null ? r : {...r, alertId};
		}
		const containers = r.containers.map(k => reached(k, state.containers.get(k.id), r, state, now));
		const next: Rollout = containers.some((k, i) => k !== r.containers[i]) ? {...r, containers} : r;
		const failure = containers.map(k => failureOf(state.containers.get(k.id))).find(f => f !== null);
		if (failure) return {...next, outcome: 'failed', reason: failure, endedAt: now, alertId: explaining(next, state)};
		// Compose removes an old container after it made its successor: while one remains, or a
		// container of the service was made and not inspected yet, more may come
		const key = serviceKey(r.project, r.service);
		const settled = r.old.containers.every(o => !state.containers.has(o.id)) && ![...this.created.values()].includes(key);
		const ready = containers.every(k => {
			const c = state.containers.get(k.id);
			return c?.state === 'running' && (c.health === null || c.health?.status === 'healthy') && (r.ports.length === 0 || k.listeningAfterMs !== null);
		});
		return settled && ready ? {...next, outcome: 'done', endedAt: now} : next;
	}
}
