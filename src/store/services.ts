/**
 * Services, as the containers of a snapshot make them up (Compose's, and Swarm's by the labels
 * Swarm puts on a task's container): shared by the dashboard's service lines and `--json`'s
 * `services[]`, so that both count alike.
 */
import type {ContainerInfo} from '../model.js';
import type {ContainerView} from './snapshot.js';

/** The service a container belongs to: a Compose project's, or a Swarm service (of a stack, or `swarm`). */
export interface ServiceRef {
	readonly source: 'compose' | 'swarm';
	readonly project: string;
	readonly name: string;
}

/** Who a container is in a deployment, from its labels; null for a container of its own. */
export function serviceOf(c: Pick<ContainerInfo, 'compose' | 'labels'>): ServiceRef | null {
	if (c.compose) return {source: 'compose', project: c.compose.project, name: c.compose.service};
	const swarm = c.labels['com.docker.swarm.service.name'];
	return swarm ? {source: 'swarm', project: c.labels['com.docker.stack.namespace'] ?? 'swarm', name: swarm} : null;
}

export interface ServiceSummary {
	/** Replicas (the one-off containers of `compose run` left out, unless there is nothing else). */
	readonly running: number;
	readonly total: number;
	/** Of the running replicas with a health check; null when none has one. */
	readonly health: {readonly healthy: number; readonly unhealthy: number; readonly starting: number} | null;
	/** Summed; null when none has a rate. */
	readonly rxRate: number | null;
	readonly txRate: number | null;
	/** `80/tcp`: the ports its containers listen on, each once, in order. */
	readonly ports: readonly string[];
	readonly images: readonly string[];
}

function sum(members: readonly ContainerView[], key: 'rxRate' | 'txRate'): number | null {
	let total: number | null = null;
	for (const c of members) if (c[key] !== null) total = (total ?? 0) + c[key]!;
	return total;
}

export function summarize(members: readonly ContainerView[]): ServiceSummary {
	const replicas = members.filter(c => !c.compose?.oneoff);
	const counted = replicas.length > 0 ? replicas : members;
	const checked = counted.filter(c => c.health !== null && c.state === 'running');
	const count = (status: string): number => checked.filter(c => c.health!.status === status).length;
	const ports = new Set<string>();
	for (const c of members) for (const l of [...c.listening].sort((a, b) => a.port - b.port)) ports.add(`${l.port}/${l.proto}`);
	return {
		running: counted.filter(c => c.state === 'running').length,
		total: counted.length,
		health: checked.length === 0 ? null : {healthy: count('healthy'), unhealthy: count('unhealthy'), starting: count('starting')},
		rxRate: sum(members, 'rxRate'),
		txRate: sum(members, 'txRate'),
		ports: [...ports],
		images: [...new Set(members.map(c => c.image))],
	};
}

export interface ServiceGroup extends ServiceRef {
	/** In the order given. */
	readonly members: readonly ContainerView[];
}

/** The services of these containers, by project then name. */
export function serviceGroups(containers: readonly ContainerView[]): ServiceGroup[] {
	const services = new Map<string, ServiceGroup & {members: ContainerView[]}>();
	for (const c of containers) {
		if (!c.service) continue;
		const key = `${c.service.project}\u0000${c.service.name}`;
		const service = services.get(key);
		if (service) service.members.push(c);
		else services.set(key, {...c.service, members: [c]});
	}
	return [...services.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}
