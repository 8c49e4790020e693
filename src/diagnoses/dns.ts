/**
 * A container that cannot look up another container by name, because of how their networks
 * are laid out: Docker's embedded DNS answers container names only on user-defined networks, and
 * only for containers on a network that the asker shares. Pure: the failure and the state in,
 * the finding out; and the test that says when the layout no longer explains it.
 */
import type {ContainerInfo, Finding} from '../model.js';
import type {NameFailure} from '../parsers/name-errors.js';
import {Relations} from '../store/relations.js';

/** Networks whose DNS answers container names: user-defined ones (not the default bridge, host or none). */
function namedNetworks(c: ContainerInfo): Set<string> {
	return new Set(c.networks.filter(n => n.name !== 'bridge' && n.name !== 'host' && n.name !== 'none').map(n => n.id || n.name));
}

function onDefaultBridge(c: ContainerInfo): boolean {
	return c.networks.some(n => n.name === 'bridge');
}

/** The container a name means: its name, an alias on one of its networks, or its Compose service. */
export function containerNamed(name: string, containers: ReadonlyMap<string, ContainerInfo>, except: string): ContainerInfo | null {
	for (const c of containers.values()) {
		if (c.id === except) continue;
		const names = [c.name, c.labels['com.docker.compose.service'], ...c.networks.flatMap(n => n.aliases ?? [])];
		if (names.some(n => n?.toLowerCase() === name)) return c;
	}
	return null;
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
	const target = containerNamed(failure.name, containers, asker.id);
	if (!target) return null;
	const kind = layoutBlocks(asker, target);
	if (!kind) return null;
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
