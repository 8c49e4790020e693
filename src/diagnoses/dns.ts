/**
 * A container that cannot look up another container by name, because of how their networks
 * are laid out: Docker's embedded DNS answers container names only on user-defined networks, and
 * only for containers on a network that the asker shares. Pure: the failure and the state in,
 * the finding out; and the test that says when the layout no longer explains it.
 */
import type {ContainerInfo, Finding} from '../model.js';
import type {NameFailure} from '../parsers/name-errors.js';
import {Relations} from '../store/relations.js';

const SERVICE = 'com.docker.compose.service';
const PROJECT = 'com.docker.compose.project';

/** Networks whose DNS answers container names: user-defined ones (not the default bridge, host or none). */
function namedNetworks(c: ContainerInfo): Set<string> {
	return new Set(c.networks.filter(n => n.name !== 'bridge' && n.name !== 'host' && n.name !== 'none').map(n => n.id || n.name));
}

function onDefaultBridge(c: ContainerInfo): boolean {
	return c.networks.some(n => n.name === 'bridge');
}

/** The containers a name may mean: by their name, an alias on one of their networks, or their Compose service. */
export function containersNamed(name: string, containers: ReadonlyMap<string, ContainerInfo>, except: string): ContainerInfo[] {
	return [...containers.values()].filter(c => c.id !== except && [c.name, c.labels[SERVICE], ...c.networks.flatMap(n => n.aliases ?? [])].some(n => n?.toLowerCase() === name));
}

/**
 * Which of the containers a name may mean the asker cannot reach by name, and why: none, if
 * any of them is reachable (the lookup failed for another reason). Its own Compose project's
 * comes first.
 */
export function blockedLookup(asker: ContainerInfo, targets: readonly ContainerInfo[]): {target: ContainerInfo; kind: 'dns-default-bridge' | 'dns-other-network'} | null {
	const blocked = targets.map(target => ({target, kind: layoutBlocks(asker, target)}));
	if (blocked.length === 0 || blocked.some(b => b.kind === null)) return null;
	const project = asker.labels[PROJECT];
	const chosen = blocked.find(b => project !== undefined && b.target.labels[PROJECT] === project) ?? blocked[0]!;
	return {target: chosen.target, kind: chosen.kind!};
}

/** Why `asker` cannot resolve `target`'s name, or null when their networks allow it. */
export function layoutBlocks(asker: ContainerInfo, target: ContainerInfo): 'dns-default-bridge' | 'dns-other-network' | null {
	if (asker.rawNetworkMode === 'host' || asker.rawNetworkMode.startsWith('container:')) return null;
	const mine = namedNetworks(asker);
	const theirs = namedNetworks(target);
	if ([...mine].some(n => theirs.has(n))) return null;
	if (mine.size === 0 && onDefaultBridge(asker)) return 'dns-default-bridge';
	if (theirs.size === 0 && onDefaultBridge(target)) return 'dns-default-bridge';
	if (mine.size > 0 && theirs.size > 0) return 'dns-other-network';
	return null;
}

export interface DnsInput {
	readonly asker: ContainerInfo;
	readonly failure: NameFailure;
	readonly containers: ReadonlyMap<string, ContainerInfo>;
	readonly source: 'exit' | 'running';
	readonly occurrence: string | null;
	readonly detectedAt: number;
}

export function diagnoseDns(input: DnsInput): Finding | null {
	const {asker, failure, containers} = input;
	if (failure.name === null) return null;
	const blocked = blockedLookup(asker, containersNamed(failure.name, containers, asker.id));
	if (!blocked) return null;
	const {target, kind} = blocked;
	const relations = new Relations(containers, new Map());
	const nets = (c: ContainerInfo): string => c.networks.map(n => n.name).join(', ') || 'no network';
	const why =
		kind === 'dns-default-bridge'
			? `the default bridge has no embedded DNS, so container names do not resolve there (${asker.name}: ${nets(asker)}; ${target.name}: ${nets(target)})`
			: `they share no network, and Docker's DNS answers only for containers on a network the asker is on (${asker.name}: ${nets(asker)}; ${target.name}: ${nets(target)})`;
	return {
		id: `${asker.id}:${kind}:${failure.name}`,
		kind,
		severity: 'error',
		containerId: asker.id,
		containerName: asker.name,
		networkMode: relations.modeText(asker),
		message: `${asker.name} cannot look up ${failure.name} (container ${target.name}): ${why}`,
		hint:
			kind === 'dns-default-bridge'
				? `put both on one user-defined network: docker network create app; docker network connect app ${asker.name}; docker network connect app ${target.name}`
				: `connect one to the other's network: docker network connect <network> ${asker.name}`,
		evidence: failure.line,
		evidenceFrom: 'log',
		port: null,
		proto: 'tcp',
		portSource: 'unknown',
		holder: null,
		holderUnknown: null,
		lookup: failure.name,
		source: input.source,
		exitCode: input.source === 'exit' ? asker.exitCode : null,
		occurrence: input.occurrence,
		detectedAt: input.detectedAt,
		eventTimeNano: null,
	};
}
