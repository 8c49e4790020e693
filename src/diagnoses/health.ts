/**
 * An unhealthy container: its health check fails. Judged on what inspect says (State.Health),
 * which the collector reads again on each `health_status` event; resolved when it is healthy
 * again, or no longer runs (why it stopped is another story).
 */
import type {ContainerInfo, Finding} from '../model.js';

export function healthFindingId(containerId: string): string {
	return `unhealthy:${containerId}`;
}

/** It runs, and its health check fails. */
export function isUnhealthy(c: ContainerInfo): c is ContainerInfo & {health: NonNullable<ContainerInfo['health']>} {
	return c.state === 'running' && c.health?.status === 'unhealthy';
}

/** What is said of an unhealthy container; `networkMode` as the dashboard says it. */
export function unhealthyFinding(c: ContainerInfo & {health: NonNullable<ContainerInfo['health']>}, networkMode: string, detectedAt: number): Finding {
	const health = c.health;
	const streak = health.failingStreak === 1 ? 'once' : `${health.failingStreak} times in a row`;
	return {
		id: healthFindingId(c.id),
		kind: 'unhealthy',
		severity: 'warning',
		containerId: c.id,
		containerName: c.name,
		networkMode,
		message: `${c.name} is unhealthy: its health check failed ${streak}${health.lastExitCode !== null ? ` (exit ${health.lastExitCode})` : ''}`,
		hint: `the last probe's output is the evidence; docker inspect --format '{{json .State.Health}}' ${c.name} shows the recent ones`,
		evidence: health.lastOutput || '(the probe printed nothing)',
		evidenceFrom: 'inspect',
		port: null,
		proto: 'tcp',
		portSource: 'unknown',
		holder: null,
		holderUnknown: null,
		lookup: null,
		source: 'health',
		exitCode: null,
		occurrence: null,
		detectedAt,
		eventTimeNano: null,
	};
}
