/**
 * A swarm manager's payloads -> the model: GET /info's Swarm part, GET /services?status=true,
 * GET /tasks and GET /nodes. Written against API 1.41 (Engine 20.10); fixtures under
 * test/fixtures/swarm/ are this engine's answers.
 */
import type {SocketProto, SwarmNode, SwarmPort, SwarmService, SwarmTask, SwarmUpdate} from '../model.js';
import {sanitize} from '../util/sanitize.js';
import {labelsOf, list, num, obj, str, time} from './json-fields.js';

/** Task states that end in failure: the task's error says why. */
export const FAILED_STATES: ReadonlySet<string> = new Set(['failed', 'rejected']);
/** Desired states of a task that the manager wants to run (`ready`: waiting out a restart delay). */
export const WANTED_STATES: ReadonlySet<string> = new Set(['running', 'ready']);

export interface SwarmMembership {
	readonly nodeId: string;
	/** `inactive`, `pending`, `active`, `error`, `locked` */
	readonly state: string;
	/** This engine is a manager: it can list services, tasks and nodes. */
	readonly manager: boolean;
}

/** GET /info -> whether this engine is in a swarm, and a manager of it. */
export function parseSwarmInfo(raw: unknown): SwarmMembership {
	const swarm = obj(obj(raw)['Swarm']);
	return {nodeId: str(swarm['NodeID']), state: str(swarm['LocalNodeState']) || 'inactive', manager: swarm['ControlAvailable'] === true};
}

/** `busybox:1.36@sha256:…` -> `busybox:1.36`: the digest pins it, the name says what it is. */
export function imageName(image: string): string {
	const at = image.indexOf('@sha256:');
	return at < 0 ? image : image.slice(0, at);
}

function imageOf(spec: unknown): string {
	return imageName(str(obj(obj(spec)['ContainerSpec'])['Image']));
}

function parsePorts(value: unknown): SwarmPort[] {
	const out: SwarmPort[] = [];
	for (const raw of list(value)) {
		const p = obj(raw);
		const proto = str(p['Protocol']) || 'tcp';
		const published = num(p['PublishedPort']);
		const target = num(p['TargetPort']);
		// sctp: netwatch reads no SCTP sockets
		if (published === null || target === null || (proto !== 'tcp' && proto !== 'udp')) continue;
		out.push({published, target, proto: proto as SocketProto, mode: str(p['PublishMode']) === 'host' ? 'host' : 'ingress'});
	}
	return out;
}

function parseUpdate(value: unknown): SwarmUpdate | null {
	const u = obj(value);
	const state = str(u['State']);
	if (state === '') return null;
	return {state, startedAt: time(u['StartedAt']), completedAt: time(u['CompletedAt']), message: sanitize(str(u['Message']))};
}

const MODES: Readonly<Record<string, string>> = {Replicated: 'replicated', Global: 'global', ReplicatedJob: 'replicated-job', GlobalJob: 'global-job'};

/** One of GET /services?status=true -> SwarmService, or null if it is not one. */
export function parseService(raw: unknown): SwarmService | null {
	const s = obj(raw);
	const id = str(s['ID']);
	const spec = obj(s['Spec']);
	if (id === '') return null;
	const mode = obj(spec['Mode']);
	const replicated = obj(mode['Replicated']);
	const status = obj(s['ServiceStatus']);
	const labels = labelsOf(spec['Labels']);
	const previous = s['PreviousSpec'] === undefined ? null : imageOf(obj(s['PreviousSpec'])['TaskTemplate']);
	// Endpoint.Ports are what was published (a port left to Swarm gets its number there); the spec's are what was asked
	const endpoint = obj(s['Endpoint']);
	const ports = parsePorts(endpoint['Ports'] ?? obj(spec['EndpointSpec'])['Ports']);
	return {
		id,
		name: str(spec['Name']),
		stack: labels['com.docker.stack.namespace'] ?? null,
		mode: MODES[Object.keys(mode)[0] ?? ''] ?? 'replicated',
		replicas: num(replicated['Replicas']),
		running: num(status['RunningTasks']),
		desired: num(status['DesiredTasks']),
		image: imageOf(spec['TaskTemplate']),
		previousImage: previous === '' ? null : previous,
		ports,
		update: parseUpdate(s['UpdateStatus']),
		labels,
		createdAt: time(s['CreatedAt']),
		updatedAt: time(s['UpdatedAt']),
	};
}

/** One of GET /tasks -> SwarmTask, or null if it is not one. */
export function parseTask(raw: unknown): SwarmTask | null {
	const t = obj(raw);
	const id = str(t['ID']);
	if (id === '') return null;
	const status = obj(t['Status']);
	const container = obj(status['ContainerStatus']);
	const containerId = str(container['ContainerID']);
	return {
		id,
		serviceId: str(t['ServiceID']),
		slot: num(t['Slot']),
		nodeId: str(t['NodeID']),
		state: str(status['State']),
		desiredState: str(t['DesiredState']),
		message: sanitize(str(status['Message'])),
		// untrusted: a failed task's error quotes what its container printed or was called
		error: sanitize(str(status['Err'])),
		containerId: containerId === '' ? null : containerId,
		exitCode: containerId === '' ? null : num(container['ExitCode']),
		image: imageOf(obj(t['Spec'])),
		createdAt: time(t['CreatedAt']),
		stateAt: time(status['Timestamp']),
	};
}

/** One of GET /nodes -> SwarmNode, or null if it is not one. */
export function parseNode(raw: unknown): SwarmNode | null {
	const n = obj(raw);
	const id = str(n['ID']);
	if (id === '') return null;
	const spec = obj(n['Spec']);
	const description = obj(n['Description']);
	const status = obj(n['Status']);
	return {
		id,
		hostname: sanitize(str(description['Hostname'])),
		role: str(spec['Role']),
		availability: str(spec['Availability']),
		state: str(status['State']),
		address: str(status['Addr']),
		leader: obj(n['ManagerStatus'])['Leader'] === true,
		engineVersion: str(obj(description['Engine'])['EngineVersion']),
	};
}
