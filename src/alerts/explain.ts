/**
 * From "a container could not bind" to one clear sentence: which port, who holds it, and why
 * it matters for this container's network mode. Pure: the failure, the container and the
 * listening sockets in; the alert's content out.
 */
import type {ContainerInfo, ListeningSocket, SocketProto} from '../model.js';
import type {FoundFailure} from '../parsers/bind-errors.js';
import {portsFromCommand} from '../parsers/command-port.js';
import {HOST_NS} from '../store/actions.js';
import {Relations} from '../store/relations.js';
import type {Alert, AlertHolder} from './types.js';

export type AlertSource = Alert['source'];

export interface ExplainInput {
	readonly victim: ContainerInfo;
	readonly failure: FoundFailure;
	readonly source: AlertSource;
	/** Every listening socket, fresh. */
	readonly sockets: readonly ListeningSocket[];
	/** Every container Docker knows, by id. */
	readonly containers: ReadonlyMap<string, ContainerInfo>;
}

export type Explained = Pick<
	Alert,
	'kind' | 'containerId' | 'containerName' | 'networkMode' | 'port' | 'proto' | 'portSource' | 'holder' | 'holderUnknown' | 'source' | 'exitCode' | 'evidence' | 'message'
>;

/** The network namespace the victim binds in: `host`, its own (its id), or the one it shares. */
function victimNamespace(c: ContainerInfo): string {
	if (c.rawNetworkMode === 'host') return HOST_NS;
	if (c.rawNetworkMode.startsWith('container:')) return c.rawNetworkMode.slice('container:'.length);
	return c.id;
}

interface Candidate {
	readonly port: number;
	readonly proto: SocketProto;
	readonly source: Alert['portSource'];
}

function candidates(input: ExplainInput): Candidate[] {
	const {failure, victim} = input;
	const proto = failure.proto ?? 'tcp';
	if (failure.port !== null) return [{port: failure.port, proto, source: 'message'}];
	const fromCommand = portsFromCommand(victim.command);
	// the program that complained first (`httpd: bind: ...`), then any other the command names
	const named = failure.program ? fromCommand.filter(p => p.program === failure.program) : [];
	const ordered = [...named, ...fromCommand.filter(p => !named.includes(p))];
	return [
		...ordered.map(p => ({port: p.port, proto: failure.proto ?? p.proto, source: 'command' as const})),
		...victim.exposedPorts.map(p => ({port: p.port, proto: p.proto, source: 'image' as const})),
	];
}

/** The listener that holds this port in this namespace (not the victim's own), if any. */
function holderSocket(sockets: readonly ListeningSocket[], ns: string, c: Candidate, victimId: string): ListeningSocket | undefined {
	return sockets.find(s => s.netns === ns && s.port === c.port && s.proto === c.proto && s.containerId !== victimId);
}

function program(command: string | null): string | null {
	return command?.split(' ')[0] ?? null;
}

function holderOf(socket: ListeningSocket, relations: Relations): AlertHolder | null {
	const {owner, container} = relations.owner(socket);
	const known = {containerId: container?.id ?? null, containerName: container?.name ?? null, pid: socket.pid, command: socket.command};
	if (owner === 'docker-proxy') return {...known, via: 'docker-proxy'};
	// a socket that only its namespace ties to a container has no traced process: not a holder
	if (owner === 'container' && socket.containerId) return {...known, via: 'container'};
	if (owner === 'process') return {...known, via: 'process'};
	return null;
}

function describeHolder(h: AlertHolder): string {
	const pid = h.pid !== null ? `pid ${h.pid}` : null;
	const prog = program(h.command);
	switch (h.via) {
		case 'container':
			return `${h.containerName} (${[prog, pid].filter(Boolean).join(', ')})`;
		case 'docker-proxy':
			return `${h.containerName ?? 'a container'}'s published port (docker-proxy${pid ? `, ${pid}` : ''})`;
		case 'published-port':
			return `${h.containerName}, which publishes it`;
		case 'process':
			return `a host process: ${h.command ?? '?'}${pid ? ` (${pid})` : ''}`;
	}
}

const PORT_FROM: Record<Alert['portSource'], string> = {
	message: '',
	command: ' (port from its command line)',
	image: " (port from the image's EXPOSE)",
	unknown: '',
};

export function explain(input: ExplainInput): Explained | null {
	const {victim, failure, source, sockets, containers} = input;
	const relations = new Relations(containers, new Map());
	const ns = failure.publish ? HOST_NS : victimNamespace(victim);
	const options = candidates(input);
	// of the ports it may have wanted, the one somebody else holds now
	const held = options.map(c => ({c, socket: holderSocket(sockets, ns, c, victim.id)})).find(x => x.socket);
	const chosen = held?.c ?? options[0] ?? null;

	let holder: AlertHolder | null = held?.socket ? holderOf(held.socket, relations) : null;
	let holderUnknown: string | null = null;
	if (!holder && chosen && failure.publish) {
		const publisher = [...containers.values()].find(
			c => c.id !== victim.id && c.state === 'running' && c.ports.some(p => p.hostPort === chosen.port && p.proto === chosen.proto),
		);
		if (publisher) holder = {containerId: publisher.id, containerName: publisher.name, pid: null, command: null, via: 'published-port'};
	}
	if (!holder) {
		if (held?.socket) holderUnknown = held.socket.ownerUnknown ?? 'process not found';
		else if (chosen) holderUnknown = 'nothing listens on it now: the holder may have gone';
		else holderUnknown = 'the port is unknown';
	}
	// a supervisor's "exited, not expected" is a bind failure only if its port is really taken
	if (failure.inferred && !held) return null;

	const name = victim.name;
	const mode = relations.modeText(victim);
	const what =
		source === 'exit'
			? `exited ${victim.exitCode ?? '?'}`
			: source === 'running'
				? 'keeps failing to bind while it runs'
				: 'could not start';
	const port = chosen ? `port ${chosen.port}/${chosen.proto}${PORT_FROM[chosen.source]}` : 'a port (port unknown)';
	const taken = failure.publish ? `Docker could not publish ${port}: it is already taken` : `${port} is already in use`;
	const by = holder ? `held by ${describeHolder(holder)}` : `holder unknown: ${holderUnknown}`;
	const inferred = failure.inferred ? `${failure.rule} reports ${failure.program ?? 'its program'} exiting; ` : '';
	return {
		kind: 'EADDRINUSE',
		containerId: victim.id,
		containerName: name,
		networkMode: mode,
		port: chosen?.port ?? null,
		proto: chosen?.proto ?? failure.proto ?? 'tcp',
		portSource: chosen?.source ?? 'unknown',
		holder,
		holderUnknown: holder ? null : holderUnknown,
		source,
		exitCode: source === 'exit' ? victim.exitCode : null,
		evidence: failure.line,
		message: `${name} (${mode}) ${what}: ${inferred}${taken}, ${by}`,
	};
}
