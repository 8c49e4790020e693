/**
 * How far a rollout's new containers got, and why one fails it: shared by Compose's rollouts
 * (tracker.ts) and Swarm's (swarm.ts). Pure.
 */
import type {ContainerInfo, ListeningSocket, Rollout, RolloutContainer} from '../model.js';
import type {State} from '../store/state.js';

export function ms(iso: string | null | undefined): number | null {
	const t = iso ? Date.parse(iso) : NaN;
	return Number.isFinite(t) ? t : null;
}

/** Docker's embedded DNS resolver, in every container on a user-defined network, on ports of its own. */
const DOCKER_DNS = '127.0.0.11';

/**
 * `80/tcp`: what these containers listen on, by the sockets last read: held by their processes,
 * or (untraced) in their namespaces, as Relations.owner says; not Docker's DNS resolver there.
 */
export function portsOf(state: State, ids: readonly string[]): string[] {
	const set = new Set(ids);
	const theirs = (s: ListeningSocket): boolean => s.address !== DOCKER_DNS && (s.containerId !== null ? set.has(s.containerId) : s.pid === null && set.has(s.netns));
	return [...new Set(state.sockets.filter(theirs).map(s => `${s.port}/${s.proto}`))].sort();
}

/** The times a new container has reached since the rollout began. */
export function reached(k: RolloutContainer, c: ContainerInfo | undefined, r: Rollout, state: State, now: number): RolloutContainer {
	if (!c) return k;
	const after = (t: number | null): number | null => (t === null ? null : Math.max(0, t - r.startedAt));
	const runningAfterMs = k.runningAfterMs ?? (c.state === 'running' ? after(ms(c.startedAt)) : null);
	const healthyAfterMs = k.healthyAfterMs ?? (c.health?.status === 'healthy' ? after(ms(c.health.lastCheckAt) ?? now) : null);
	const listened = new Set(portsOf(state, [c.id]));
	const listeningAfterMs = k.listeningAfterMs ?? (r.ports.length > 0 && c.state === 'running' && r.ports.every(p => listened.has(p)) ? after(now) : null);
	if (runningAfterMs === k.runningAfterMs && healthyAfterMs === k.healthyAfterMs && listeningAfterMs === k.listeningAfterMs) return k;
	return {...k, runningAfterMs, healthyAfterMs, listeningAfterMs};
}

/** Why a new container fails the rollout, or null. */
export function failureOf(c: ContainerInfo | undefined): string | null {
	if (!c) return null;
	if (c.state === 'exited' || c.state === 'dead') return `${c.name} exited with code ${c.exitCode ?? '?'}${c.oomKilled ? ' (OOM)' : ''}`;
	if (c.state === 'created' && c.error !== '') return `${c.name} could not start: ${c.error}`;
	if (c.state === 'running' && c.health?.status === 'unhealthy') return `${c.name} is unhealthy: ${c.health.lastOutput || 'its health check fails'}`;
	return null;
}

/** The newest diagnosis raised against one of the rollout's new containers. */
export function explaining(r: Rollout, state: State): string | null {
	const ids = new Set(r.containers.map(k => k.id));
	return [...state.alerts.values()].filter(a => ids.has(a.containerId)).sort((a, b) => b.detectedAt - a.detectedAt)[0]?.id ?? null;
}
