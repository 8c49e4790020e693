/**
 * Rollouts, followed over the store's actions: a Compose service whose containers are replaced
 * by ones of another configuration (its `config-hash` label changes: a new image, environment,
 * command, ...). The first new container opens the rollout, with the service's other containers
 * as the old ones; each later action (an inspect, a removal, the sockets, a diagnosis) moves it
 * on. What it finds goes back to the store as `rollout` actions; the store keeps them.
 *
 * Done: every old container is gone or stopped, and every new one runs, is healthy (if it has a
 * health check) and listens on the ports the old ones listened on. Failed: a new one exited,
 * could not start (State.Error: a port conflict), or is unhealthy; with the diagnosis that
 * explains it, once one is raised.
 */
import type {ContainerInfo, Rollout, RolloutContainer} from '../model.js';
import type {Action} from '../store/actions.js';
import type {State} from '../store/state.js';

export interface RolloutStore {
	onAction(listener: (action: Action, state: State) => void): () => void;
	dispatch(action: Action): void;
}

/** Actions after which a rollout in progress may have moved on. */
const MOVES: ReadonlySet<Action['type']> = new Set(['container', 'containers', 'container-removed', 'sockets', 'diagnosis']);

const serviceKey = (project: string, service: string): string => `${project}/${service}`;

function ms(iso: string | null | undefined): number | null {
	const t = iso ? Date.parse(iso) : NaN;
	return Number.isFinite(t) ? t : null;
}

export class RolloutTracker {
	private unsubscribe: (() => void) | null = null;
	private stopped = false;
	/** Rollouts dispatched and not applied yet: an action before then must see them. */
	private readonly pending = new Map<string, Rollout>();
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
		if (this.stopped || !MOVES.has(action.type)) return;
		const current = this.current(state);
		const opened = action.type === 'container' ? this.opening(action.container, state, current) : null;
		const waiting = (r: Rollout): boolean => r.outcome === 'in-progress' || (action.type === 'diagnosis' && r.outcome === 'failed' && r.alertId === null);
		const rollouts = [...current.values()].filter(r => waiting(r) && r.id !== opened?.id);
		for (const r of rollouts) {
			const next = this.judge(r, state);
			if (next !== r) this.dispatch(next);
		}
		if (opened) this.dispatch(this.judge(opened, state));
	}

	/** A container of a service's new configuration: the rollout it opens, or joins. */
	private opening(c: ContainerInfo, state: State, current: ReadonlyMap<string, Rollout>): Rollout | null {
		if (!c.compose || c.compose.oneoff) return null;
		const {project, service, configHash} = c.compose;
		const id = `${serviceKey(project, service)}@${configHash ?? c.image}`;
		const known = current.get(id);
		if (known) {
			// another replica of the new configuration joins it (while it goes on)
			if (known.outcome !== 'in-progress' || known.containers.some(k => k.id === c.id)) return null;
			return {...known, containers: [...known.containers, newContainer(c)]};
		}
		// the old are those of another configuration made before it (Compose renames an old one
		// while it makes the new: its inspect can come after the new one's)
		const created = ms(c.createdAt) ?? Infinity;
		const old = [...state.containers.values()].filter(
			o =>
				o.id !== c.id &&
				o.compose?.project === project &&
				o.compose.service === service &&
				!o.compose.oneoff &&
				(o.compose.configHash ?? o.image) !== (configHash ?? c.image) &&
				(ms(o.createdAt) ?? -Infinity) < created,
		);
		if (old.length === 0) return null;
		const oldIds = new Set(old.map(o => o.id));
		const ports = [...new Set(state.sockets.filter(s => s.containerId !== null && oldIds.has(s.containerId)).map(s => `${s.port}/${s.proto}`))].sort();
		return {
			id,
			source: 'compose',
			project,
			service,
			startedAt: ms(c.createdAt) ?? this.now(),
			old: {configHash: old[0]!.compose!.configHash, images: [...new Set(old.map(o => o.image))], containers: old.map(o => ({id: o.id, name: o.name}))},
			configHash,
			containers: [newContainer(c)],
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
		const oldGone = r.old.containers.every(o => state.containers.get(o.id)?.state !== 'running');
		const ready = containers.every(k => {
			const c = state.containers.get(k.id);
			return c?.state === 'running' && (c.health === null || c.health?.status === 'healthy') && (r.ports.length === 0 || k.listeningAfterMs !== null);
		});
		return oldGone && ready ? {...next, outcome: 'done', endedAt: now} : next;
	}
}

function newContainer(c: ContainerInfo): RolloutContainer {
	return {id: c.id, name: c.name, image: c.image, runningAfterMs: null, healthyAfterMs: null, listeningAfterMs: null};
}

/** The times a new container has reached since the rollout began. */
function reached(k: RolloutContainer, c: ContainerInfo | undefined, r: Rollout, state: State, now: number): RolloutContainer {
	if (!c) return k;
	const after = (t: number | null): number | null => (t === null ? null : Math.max(0, t - r.startedAt));
	const runningAfterMs = k.runningAfterMs ?? (c.state === 'running' ? after(ms(c.startedAt)) : null);
	const healthyAfterMs = k.healthyAfterMs ?? (c.health?.status === 'healthy' ? after(ms(c.health.lastCheckAt) ?? now) : null);
	const listened = new Set(state.sockets.filter(s => s.containerId === c.id).map(s => `${s.port}/${s.proto}`));
	const listeningAfterMs = k.listeningAfterMs ?? (r.ports.length > 0 && c.state === 'running' && r.ports.every(p => listened.has(p)) ? after(now) : null);
	if (runningAfterMs === k.runningAfterMs && healthyAfterMs === k.healthyAfterMs && listeningAfterMs === k.listeningAfterMs) return k;
	return {...k, runningAfterMs, healthyAfterMs, listeningAfterMs};
}

/** Why a new container fails the rollout, or null. */
function failureOf(c: ContainerInfo | undefined): string | null {
	if (!c) return null;
	if (c.state === 'exited' || c.state === 'dead') return `${c.name} exited with code ${c.exitCode ?? '?'}${c.oomKilled ? ' (OOM)' : ''}`;
	if (c.state === 'created' && c.error !== '') return `${c.name} could not start: ${c.error}`;
	if (c.state === 'running' && c.health?.status === 'unhealthy') return `${c.name} is unhealthy: ${c.health.lastOutput || 'its health check fails'}`;
	return null;
}

/** The newest diagnosis raised against one of the rollout's new containers. */
function explaining(r: Rollout, state: State): string | null {
	const ids = new Set(r.containers.map(k => k.id));
	return [...state.alerts.values()].filter(a => ids.has(a.containerId)).sort((a, b) => b.detectedAt - a.detectedAt)[0]?.id ?? null;
}
