/**
 * A store filled with captured data: the containers, networks, counters and sysfs metadata of
 * the fixture session (see test/fixtures/README.md), dispatched as the collectors would.
 */
import type {ContainerInfo, InterfaceMeta, NetDevRow, NetworkInfo} from '../../src/model.js';
import {parseContainerInspect, parseNetworkInspect} from '../../src/parsers/docker-container.js';
import {parseNetDev} from '../../src/parsers/proc-net-dev.js';
import {HOST_NS} from '../../src/model.js';
import type {Action} from '../../src/store/actions.js';
import {Store} from '../../src/store/store.js';
import {fixture, fixtureJson} from './fixtures.js';

const meta = fixtureJson<{host: Record<string, InterfaceMeta>; containers: Record<string, Record<string, InterfaceMeta>>}>('proc/sysfs-meta.json');
const NAMES = ['b1', 'c1', 'h1', 'h2', 'n1', 'u1', 'm1', 'o1', 'p1', 'p2'];

export const containers = Object.fromEntries(NAMES.map(n => [n, parseContainerInspect(fixtureJson(`docker/inspect-${n}.json`))!])) as Record<string, ContainerInfo>;
export const networks = ['bridge', 'host', 'fxnet', 'fxmac', 'fxover'].map(n => parseNetworkInspect(fixtureJson(`docker/network-${n}.json`))!) as NetworkInfo[];
export const hostRows = parseNetDev(fixture('proc/host-net-dev-wide.txt'));
const OWN = ['b1', 'u1', 'm1', 'o1', 'n1'];

/** Every counter moved on: rx by `by` bytes, tx by twice that. */
export function bump(rows: readonly NetDevRow[], by: number): NetDevRow[] {
	return rows.map(r => ({...r, rxBytes: r.rxBytes + by, txBytes: r.txBytes + 2 * by}));
}

/** The actions of a session: the model, then two samples half a second apart. */
export function fixtureActions(): Action[] {
	const nsRows: Record<string, NetDevRow[]> = {};
	for (const n of OWN) nsRows[containers[n]!.id] = parseNetDev(fixture(`proc/${n}-net-dev.txt`));
	const actions: Action[] = [
		{type: 'host', hostname: 'vm', os: null, interval: 1},
		{type: 'networks', networks},
		{type: 'containers', containers: Object.values(containers)},
		{type: 'interfaces', ns: HOST_NS, meta: meta.host},
	];
	for (const n of OWN) actions.push({type: 'interfaces', ns: containers[n]!.id, meta: meta.containers[`fx-${n}`]!});
	actions.push({type: 'namespace', containerId: containers['h1']!.id, netns: 'net:[4026531833]', sharesHostNetns: true});
	actions.push({type: 'namespace', containerId: containers['b1']!.id, netns: 'net:[4026532184]', sharesHostNetns: false});
	actions.push({type: 'tick', at: 1_795_833_000_000, mono: 1_000, host: hostRows, namespaces: nsRows});
	const later = Object.fromEntries(Object.entries(nsRows).map(([id, rows]) => [id, bump(rows, 500)]));
	actions.push({type: 'tick', at: 1_795_833_000_500, mono: 1_500, host: bump(hostRows, 1000), namespaces: later});
	return actions;
}

export function fixtureStore(): Store {
	const store = new Store({endpoint: 'unix:///var/run/docker.sock', coalesceMs: 1});
	for (const action of fixtureActions()) store.dispatch(action);
	store.flush();
	return store;
}
