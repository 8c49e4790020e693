/**
 * A bind that failed, diagnosed: which error (in use, privileged port, address not there), which
 * port, who holds it, and why it matters for this container's network mode. Pure: the failure,
 * the container and the listening sockets in; the finding out.
 */
import {HOST_NS, namespaceOwner, type AlertHolder, type ContainerInfo, type Finding, type FindingSource, type ListeningSocket, type SocketProto} from '../model.js';
import type {BindFailure} from '../parsers/bind-errors.js';
import {portsFromCommand} from '../parsers/command-port.js';
import {Relations} from '../store/relations.js';

export interface BindInput {
	readonly victim: ContainerInfo;
	readonly failure: BindFailure;
	readonly source: Exclude<FindingSource, 'state' | 'health'>;
	/** Every listening socket, fresh; null when the Docker host's cannot be read from here (a remote engine). */
	readonly sockets: readonly ListeningSocket[] | null;
	/** Every container Docker knows, by id. */
	readonly containers: ReadonlyMap<string, ContainerInfo>;
	/** The addresses of the victim's network namespace, where they are known (for EADDRNOTAVAIL). */
	readonly addresses?: readonly string[];
	/** net.ipv4.ip_unprivileged_port_start of the host, where it can be read (for EACCES). */
	readonly unprivilegedPortStart?: number | null;
	readonly occurrence: string | null;
	readonly detectedAt: number;
	readonly eventTimeNano: string | null;
}

interface Candidate {
	readonly port: number;
	readonly proto: SocketProto;
	readonly source: Finding['portSource'];
}

function candidates(victim: ContainerInfo, failure: BindFailure): Candidate[] {
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

const PORT_FROM: Record<Finding['portSource'], string> = {
	message: '',
	command: ' (port from its command line)',
	image: " (port from the image's EXPOSE)",
	docker: '',
	socket: '',
	unknown: '',
};

/** What an EADDRINUSE means, who holds the port, and what to do. */
function inUse(input: BindInput, relations: Relations, options: readonly Candidate[]) {
	const {victim, failure, sockets, containers} = input;
	const ns = failure.publish ? HOST_NS : namespaceOwner(victim);
	// of the ports it may have wanted, the one somebody else holds now
	const held = sockets === null ? undefined : options.map(c => ({c, socket: holderSocket(sockets, ns, c, victim.id)})).find(x => x.socket);
	const chosen = held?.c ?? options[0] ?? null;
	let holder: AlertHolder | null = held?.socket ? holderOf(held.socket, relations) : null;
	if (!holder && chosen && failure.publish) {
		const publisher = [...containers.values()].find(
			c => c.id !== victim.id && c.state === 'running' && c.ports.some(p => p.hostPort === chosen.port && p.proto === chosen.proto),
		);
		if (publisher) holder = {containerId: publisher.id, containerName: publisher.name, pid: null, command: null, via: 'published-port'};
	}
	let holderUnknown: string | null = null;
	if (!holder) {
		if (held?.socket) holderUnknown = held.socket.ownerUnknown ?? 'process not found';
		else if (sockets === null) holderUnknown = "the engine is remote: its host's sockets cannot be read from here";
		else if (chosen) holderUnknown = 'nothing listens on it now: the holder may have gone';
		else holderUnknown = 'the port is unknown';
	}
	const port = chosen ? `port ${chosen.port}/${chosen.proto}${PORT_FROM[chosen.source]}` : 'a port (port unknown)';
	const taken = failure.publish ? `Docker could not publish ${port}: it is already taken` : `${port} is already in use`;
	const by = holder ? `held by ${describeHolder(holder)}` : `holder unknown: ${holderUnknown}`;
	const shared = relations.mode(victim).kind === 'host' ? 'it shares the host network, so the host and every other host-network container compete for the same ports; ' : '';
	return {
		chosen,
		holder,
		holderUnknown,
		// a supervisor's "exited, not expected" is a bind failure only if another process, traced, holds its port
		guess: failure.inferred && !(held?.socket?.pid != null && held.socket.containerId !== victim.id),
		what: `${taken}, ${by}`,
		hint: `${shared}stop the holder, or give one of them another port`,
	};
}

export function diagnoseBind(input: BindInput): Finding | null {
	const {victim, failure, source} = input;
	const relations = new Relations(input.containers, new Map());
	const options = candidates(victim, failure);
	const mode = relations.modeText(victim);
	const host = relations.mode(victim).kind === 'host';
	let chosen = options[0] ?? null;
	let holder: AlertHolder | null = null;
	let holderUnknown: string | null = null;
	let what: string;
	let hint: string;
	const port = (c: Candidate | null): string => (c ? `port ${c.port}/${c.proto}${PORT_FROM[c.source]}` : 'its port');
	if (failure.kind === 'EADDRINUSE') {
		const found = inUse(input, relations, options);
		if (found.guess) return null;
		({chosen, holder, holderUnknown, what, hint} = found);
	} else if (failure.kind === 'EACCES') {
		// `root`, `0`, `0:0`, `root:root`: root, whatever its group
		const user = /^(?:root|0)?(?::.*)?$/.test(victim.user) ? null : victim.user;
		const start = host ? (input.unprivilegedPortStart ?? 1024) : 0;
		const privileged = chosen === null || chosen.port < start;
		const why = !privileged
			? `port ${chosen!.port} is not below net.ipv4.ip_unprivileged_port_start (${start}), so something else forbids it (a security profile, or a capability dropped)`
			: host
				? `a host-network container uses the host's net.ipv4.ip_unprivileged_port_start (${start}${input.unprivilegedPortStart == null ? ', the default' : ''}), and only root may bind below it`
				: 'Docker 20.10 and later set net.ipv4.ip_unprivileged_port_start to 0 in a bridge container, so something else forbids it (a sysctl given to the container, or a security profile)';
		what = `${port(chosen)} ${privileged ? 'needs privilege' : 'was refused'}${user ? ` and it runs as user ${user}` : ''}: ${why}`;
		hint = host ? `use a port of ${start} or above, run as root, or grant CAP_NET_BIND_SERVICE` : 'check the container\'s --sysctl and security options, or use a higher port';
	} else {
		const address = failure.address && failure.address !== '' ? failure.address : 'the address it asked for';
		const has = input.addresses && input.addresses.length > 0 ? ` (it has ${input.addresses.join(', ')})` : '';
		what = `cannot bind ${port(chosen)} on ${address}: its network namespace does not have that address${has}`;
		hint = host ? 'bind an address the host has, or 0.0.0.0' : "bind 0.0.0.0 or the container's own address: the host's addresses are not inside a container's namespace";
	}
	const said = source === 'exit' ? `exited ${victim.exitCode ?? '?'}` : source === 'running' ? 'keeps failing to bind while it runs' : 'could not start';
	const inferred = failure.inferred ? `${failure.rule} reports ${failure.program ?? 'its program'} exiting; ` : '';
	const proto = chosen?.proto ?? failure.proto ?? 'tcp';
	return {
		id: `${victim.id}:${failure.kind}:${proto}/${chosen?.port ?? '?'}`,
		kind: failure.kind,
		severity: 'error',
		containerId: victim.id,
		containerName: victim.name,
		networkMode: mode,
		message: `${victim.name} (${mode}) ${said}: ${inferred}${what}`,
		hint,
		evidence: failure.line,
		evidenceFrom: source === 'docker-start' ? 'inspect' : 'log',
		port: chosen?.port ?? null,
		proto,
		portSource: chosen?.source ?? 'unknown',
		holder,
		holderUnknown: holder ? null : holderUnknown,
		lookup: null,
		source,
		exitCode: source === 'exit' ? victim.exitCode : null,
		occurrence: input.occurrence,
		detectedAt: input.detectedAt,
		eventTimeNano: input.eventTimeNano,
	};
}
