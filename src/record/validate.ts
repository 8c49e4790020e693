/**
 * A recording is input from a file: anything may be in it. Before a recorded action reaches
 * the reducer, check that it has the shape the reducer, the snapshot and the views rely on, so
 * that a damaged or hand-edited file stops the replay with a message instead of a crash.
 */
import type {Action} from '../store/actions.js';

type Check = (value: unknown) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str: Check = v => typeof v === 'string';
const num: Check = v => typeof v === 'number' && Number.isFinite(v);
const bool: Check = v => typeof v === 'boolean';
const nullable = (check: Check): Check => v => v === null || check(v);
const arrayOf = (check: Check): Check => v => Array.isArray(v) && v.every(check);
const recordOf = (check: Check): Check => v => isObject(v) && Object.values(v).every(check);
const shape =
	(fields: Record<string, Check>): Check =>
	v =>
		isObject(v) && Object.entries(fields).every(([key, check]) => check(v[key]));

const optional = (check: Check): Check => v => v === undefined || check(v);
const netDevRow = shape({name: str, rxBytes: num, rxPackets: num, rxErrors: num, rxDropped: num, txBytes: num, txPackets: num, txErrors: num, txDropped: num});
const meta = shape({
	ifindex: nullable(num),
	iflink: nullable(num),
	operstate: str,
	mtu: nullable(num),
	mac: nullable(str),
	speed: nullable(num),
	master: nullable(str),
	kind: str,
	addresses: arrayOf(str),
});
const port = shape({hostIp: str, hostPort: num, containerPort: num, proto: str});
const container = shape({
	id: str,
	name: str,
	image: str,
	state: str,
	exitCode: nullable(num),
	oomKilled: bool,
	error: str,
	restartCount: num,
	startedAt: nullable(str),
	finishedAt: nullable(str),
	pid: nullable(num),
	rawNetworkMode: str,
	// aliases, requestedPorts and user came with format 2: only the live rules read them
	networks: arrayOf(shape({name: str, id: str, ipAddress: str, prefixLen: num, macAddress: str, aliases: optional(arrayOf(str))})),
	ports: arrayOf(port),
	requestedPorts: optional(arrayOf(port)),
	user: optional(str),
	exposedPorts: arrayOf(shape({port: num, proto: str})),
	command: arrayOf(str),
	tty: bool,
	labels: recordOf(str),
	// compose and health came later: recordings made before have none
	compose: optional(nullable(shape({project: str, service: str, number: nullable(num), oneoff: bool, configHash: nullable(str)}))),
	health: optional(nullable(shape({status: str, failingStreak: num, lastOutput: str, lastExitCode: nullable(num), lastCheckAt: nullable(str)}))),
});
const rolloutContainer = shape({id: str, name: str, image: str, runningAfterMs: nullable(num), healthyAfterMs: nullable(num), listeningAfterMs: nullable(num)});
const rollout = shape({
	id: str,
	source: str,
	kind: str,
	project: str,
	service: str,
	startedAt: num,
	old: shape({configHash: nullable(str), images: arrayOf(str), containers: arrayOf(shape({id: str, name: str}))}),
	configHash: nullable(str),
	containers: arrayOf(rolloutContainer),
	ports: arrayOf(str),
	outcome: str,
	reason: nullable(str),
	alertId: nullable(str),
	endedAt: nullable(num),
});
const socket = shape({
	proto: str,
	family: num,
	address: str,
	port: num,
	inode: num,
	netns: str,
	pid: nullable(num),
	command: nullable(str),
	containerId: nullable(str),
	proxyTo: nullable(shape({ip: str, port: num})),
	ownerUnknown: nullable(str),
});
const connection = shape({
	proto: str,
	family: num,
	local: str,
	localPort: num,
	remote: str,
	remotePort: num,
	state: str,
	txQueue: num,
	rxQueue: num,
	timer: nullable(str),
	timerMs: nullable(num),
	retransmits: num,
	inode: num,
	count: optional(num),
});
const nat = shape({proto: str, client: str, clientPort: num, published: str, publishedPort: num, target: str, targetPort: num});
const tcpStats = shape({
	retransSegs: num,
	outRsts: num,
	estabResets: num,
	listenOverflows: num,
	listenDrops: num,
	retransRate: nullable(num),
	resetRate: nullable(num),
	overflow: nullable(shape({at: num, overflows: num, drops: num, queues: arrayOf(shape({address: str, port: num, queue: num}))})),
});
const network = shape({id: str, name: str, driver: str, parent: nullable(str), bridge: nullable(str)});
const status = shape({endpoint: str, context: optional(nullable(str)), version: nullable(str), apiVersion: nullable(str), error: nullable(str), state: str, local: bool, badEventLines: num, agent: optional(nullable(str)), agentNote: optional(nullable(str))});
const event = shape({kind: str, action: str, actorId: str, attributes: recordOf(str), timeNano: v => typeof v === 'string' && /^\d+$/.test(v)});
const holder = shape({containerId: nullable(str), containerName: nullable(str), pid: nullable(num), command: nullable(str), via: str});
/** What every alert says, from format 1 on. */
const alertCore = {
	id: str,
	kind: str,
	containerId: str,
	containerName: str,
	networkMode: str,
	port: nullable(num),
	proto: str,
	portSource: str,
	holder: nullable(holder),
	holderUnknown: nullable(str),
	source: str,
	exitCode: nullable(num),
	evidence: str,
	message: str,
	detectedAt: num,
	eventTimeNano: nullable(str),
};
const oneOf =
	(...values: readonly string[]): Check =>
	v =>
		typeof v === 'string' && values.includes(v);
const finding = shape({
	...alertCore,
	severity: oneOf('error', 'warning', 'info'),
	hint: str,
	evidenceFrom: oneOf('log', 'inspect', 'socket', 'task'),
	lookup: nullable(str),
	occurrence: nullable(str),
});
const swarmPort = shape({published: num, target: num, proto: str, mode: str});
const swarmService = shape({
	id: str,
	name: str,
	stack: nullable(str),
	mode: str,
	replicas: nullable(num),
	running: nullable(num),
	desired: nullable(num),
	image: str,
	previousImage: nullable(str),
	ports: arrayOf(swarmPort),
	update: nullable(shape({state: str, startedAt: nullable(str), completedAt: nullable(str), message: str})),
	labels: recordOf(str),
	createdAt: nullable(str),
	updatedAt: nullable(str),
});
const swarmTask = shape({
	id: str,
	serviceId: str,
	slot: nullable(num),
	nodeId: str,
	state: str,
	desiredState: str,
	message: str,
	error: str,
	containerId: nullable(str),
	exitCode: nullable(num),
	image: str,
	createdAt: nullable(str),
	stateAt: nullable(str),
});
const swarmNode = shape({id: str, hostname: str, role: str, availability: str, state: str, address: str, leader: bool, engineVersion: str});
const swarm = shape({nodeId: str, services: arrayOf(swarmService), tasks: arrayOf(swarmTask), nodes: arrayOf(swarmNode)});
/** Format 1 recorded whole alerts. */
const alert = shape({...alertCore, count: num, firstSeenAt: num, resolved: bool});

const ACTIONS: Record<Action['type'], Check> = {
	host: shape({hostname: str, os: nullable(str), interval: num}),
	tick: shape({
		at: num,
		mono: num,
		host: arrayOf(netDevRow),
		namespaces: recordOf(arrayOf(netDevRow)),
		fromStatsApi: v => v === undefined || arrayOf(str)(v),
		sampledAt: v => v === undefined || recordOf(num)(v),
	}),
	interfaces: shape({ns: str, meta: recordOf(meta)}),
	namespace: shape({containerId: str, netns: nullable(str), sharesHostNetns: nullable(bool)}),
	sockets: shape({sockets: arrayOf(socket)}),
	connections: shape({
		read: recordOf(arrayOf(connection)),
		gone: arrayOf(str),
		owners: recordOf(shape({pid: num, command: str, containerId: nullable(str)})),
		nat: optional(nullable(arrayOf(nat))),
		tcp: optional(recordOf(tcpStats)),
	}),
	containers: shape({containers: arrayOf(container)}),
	container: shape({container}),
	'container-removed': shape({id: str}),
	networks: shape({networks: arrayOf(network)}),
	docker: shape({status}),
	event: shape({event}),
	swarm: shape({swarm: nullable(swarm)}),
	diagnosis: shape({finding}),
	'diagnosis-resolved': shape({id: str, at: num}),
	rollout: shape({rollout}),
	alert: shape({alert}),
	caption: shape({text: nullable(str)}),
};

export function isValidAction(value: unknown): value is Action {
	if (!isObject(value) || typeof value['type'] !== 'string') return false;
	const type = value['type'];
	// own keys only: `constructor` and `__proto__` are not actions
	return Object.hasOwn(ACTIONS, type) && ACTIONS[type as Action['type']](value);
}
