/**
 * The everyday port mistakes, read from what netwatch already has: the ports Docker publishes
 * and the sockets that listen in each namespace. Pure: the state in, the findings that hold now
 * out. Each is a standing condition: it is open while it holds, and resolved when it ends.
 */
import {namespaceOwner, type ContainerInfo, type Finding, type ListeningSocket, type PortBinding} from '../model.js';
import type {State} from '../store/state.js';
import {Relations} from '../store/relations.js';

/** How long a started container has to listen on its published ports. */
export const PUBLISH_GRACE_MS = 10_000;

const LOOPBACK = /^(?:127\.|::1$|::ffff:127\.)/;

function binding(p: PortBinding): string {
	return `${p.hostIp === '' ? '0.0.0.0' : p.hostIp}:${p.hostPort}→${p.containerPort}/${p.proto}`;
}

function socketText(s: ListeningSocket): string {
	const address = s.family === 6 ? `[${s.address}]` : s.address;
	const owner = s.command ? ` (${s.command.split(' ')[0]}${s.pid !== null ? `, pid ${s.pid}` : ''})` : '';
	return `${s.proto} ${address}:${s.port}${owner}`;
}

function base(c: ContainerInfo, relations: Relations, at: number) {
	return {
		containerId: c.id,
		containerName: c.name,
		networkMode: relations.modeText(c),
		holder: null,
		holderUnknown: null,
		lookup: null,
		source: 'state' as const,
		exitCode: null,
		occurrence: null,
		detectedAt: at,
		eventTimeNano: null,
	};
}

/** Published ports with nothing, or only a loopback listener, behind them. */
function publishedPorts(c: ContainerInfo, sockets: readonly ListeningSocket[], relations: Relations, at: number): Finding[] {
	const started = c.startedAt ? Date.parse(c.startedAt) : NaN;
	if (!(at - started >= PUBLISH_GRACE_MS)) return [];
	const ns = namespaceOwner(c);
	const findings: Finding[] = [];
	// one finding per container port, however many host addresses publish it
	const seen = new Set<string>();
	for (const p of c.ports) {
		const key = `${p.containerPort}/${p.proto}`;
		if (seen.has(key)) continue;
		seen.add(key);
		const listeners = sockets.filter(s => s.netns === ns && s.port === p.containerPort && s.proto === p.proto);
		const published = c.ports.filter(q => q.containerPort === p.containerPort && q.proto === p.proto).map(binding).join(', ');
		const common = {...base(c, relations, at), port: p.containerPort, proto: p.proto, portSource: 'docker' as const};
		if (listeners.length === 0) {
			findings.push({
				...common,
				id: `${c.id}:published-no-listener:${key}`,
				kind: 'published-no-listener',
				severity: 'warning',
				message: `${c.name} publishes ${published}, but nothing listens on ${key} inside it ${Math.round((at - started) / 1000)} s after it started`,
				hint: `make its server listen on port ${p.containerPort} (not another port), or publish the port it does listen on`,
				evidence: `NetworkSettings.Ports ${published}; no ${p.proto} socket on port ${p.containerPort} in its network namespace`,
				evidenceFrom: 'socket',
			});
		} else if (listeners.every(s => LOOPBACK.test(s.address))) {
			findings.push({
				...common,
				id: `${c.id}:loopback-only:${key}`,
				kind: 'loopback-only',
				severity: 'error',
				message: `${c.name} publishes ${published}, but listens on ${key} only on loopback inside its namespace, where the published port cannot reach it`,
				hint: 'bind 0.0.0.0 (or ::) inside the container, not 127.0.0.1 or localhost',
				evidence: listeners.map(socketText).join(', '),
				evidenceFrom: 'socket',
			});
		}
	}
	return findings;
}

/** A host-network container created with port bindings: Docker drops them. */
function hostPortsDiscarded(c: ContainerInfo, relations: Relations, at: number): Finding | null {
	if (relations.mode(c).kind !== 'host' || c.requestedPorts.length === 0) return null;
	const asked = c.requestedPorts.map(binding).join(', ');
	return {
		...base(c, relations, at),
		id: `${c.id}:host-ports-discarded`,
		kind: 'host-ports-discarded',
		severity: 'warning',
		message: `${c.name} uses the host network, so Docker ignores its port bindings (${asked}): its server binds the host's ports directly`,
		hint: 'drop -p/ports: for this container, and make sure its port is free on the host; or leave host mode to publish ports',
		evidence: `HostConfig.NetworkMode host, HostConfig.PortBindings ${asked}`,
		evidenceFrom: 'inspect',
		port: c.requestedPorts[0]!.containerPort,
		proto: c.requestedPorts[0]!.proto,
		portSource: 'docker',
	};
}

/**
 * Every standing port condition that holds now. A container's published ports are judged only
 * when its namespace's sockets were read (its namespace is known): no reading, no claim.
 */
export function portFindings(state: State): Finding[] {
	const relations = new Relations(state.containers, state.networks);
	const findings: Finding[] = [];
	for (const c of state.containers.values()) {
		const discarded = hostPortsDiscarded(c, relations, state.at);
		if (discarded) findings.push(discarded);
		if (c.state !== 'running' || c.ports.length === 0) continue;
		if (state.identities.get(namespaceOwner(c))?.netns == null) continue;
		findings.push(...publishedPorts(c, state.sockets, relations, state.at));
	}
	return findings;
}
