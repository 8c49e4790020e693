/**
 * Swarm rollouts: `docker service update` as its manager tells it. A service's UpdateStatus
 * opens one (its StartedAt); the tasks created since are the new ones, and those that ran when
 * it began are the old ones. Each new task's container is followed as a Compose one is: when it
 * runs, turns healthy and listens on the service's target ports. The outcome is the manager's:
 * `completed` is done; `paused` (the update stopped on a failure) or a rollback is failed, with
 * the manager's message, or the error of the new task that failed. Pure.
 */
import type {Rollout, RolloutContainer, SwarmService, SwarmState, SwarmTask} from '../model.js';
import {taskName} from '../diagnoses/swarm.js';
import {FAILED_STATES} from '../parsers/docker-swarm.js';
import type {State} from '../store/state.js';
import {explaining, failureOf, ms, portsOf, reached} from './progress.js';

const ENDED: ReadonlySet<string> = new Set(['shutdown', 'complete', 'failed', 'rejected', 'orphaned', 'remove']);

export function swarmRolloutId(service: SwarmService): string {
	return `swarm:${service.id}@${service.update?.startedAt ?? ''}`;
}

/** The tasks that ran when the update began: running now, or stopped since it began. */
function oldTasks(tasks: readonly SwarmTask[], startedAt: number): SwarmTask[] {
	return tasks.filter(t => {
		const created = ms(t.createdAt) ?? 0;
		if (created >= startedAt) return false;
		return t.state === 'running' || (ENDED.has(t.state) && !FAILED_STATES.has(t.state) && (ms(t.stateAt) ?? 0) >= startedAt);
	});
}

/** A service's rollout as its manager and the containers say now; null when it has none. */
export function swarmRollout(service: SwarmService, swarm: SwarmState, state: State, previous: Rollout | undefined, now: number): Rollout | null {
	const update = service.update;
	const startedAt = ms(update?.startedAt);
	if (!update || startedAt === null) return null;
	const tasks = swarm.tasks.filter(t => t.serviceId === service.id);
	const fresh = tasks.filter(t => (ms(t.createdAt) ?? 0) >= startedAt);
	const old = oldTasks(tasks, startedAt);
	const ports =
		previous?.ports ??
		[...new Set([...service.ports.map(p => `${p.target}/${p.proto}`), ...portsOf(state, old.flatMap(t => (t.containerId ? [t.containerId] : [])))])].sort();
	const base: Rollout = previous ?? {
		id: swarmRolloutId(service),
		source: 'swarm',
		kind: 'update',
		project: service.stack ?? 'swarm',
		service: service.name,
		startedAt,
		old: {configHash: null, images: service.previousImage ? [service.previousImage] : [...new Set(old.map(t => t.image))], containers: old.map(t => ({id: t.containerId ?? t.id, name: taskName(service, t, swarm.nodes)}))},
		configHash: null,
		containers: [],
		ports,
		outcome: 'in-progress',
		reason: null,
		alertId: null,
		endedAt: null,
	};
	if (base.outcome !== 'in-progress') return base;
	const known = new Map(base.containers.map(k => [k.id, k]));
	const containers = fresh.map(t => {
		const id = t.containerId ?? t.id;
		const k: RolloutContainer = known.get(id) ?? {id, name: taskName(service, t, swarm.nodes), image: t.image, runningAfterMs: null, healthyAfterMs: null, listeningAfterMs: null};
		return reached(k, state.containers.get(id), base, state, now);
	});
	// the reason is said afresh each time: a task that failed and ran again is no reason any more
	const next: Rollout = {...base, containers, reason: null};
	const failedTask = fresh.find(t => FAILED_STATES.has(t.state));
	const failedContainer = containers.map(k => failureOf(state.containers.get(k.id))).find(f => f !== null);
	if (update.state === 'completed') return {...next, outcome: 'done', endedAt: ms(update.completedAt) ?? now};
	if (update.state === 'updating') {
		if (!failedTask && !failedContainer) return next;
		// the manager pauses or rolls back on its own; until it says so, the failure is the task's
		const reason = failedTask ? `${taskName(service, failedTask, swarm.nodes)} failed: ${failedTask.error || failedTask.message}` : failedContainer!;
		return {...next, reason};
	}
	const reason = update.message || (failedTask ? `${taskName(service, failedTask, swarm.nodes)} failed: ${failedTask.error}` : `update ${update.state}`);
	return {...next, outcome: 'failed', reason, endedAt: ms(update.completedAt) ?? now, alertId: explaining(next, state)};
}

/**
 * The rollouts of every updating or updated service that changed since the store's word on them.
 * One still in progress whose update is no longer the service's (another update or a rollback
 * began), or whose service or swarm is gone, ends failed, saying so.
 */
export function swarmRollouts(state: State, current: ReadonlyMap<string, Rollout>, now: number): Rollout[] {
	const swarm = state.swarm;
	const out: Rollout[] = [];
	const live = new Set(swarm?.services.map(swarmRolloutId) ?? []);
	for (const r of current.values()) {
		if (r.source !== 'swarm' || r.outcome !== 'in-progress' || live.has(r.id)) continue;
		const service = swarm?.services.find(s => r.id.startsWith(`swarm:${s.id}@`));
		const reason = !swarm ? 'the engine left the swarm' : !service ? 'the service was removed' : `superseded: the service's update is ${service.update?.state ?? 'gone'} since ${service.update?.startedAt ?? '?'}`;
		out.push({...r, outcome: 'failed', reason, endedAt: now});
	}
	if (!swarm) return out;
	for (const service of swarm.services) {
		const previous = current.get(swarmRolloutId(service));
		// an update that was over before netwatch looked is not followed: its start was not seen
		if (previous ? previous.outcome !== 'in-progress' : service.update?.state !== 'updating') continue;
		const next = swarmRollout(service, swarm, state, previous, now);
		if (next && JSON.stringify(next) !== JSON.stringify(previous)) out.push(next);
	}
	return out;
}
