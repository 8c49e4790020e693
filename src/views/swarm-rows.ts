/**
 * The Swarm view's lines (key `w`): each service with its mode, replicas running of desired,
 * image, published ports and update, then the newest tasks of each replica, then the nodes.
 * Pure: the manager's state in, rows out.
 */
import type {SwarmPort, SwarmService, SwarmState, SwarmTask} from '../model.js';
import {byCreation, taskName} from '../diagnoses/swarm.js';
import {FAILED_STATES} from '../parsers/docker-swarm.js';
import {ago, cell} from '../util/format.js';
import type {Row} from './rows.js';
import type {Tone} from './theme.js';

/** Tasks shown per replica slot, newest first: enough to see a restart loop. */
const TASKS_PER_SLOT = 3;

/** `8080:80/tcp (host)`: published, target, and the mode when it is not the routing mesh. */
export function swarmPortsLabel(ports: readonly SwarmPort[]): string {
	return ports.map(p => `${p.published}:${p.target}/${p.proto}${p.mode === 'host' ? ' (host)' : ''}`).join(' ');
}

/** `1/2`, the manager's count of tasks running of those it wants. */
export function replicasLabel(s: SwarmService): string {
	const desired = s.desired ?? s.replicas;
	return `${s.running ?? '?'}/${desired ?? '?'}`;
}

function taskTone(t: SwarmTask): Tone {
	if (t.state === 'running') return 'good';
	if (FAILED_STATES.has(t.state)) return 'bad';
	if (t.desiredState !== 'running') return 'dim';
	return t.error ? 'bad' : 'warn';
}

function serviceTone(s: SwarmService): Tone {
	const desired = s.desired ?? s.replicas;
	if (s.running === null || desired === null) return 'plain';
	return s.running >= desired ? 'good' : s.running === 0 ? 'bad' : 'warn';
}

/** A service's tasks to show: the newest of each slot (or node), slots in order. */
function shownTasks(swarm: SwarmState, service: SwarmService): SwarmTask[] {
	const by = new Map<string, SwarmTask[]>();
	for (const t of swarm.tasks) {
		if (t.serviceId !== service.id) continue;
		const key = t.slot !== null ? String(t.slot).padStart(6, '0') : t.nodeId;
		const list = by.get(key);
		if (list) list.push(t);
		else by.set(key, [t]);
	}
	return [...by.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([, tasks]) => tasks.sort((a, b) => byCreation(b, a)).slice(0, TASKS_PER_SLOT));
}

export function swarmRows(swarm: SwarmState | null, width: number, now: number, filter = ''): Row[] {
	if (swarm === null) return [[['This engine is not a swarm manager: no services, tasks or nodes to show.', 'dim']]];
	const needle = filter.toLowerCase();
	const services = swarm.services.filter(s => needle === '' || s.name.toLowerCase().includes(needle) || (s.stack ?? '').toLowerCase().includes(needle));
	const rows: Row[] = [[[`SERVICES (${services.length})`, 'accent']]];
	const name = Math.min(28, Math.max(12, Math.floor(width * 0.22)));
	for (const s of [...services].sort((a, b) => (a.name < b.name ? -1 : 1))) {
		const update = s.update ? ` · update ${s.update.state}${s.update.message ? `: ${s.update.message}` : ''}` : '';
		rows.push([
			[cell(s.name, name) + ' ', 'accent'],
			[cell(s.mode, 10) + ' ', 'plain'],
			[cell(replicasLabel(s), 7) + ' ', serviceTone(s)],
			[cell(`${s.image}  ${swarmPortsLabel(s.ports)}${update}`, Math.max(1, width - name - 19)), 'plain'],
		]);
		for (const t of shownTasks(swarm, s)) {
			const since = t.stateAt ? ` ${ago(Date.parse(t.stateAt), now)} ago` : '';
			const node = swarm.nodes.find(n => n.id === t.nodeId)?.hostname ?? '';
			rows.push([
				[cell(`  ${taskName(s, t, swarm.nodes)}`, name) + ' ', 'plain'],
				[cell(t.state, 10) + ' ', taskTone(t)],
				[cell(`→ ${t.desiredState}`, 12) + ' ', 'dim'],
				[cell(`${node}${since}${t.error ? `  ${t.error}` : ''}`, Math.max(1, width - name - 24)), t.error ? 'bad' : 'dim'],
			]);
		}
	}
	rows.push([['', 'plain']], [[`NODES (${swarm.nodes.length})`, 'accent']]);
	for (const n of swarm.nodes) {
		const here = n.id === swarm.nodeId ? ' (this engine)' : '';
		const role = `${n.role}${n.leader ? ' leader' : ''}`;
		rows.push([
			[cell(`${n.hostname}${here}`, name) + ' ', 'plain'],
			[cell(role, 15) + ' ', 'plain'],
			[cell(n.state, 8) + ' ', n.state === 'ready' ? 'good' : 'bad'],
			[cell(`${n.availability}  ${n.address}  ${n.engineVersion}`, Math.max(1, width - name - 25)), n.availability === 'active' ? 'dim' : 'warn'],
		]);
	}
	return rows;
}
