/**
 * A swarm manager's services, tasks and nodes: read on a connect, and again after the events
 * that change them, never on a tick. Those events are the manager's `service` and `node`
 * events, the events of a task's container (its labels name the task), and network create and
 * destroy (joining or leaving a swarm makes or removes the ingress network). A task that the
 * scheduler cannot place has no container and so no event: while any task is on its way, or a
 * service is updating, a few more reads follow each burst of events, 1, 2, 4 and 8 s after it.
 *
 * One read at a time (SingleFlight).
 */
import type {DockerApi} from '../../docker/api.js';
import type {SwarmState} from '../../model.js';
import {parseNode, parseService, parseSwarmInfo, parseTask, WANTED_STATES} from '../../parsers/docker-swarm.js';
import type {Action} from '../../store/actions.js';
import {SingleFlight} from './single-flight.js';

/** An event asks for a read this much later, so that a burst of them costs one. */
const SETTLE_MS = 200;
/** The reads that follow a burst while something is on its way, ms after the one before. */
const FOLLOW_UPS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000];
/** States a task passes through on its way to running. */
const ON_ITS_WAY: ReadonlySet<string> = new Set(['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting']);

/** Something is still moving: a task on its way, one being stopped, or a service updating. */
export function unsettled(swarm: SwarmState): boolean {
	return (
		swarm.tasks.some(t => (WANTED_STATES.has(t.desiredState) && ON_ITS_WAY.has(t.state)) || (!WANTED_STATES.has(t.desiredState) && t.state === 'running')) ||
		swarm.services.some(s => s.update?.state === 'updating' || s.update?.state === 'rollback_started')
	);
}

function keep<T>(items: readonly unknown[], parse: (raw: unknown) => T | null): T[] {
	return items.map(parse).filter((x): x is T => x !== null);
}

export class SwarmList {
	private stopped = false;
	private timer: NodeJS.Timeout | undefined;
	/** When the read that is scheduled is due. */
	private dueAt = Number.POSITIVE_INFINITY;
	/** Follow-up reads left after the last burst of events. */
	private followUps: number[] = [];
	/** What was said last (as JSON): nothing is said twice. */
	private last: string | null = null;
	private readonly flight = new SingleFlight(async () => {
		const swarm = await this.read();
		if (this.stopped) return;
		const said = JSON.stringify(swarm);
		if (said !== this.last) this.dispatch({type: 'swarm', swarm});
		this.last = said;
		const next = swarm !== null && unsettled(swarm) ? this.followUps.shift() : undefined;
		if (next !== undefined) this.schedule(next);
	});

	constructor(
		private readonly api: DockerApi,
		private readonly dispatch: (action: Action) => void,
	) {}

	/** An event that may change the swarm: read it a moment later, and follow up while it moves. */
	soon(): void {
		this.followUps = [...FOLLOW_UPS_MS];
		this.schedule(SETTLE_MS);
	}

	refresh(): Promise<void> {
		return this.stopped ? Promise.resolve() : this.flight.run();
	}

	stop(): void {
		this.stopped = true;
		clearTimeout(this.timer);
	}

	/** A read `ms` from now, unless one is due sooner. */
	private schedule(ms: number): void {
		const at = Date.now() + ms;
		if (this.stopped || at >= this.dueAt) return;
		clearTimeout(this.timer);
		this.dueAt = at;
		this.timer = setTimeout(() => {
			this.dueAt = Number.POSITIVE_INFINITY;
			void this.refresh();
		}, ms);
		this.timer.unref();
	}

	private async read(): Promise<SwarmState | null> {
		const membership = parseSwarmInfo(await this.api.info());
		if (!membership.manager) return null;
		const [services, tasks, nodes] = await Promise.all([this.api.listServices(), this.api.listTasks(), this.api.listNodes()]);
		return {nodeId: membership.nodeId, services: keep(services, parseService), tasks: keep(tasks, parseTask), nodes: keep(nodes, parseNode)};
	}
}
