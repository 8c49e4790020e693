/**
 * Swarm, on what a one-node swarm's manager answered (test/fixtures/swarm/, made by its
 * capture.sh): fx-web publishes 18471 in host mode while a host process holds it; fx-b publishes
 * 18472 in host mode, as fx-a does, which runs; fx-exit exits 3; fx-upd was updated and runs.
 */
import {describe, expect, it} from 'vitest';
import {listeningSocket} from '../../src/collectors/sockets.js';
import {unsettled} from '../../src/collectors/docker/swarm.js';
import {byCreation, taskFindingId, taskFindings, taskName} from '../../src/diagnoses/swarm.js';
import type {ContainerInfo, SwarmService, SwarmState} from '../../src/model.js';
import {parseContainerInspect} from '../../src/parsers/docker-container.js';
import {imageName, parseNode, parseService, parseSwarmInfo, parseTask} from '../../src/parsers/docker-swarm.js';
import {parseSockets} from '../../src/parsers/proc-net-sockets.js';
import {swarmRollout, swarmRollouts} from '../../src/rollouts/swarm.js';
import {Store} from '../../src/store/store.js';
import {rowText} from '../../src/views/rows.js';
import {swarmPortsLabel, swarmRows} from '../../src/views/swarm-rows.js';
import {fixture, fixtureJson} from '../helpers/fixtures.js';

const parsed = <T>(file: string, parse: (raw: unknown) => T | null): T[] => fixtureJson<unknown[]>(`swarm/${file}`).map(raw => parse(raw)!);
const services = parsed('services.json', parseService);
const tasks = parsed('tasks.json', parseTask);
const nodes = parsed('nodes.json', parseNode);
const info = parseSwarmInfo(fixtureJson('swarm/info-manager.json'));
const swarm: SwarmState = {nodeId: info.nodeId, services, tasks, nodes};
const failedContainer = parseContainerInspect(fixtureJson('swarm/inspect-fx-web-failed.json'))!;
const [holderPid, holderCommand] = fixture('swarm/holder.txt').trim().split('\t') as [string, string];

const service = (name: string): SwarmService => services.find(s => s.name === name)!;
const tasksOf = (name: string) => tasks.filter(t => t.serviceId === service(name).id);

/** The host's listeners when the task failed, the holder's socket owned as the fd walk would find it. */
function hostSockets() {
	return parseSockets(fixture('swarm/host-tcp.txt'), 'tcp', {listeningOnly: true}).map(row =>
		listeningSocket(row, 'host', row.localPort === 18471 ? {pid: Number(holderPid), command: holderCommand, containerId: null, proxyTo: null} : undefined, 'needs root'),
	);
}

function judge(containers: readonly ContainerInfo[]) {
	return taskFindings({swarm, containers: new Map(containers.map(c => [c.id, c])), sockets: hostSockets, detectedAt: 0});
}

describe('the manager\'s answers', () => {
	it('GET /info: this engine is the manager, and which node it is', () => {
		expect(info).toEqual({nodeId: nodes[0]!.id, state: 'active', manager: true});
		expect(parseSwarmInfo({Swarm: {LocalNodeState: 'inactive', ControlAvailable: false}})).toEqual({nodeId: '', state: 'inactive', manager: false});
	});

	it('services: mode, replicas, the ports as published, and the last update', () => {
		expect(services.map(s => s.name).sort()).toEqual(['fx-a', 'fx-b', 'fx-exit', 'fx-upd', 'fx-web']);
		expect(service('fx-web')).toMatchObject({mode: 'replicated', replicas: 1, running: 0, desired: 1, image: 'netwatch/busybox:latest', stack: null, update: null, previousImage: null});
		expect(service('fx-web').ports).toEqual([{published: 18471, target: 80, proto: 'tcp', mode: 'host'}]);
		expect(swarmPortsLabel(service('fx-b').ports)).toBe('18472:80/tcp (host)');
		expect(service('fx-upd').update).toMatchObject({state: 'completed', message: 'update completed'});
		expect(service('fx-upd').previousImage).toBe('netwatch/busybox:latest');
		expect(service('fx-exit').ports).toEqual([]);
	});

	it('tasks: state, desired state, error, container and exit code', () => {
		const [pending] = tasksOf('fx-b');
		expect(pending).toMatchObject({slot: 1, state: 'pending', desiredState: 'running', error: 'no suitable node (host-mode port already in use on 1 node)', containerId: null, exitCode: null});
		expect(tasksOf('fx-exit')[0]).toMatchObject({state: 'failed', desiredState: 'shutdown', error: 'task: non-zero exit (3)', exitCode: 3});
		const web = tasksOf('fx-web');
		expect(web.filter(t => t.state === 'failed').length).toBeGreaterThan(0);
		for (const t of web.filter(t => t.state === 'failed')) expect(t.error).toMatch(/listen tcp4 0\.0\.0\.0:18471: bind: address already in use$/);
		expect(taskName(service('fx-web'), web[0]!, nodes)).toBe('fx-web.1');
	});

	it('nodes: the one manager, leader and ready', () => {
		expect(nodes).toEqual([expect.objectContaining({role: 'manager', leader: true, state: 'ready', availability: 'active', address: '127.0.0.1'})]);
	});

	it('an image is named without its digest', () => {
		expect(imageName('busybox:1.36@sha256:0123abcd')).toBe('busybox:1.36');
		expect(imageName('busybox')).toBe('busybox');
	});
});

describe('task diagnoses', () => {
	it('a host-mode port a host process holds: a bind failure naming the holder, from the newest failed task', () => {
		const {findings} = judge([failedContainer]);
		const web = findings.find(f => f.id === taskFindingId(service('fx-web'), tasksOf('fx-web')[0]!))!;
		const newestFailed = tasksOf('fx-web')
			.filter(t => t.state === 'failed')
			.sort((a, b) => Date.parse(b.createdAt!) - Date.parse(a.createdAt!))[0]!;
		expect(newestFailed.containerId).toBe(failedContainer.id);
		expect(web).toMatchObject({kind: 'EADDRINUSE', source: 'task', evidenceFrom: 'task', containerName: 'fx-web.1', port: 18471, proto: 'tcp', occurrence: newestFailed.id, evidence: newestFailed.error});
		expect(web.holder).toMatchObject({pid: Number(holderPid), command: holderCommand, via: 'process'});
		expect(web.message).toContain('fx-web.1');
		expect(web.message).toContain(`held by a host process: ${holderCommand} (pid ${holderPid})`);
	});

	it('the failed task\'s container not inspected yet: its slot waits, rather than a guess', () => {
		const {findings, waiting} = judge([]);
		expect(findings.some(f => f.containerName === 'fx-web.1')).toBe(false);
		expect(waiting).toEqual([taskFindingId(service('fx-web'), tasksOf('fx-web')[0]!)]);
	});

	it('another service\'s host-mode port: the task cannot be placed, and that service is named', () => {
		const fxB = judge([failedContainer]).findings.find(f => f.containerName === 'fx-b.1')!;
		expect(fxB).toMatchObject({kind: 'task-unplaceable', port: 18472, proto: 'tcp', evidence: 'no suitable node (host-mode port already in use on 1 node)', holder: {containerName: 'fx-a.1', via: 'published-port'}, occurrence: null});
		expect(fxB.message).toBe('fx-b.1 cannot be placed: no suitable node (host-mode port already in use on 1 node): port 18472/tcp is published in host mode by fx-a.1');
	});

	it('a task that exits: task-failed with its error as the evidence', () => {
		const exit = judge([failedContainer]).findings.find(f => f.containerName === 'fx-exit.1')!;
		expect(exit).toMatchObject({kind: 'task-failed', severity: 'error', evidence: 'task: non-zero exit (3)', exitCode: 3, message: 'fx-exit.1 failed: task: non-zero exit (3)'});
	});

	it('a bind failure on another node: said as the task\'s error, since its container and holder are not here to see', () => {
		const elsewhere: SwarmState = {...swarm, nodeId: 'a-second-manager'};
		const {findings, waiting} = taskFindings({swarm: elsewhere, containers: new Map(), sockets: hostSockets, detectedAt: 0});
		expect(waiting).toEqual([]);
		expect(findings.find(f => f.containerName === 'fx-web.1')).toMatchObject({kind: 'task-failed', holder: null, evidence: expect.stringMatching(/bind: address already in use$/)});
	});

	it('a slot that a scale-down took away raises nothing, whatever its last task did', () => {
		const removed: SwarmState = {...swarm, tasks: tasks.map(t => (t.serviceId === service('fx-exit').id ? {...t, desiredState: 'remove'} : t))};
		const names = taskFindings({swarm: removed, containers: new Map(), sockets: () => [], detectedAt: 0}).findings.map(f => f.containerName);
		expect(names).not.toContain('fx-exit.1');
		expect(names).toContain('fx-b.1');
	});

	it('tasks are ordered by creation to the nanosecond, though Docker trims the fraction\'s zeros', () => {
		const web = [...tasksOf('fx-web')].sort(byCreation);
		expect(web.at(-1)!.state).toBe('ready');
		expect(web.map(t => t.createdAt)).toEqual(tasksOf('fx-web').map(t => t.createdAt).sort());
		// an earlier capture's ready task was created at …:18.59611145Z: eight digits, 18.596111450 s
		const [a, b] = [{...web[0]!, createdAt: '2026-12-03T05:49:18.59611145Z'}, {...web[0]!, createdAt: '2026-12-03T05:49:18.596111453Z'}];
		expect([b, a].sort(byCreation)).toEqual([a, b]);
	});

	it('running services raise nothing: one finding for each of the three that do not run', () => {
		expect(judge([failedContainer]).findings.map(f => f.containerName).sort()).toEqual(['fx-b.1', 'fx-exit.1', 'fx-web.1']);
		const runningOnly: SwarmState = {...swarm, services: [service('fx-a'), service('fx-upd')]};
		expect(taskFindings({swarm: runningOnly, containers: new Map(), sockets: () => [], detectedAt: 0})).toEqual({findings: [], waiting: []});
	});
});

describe('reading again', () => {
	it('while a task is on its way; not once all run', () => {
		expect(unsettled(swarm)).toBe(true);
		const ids = new Set([service('fx-a').id, service('fx-upd').id]);
		expect(unsettled({...swarm, tasks: tasks.filter(t => ids.has(t.serviceId))})).toBe(false);
	});
});

describe('swarm rollouts', () => {
	const upd = service('fx-upd');
	const [oldTask, newTask] = tasksOf('fx-upd').sort((a, b) => Date.parse(a.createdAt!) - Date.parse(b.createdAt!));

	function stateWith(s: SwarmState) {
		const store = new Store({endpoint: 'unix:///var/run/docker.sock'});
		store.dispatch({type: 'swarm', swarm: s});
		return store.getState();
	}

	it('an update that was over before netwatch looked is not followed', () => {
		expect(swarmRollouts(stateWith(swarm), new Map(), Date.now())).toEqual([]);
	});

	it('one seen while updating runs from the old task to the new, and is done when the manager says so', () => {
		const updating: SwarmState = {...swarm, services: [{...upd, update: {...upd.update!, state: 'updating', completedAt: null, message: 'update in progress'}}]};
		const [open] = swarmRollouts(stateWith(updating), new Map(), Date.now());
		expect(open).toMatchObject({source: 'swarm', kind: 'update', service: 'fx-upd', project: 'swarm', outcome: 'in-progress'});
		expect(open!.old.containers).toEqual([{id: oldTask!.containerId, name: 'fx-upd.1'}]);
		expect(open!.containers.map(k => k.id)).toEqual([newTask!.containerId]);
		const done = swarmRollout(upd, swarm, stateWith(swarm), open, Date.now())!;
		expect(done).toMatchObject({id: open!.id, outcome: 'done', reason: null, endedAt: Date.parse(upd.update!.completedAt!)});
	});

	it('one that another update replaced, whose service went, or whose swarm was left, ends failed, saying which', () => {
		const updating: SwarmState = {...swarm, services: [{...upd, update: {...upd.update!, state: 'updating', completedAt: null}}]};
		const [open] = swarmRollouts(stateWith(updating), new Map(), 0);
		const current = new Map([[open!.id, open!]]);
		const again: SwarmState = {...swarm, services: [{...upd, update: {...upd.update!, state: 'updating', startedAt: '2026-12-03T06:00:00Z', completedAt: null}}]};
		expect(swarmRollouts(stateWith(again), current, 5)[0]).toMatchObject({id: open!.id, outcome: 'failed', endedAt: 5, reason: "superseded: the service's update is updating since 2026-12-03T06:00:00Z"});
		expect(swarmRollouts(stateWith({...swarm, services: []}), current, 5)).toEqual([expect.objectContaining({outcome: 'failed', reason: 'the service was removed'})]);
		const left = new Store({endpoint: 'unix:///var/run/docker.sock'});
		left.dispatch({type: 'swarm', swarm: null});
		expect(swarmRollouts(left.getState(), current, 5)).toEqual([expect.objectContaining({outcome: 'failed', reason: 'the engine left the swarm'})]);
	});
});

describe('the Swarm view', () => {
	const lines = swarmRows(swarm, 160, Date.parse(tasks[0]!.stateAt!)).map(rowText);

	it('a line per service, its newest tasks under it, then the nodes', () => {
		const web = lines.find(l => l.startsWith('fx-web '))!;
		expect(web).toMatch(/replicated\s+0\/1\s+netwatch\/busybox:latest {2}18471:80\/tcp \(host\)/);
		expect(lines.find(l => l.includes('fx-b.1'))).toContain('no suitable node (host-mode port already in use on 1 node)');
		expect(lines.filter(l => l.trimStart().startsWith('fx-web.1')).length).toBe(3);
		expect(lines.find(l => l.startsWith('fx-upd '))).toContain('update completed');
		expect(lines.at(-1)).toMatch(/\(this engine\)\s+manager leader\s+ready\s+active {2}127\.0\.0\.1/);
	});

	it('the `/` filter keeps matching services; an engine that is no manager says so', () => {
		expect(swarmRows(swarm, 160, 0, 'fx-b').map(rowText).filter(l => l.startsWith('fx-'))).toEqual([expect.stringMatching(/^fx-b /)]);
		expect(swarmRows(null, 160, 0).map(rowText)).toEqual(['This engine is not a swarm manager: no services, tasks or nodes to show.']);
	});
});
