/**
 * Swarm tasks that do not run, judged on what the manager says of them: a task that failed or
 * was rejected (its error is the evidence), and a task that waits because the scheduler finds
 * no node for it. The case to get right is a port published in host mode that something on the
 * node already holds: a host process or a container makes Docker's bind fail when the task
 * starts (a bind failure, with its holder named as for `docker run -p`); another service's
 * host-mode port keeps the task pending ("host-mode port already in use"), and that service is
 * named.
 *
 * One alert per replica slot (per node, for a global service): each task that fails counts on
 * it, and it is resolved once the slot's newest task runs, or the service is gone. Pure: the
 * manager's state, the containers and the sockets in; the findings out.
 */
import {type AlertHolder, type ContainerInfo, type Finding, type ListeningSocket, type SwarmService, type SwarmState, type SwarmTask} from '../model.js';
import {findBindFailure} from '../parsers/bind-errors.js';
import {FAILED_STATES, WANTED_STATES} from '../parsers/docker-swarm.js';
import {Relations} from '../store/relations.js';
import {diagnoseBind} from './bind.js';

export interface TaskInput {
	readonly swarm: SwarmState;
	readonly containers: ReadonlyMap<string, ContainerInfo>;
	/** Every listening socket, read when a bind failure needs them; null when the Docker host's cannot be read from here. */
	readonly sockets: () => readonly ListeningSocket[] | null;
	readonly detectedAt: number;
}

/** The scheduler's word for a host-mode port that another task holds (swarmkit's constraint filter). */
const HOST_PORT_IN_USE = /host-mode port already in use/i;

/**
 * `2026-12-03T05:49:18.59611145Z` as text that sorts to the nanosecond (Docker trims the
 * fraction's trailing zeros, so the times themselves do not sort as text); '' for none.
 */
function timeKey(iso: string | null): string {
	const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(iso ?? '');
	return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}` : '';
}

/** Oldest first, to the nanosecond; a task without a time first of all. */
export function byCreation(a: SwarmTask, b: SwarmTask): number {
	const x = timeKey(a.createdAt);
	const y = timeKey(b.createdAt);
	return x < y ? -1 : x > y ? 1 : 0;
}

/** A replica's name as `docker service ps` gives it: `web.1`, or `web.<node>` for a global service. */
export function taskName(service: SwarmService, task: SwarmTask, nodes: SwarmState['nodes']): string {
	if (task.slot !== null) return `${service.name}.${task.slot}`;
	return `${service.name}.${nodes.find(n => n.id === task.nodeId)?.hostname ?? task.nodeId.slice(0, 12)}`;
}

/** The tasks of each replica slot (each node, for a global service), oldest first. */
function slots(tasks: readonly SwarmTask[]): SwarmTask[][] {
	const by = new Map<string, SwarmTask[]>();
	for (const t of tasks) {
		const key = t.slot !== null ? `slot:${t.slot}` : `node:${t.nodeId}`;
		const list = by.get(key);
		if (list) list.push(t);
		else by.set(key, [t]);
	}
	return [...by.values()].map(list => list.sort(byCreation));
}

export function taskFindingId(service: SwarmService, task: SwarmTask): string {
	return `task:${service.id}:${task.slot !== null ? task.slot : task.nodeId}`;
}

function base(input: TaskInput, service: SwarmService, task: SwarmTask, container: ContainerInfo | undefined) {
	return {
		id: taskFindingId(service, task),
		severity: 'error' as const,
		containerId: task.containerId ?? '',
		containerName: taskName(service, task, input.swarm.nodes),
		networkMode: container ? new Relations(input.containers, new Map()).modeText(container) : 'swarm',
		evidence: task.error || task.message,
		evidenceFrom: 'task' as const,
		lookup: null,
		source: 'task' as const,
		detectedAt: input.detectedAt,
		eventTimeNano: null,
	};
}

/**
 * A task that failed: a bind failure on this node keeps its kind and names the holder; anything
 * else says the task's error. null while a bind failure's container here is not inspected yet:
 * what it asked for is needed to name the port, and its inspect judges the tasks again.
 */
function failed(input: TaskInput, service: SwarmService, task: SwarmTask): Finding | null {
	const container = task.containerId === null ? undefined : input.containers.get(task.containerId);
	const name = taskName(service, task, input.swarm.nodes);
	const bind = findBindFailure([task.error]);
	// a container on this node is inspected soon; one on another node never is, and has no holder to find here
	if (bind && task.containerId !== null && !container && task.nodeId === input.swarm.nodeId) return null;
	if (bind && container) {
		const finding = diagnoseBind({
			victim: {...container, name},
			failure: bind,
			source: 'docker-start',
			sockets: input.sockets(),
			containers: input.containers,
			occurrence: task.id,
			detectedAt: input.detectedAt,
			eventTimeNano: null,
		});
		if (finding) return {...finding, ...base(input, service, task, container), occurrence: task.id};
	}
	const exit = task.exitCode !== null && task.exitCode !== 0 && !task.error.includes(`(${task.exitCode})`) ? ` (exit ${task.exitCode})` : '';
	return {
		...base(input, service, task, container),
		kind: 'task-failed',
		message: `${name} ${task.state === 'rejected' ? 'was rejected' : 'failed'}: ${task.error || task.message}${exit}`,
		hint: `docker service ps --no-trunc ${service.name} shows its tasks and their errors; docker service logs ${service.name} shows what they printed`,
		port: null,
		proto: 'tcp',
		portSource: 'unknown',
		holder: null,
		holderUnknown: null,
		exitCode: task.exitCode,
		occurrence: task.id,
	};
}

/** Another service's running task that publishes one of these ports in host mode. */
function hostPortHolder(input: TaskInput, service: SwarmService): {holder: AlertHolder; port: SwarmService['ports'][number]} | null {
	for (const port of service.ports.filter(p => p.mode === 'host')) {
		for (const other of input.swarm.services) {
			if (other.id === service.id || !other.ports.some(p => p.mode === 'host' && p.published === port.published && p.proto === port.proto)) continue;
			const task = input.swarm.tasks.find(t => t.serviceId === other.id && t.state === 'running');
			if (!task) continue;
			const container = task.containerId === null ? undefined : input.containers.get(task.containerId);
			const holder: AlertHolder = {containerId: task.containerId, containerName: container?.name ?? taskName(other, task, input.swarm.nodes), pid: null, command: null, via: 'published-port'};
			return {holder, port};
		}
	}
	return null;
}

/** A task that waits with an error: the scheduler cannot place it. */
function unplaceable(input: TaskInput, service: SwarmService, task: SwarmTask): Finding {
	const name = taskName(service, task, input.swarm.nodes);
	const held = HOST_PORT_IN_USE.test(task.error) ? hostPortHolder(input, service) : null;
	const by = held ? `: port ${held.port.published}/${held.port.proto} is published in host mode by ${held.holder.containerName}` : '';
	return {
		...base(input, service, task, undefined),
		kind: 'task-unplaceable',
		message: `${name} cannot be placed: ${task.error}${by}`,
		hint: held
			? 'a host-mode port can be held by one task per node: publish it in ingress mode, give one of them another port, or add a node'
			: `docker service ps --no-trunc ${service.name} shows why; check its constraints, resources and ports against the nodes`,
		port: held?.port.published ?? null,
		proto: held?.port.proto ?? 'tcp',
		portSource: held ? 'docker' : 'unknown',
		holder: held?.holder ?? null,
		holderUnknown: null,
		exitCode: null,
		// a standing condition: it counts once while it lasts
		occurrence: null,
	};
}

export interface TaskJudgement {
	readonly findings: readonly Finding[];
	/** Slots (finding ids) that cannot be judged until a container is inspected: left as they are. */
	readonly waiting: readonly string[];
}

/**
 * What is wrong with the tasks of every service, one finding per slot whose newest task does
 * not run: it failed, it waits with an error, or it replaces one that failed and has not run yet.
 */
export function taskFindings(input: TaskInput): TaskJudgement {
	const findings: Finding[] = [];
	const waiting: string[] = [];
	const add = (service: SwarmService, task: SwarmTask, finding: Finding | null): void => {
		if (finding) findings.push(finding);
		else waiting.push(taskFindingId(service, task));
	};
	for (const service of input.swarm.services) {
		for (const tasks of slots(input.swarm.tasks.filter(t => t.serviceId === service.id))) {
			const newest = tasks[tasks.length - 1]!;
			const before = tasks[tasks.length - 2];
			// a slot that runs is fine; one that a scale-down took away is not wanted any more
			if (newest.state === 'running' || newest.desiredState === 'remove') continue;
			if (FAILED_STATES.has(newest.state)) add(service, newest, failed(input, service, newest));
			else if (!WANTED_STATES.has(newest.desiredState)) continue;
			else if (newest.error !== '') add(service, newest, unplaceable(input, service, newest));
			// the replacement of a task that failed, not running yet (the restart delay)
			else if (before && FAILED_STATES.has(before.state)) add(service, before, failed(input, service, before));
		}
	}
	return {findings, waiting};
}
