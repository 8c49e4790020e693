/**
 * Swarm on the real engine, a one-node swarm (`docker swarm init --advertise-addr 127.0.0.1`),
 * left as it was found: services, tasks and nodes in --json; the case to get right, a port
 * published in host mode that a host process holds (the task fails, the holder is named, and the
 * alert resolves once the port is free and the task runs); and `docker service update` followed
 * as one rollout, done or failed as the manager says.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {afterEach, describe, expect, it} from 'vitest';
import {docker, freePort, IMAGE, useTestbed} from '../helpers/docker.js';
import {useNetwatch, type JsonAlert, type JsonStream, type OnceDocument} from '../helpers/netwatch.js';

const bed = useTestbed();
const watching = useNetwatch();
let holder: ChildProcess | undefined;

afterEach(() => {
	holder?.kill();
	holder = undefined;
});

interface SwarmDocument extends OnceDocument {
	services: {source: string; id?: string; name: string; mode?: string; replicas: {running: number | null; desired?: number | null}; images: string[]; ports?: {published: number; target: number; proto: string; mode: string}[]}[];
	tasks: {id: string; service: string | null; slot: number | null; node: string | null; state: string; desiredState: string; error: string | null; containerId: string | null}[];
	swarm: {nodeId: string; nodes: {id: string; hostname: string; role: string; leader: boolean; state: string}[]} | null;
}

interface JsonRollout {
	id: string;
	source: string;
	kind: string;
	project: string;
	service: string;
	outcome: string;
	reason: string | null;
	old: {images: string[]; containers: {id: string; name: string}[]};
	containers: {id: string; name: string; image: string; runningAfterMs: number | null}[];
	endedAt: string | null;
}

/**
 * An update without the waits that only cost time: httpd as pid 1 ignores SIGTERM, so the old
 * task is killed after the grace period (10 s by default), and the manager watches each new
 * task for the monitor period (5 s) before it moves on.
 */
const QUICK = ['--update-delay', '0s', '--update-monitor', '2s', '--stop-grace-period', '1s'];

const last = (s: JsonStream): SwarmDocument | undefined => s.snapshots().at(-1) as unknown as SwarmDocument | undefined;
const rollouts = (s: JsonStream): JsonRollout[] => s.records.filter(r => (r as {type: string}).type === 'rollout') as unknown as JsonRollout[];
const taskAlert = (s: JsonStream, service: string): JsonAlert | undefined => s.alerts().findLast(a => a.source === 'task' && a.container === `${service}.1`);

/** A service's tasks, newest first (`docker service ps`), with the state and error the manager keeps (the CLI quotes the error). */
async function servicePs(name: string): Promise<{id: string; state: string; error: string}[]> {
	const ids = (await docker('service', 'ps', '--quiet', '--no-trunc', name)).split('\n').filter(Boolean);
	const out = await docker('inspect', '--format', '{{.ID}}\t{{.Status.State}}\t{{.Status.Err}}', ...ids);
	return out.split('\n').map(line => {
		const [id, state, error] = line.split('\t');
		return {id: id!, state: state!, error: error ?? ''};
	});
}

describe('Swarm', () => {
	it('a host-mode port a host process holds: the task fails, the alert names the holder, and resolves when the port is free', async () => {
		await bed.swarm();
		const port = await freePort();
		holder = spawn('/bin/busybox', ['httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', '/tmp'], {stdio: 'ignore'});
		const s = await watching();
		await s.until('the holder listening', x => last(x)?.host.listening.some(l => l.port === port && l.pid === holder!.pid));
		const web = await bed.service('web', ['--publish', `mode=host,published=${port},target=80`, '--restart-delay', '1s'], ['httpd', '-f', '-p', '80', '-h', '/www']);

		const alert = await s.until('the task alert', x => taskAlert(x, web.name), 60_000);
		expect(alert).toMatchObject({kind: 'EADDRINUSE', severity: 'error', evidenceFrom: 'task', port, proto: 'tcp', holder: {pid: holder.pid, via: 'process'}});
		expect(alert.message).toContain(`${web.name}.1`);
		expect(alert.message).toContain(`held by a host process: busybox httpd -f -p 127.0.0.1:${port} -h /tmp (pid ${holder.pid})`);
		// the evidence is the task's error, as the manager gives it
		const failed = (await servicePs(web.name)).filter(t => t.state === 'failed' || t.state === 'rejected');
		expect(failed.map(t => t.error)).toContain(alert.evidence);
		expect(alert.evidence).toMatch(/address already in use/);

		const doc = await s.until('the service and its failed task in the snapshot', x => {
			const d = last(x);
			return d?.tasks.some(t => t.service === web.name && (t.state === 'failed' || t.state === 'rejected')) ? d : undefined;
		});
		expect(doc.services.find(v => v.name === web.name)).toMatchObject({source: 'swarm', mode: 'replicated', replicas: {desired: 1}, images: [IMAGE], ports: [{published: port, target: 80, proto: 'tcp', mode: 'host'}]});
		const node = doc.swarm!.nodes.find(n => n.id === doc.swarm!.nodeId)!;
		expect(node).toMatchObject({role: 'manager', leader: true, state: 'ready', hostname: await docker('info', '--format', '{{.Name}}')});
		const ids = new Set((await servicePs(web.name)).map(t => t.id));
		for (const t of doc.tasks.filter(t => t.service === web.name)) expect(ids.has(t.id)).toBe(true);

		// the port freed: the manager's next task runs, and the alert is resolved on its word
		holder.kill();
		await s.until('the alert resolved', x => taskAlert(x, web.name)?.resolved, 60_000);
		expect((await servicePs(web.name))[0]!.state).toBe('running');
	});

	it('docker service update: one rollout from the old task to the new, done when the manager says so', async () => {
		await bed.swarm();
		const web = await bed.service('web', QUICK, ['httpd', '-f', '-p', '80', '-h', '/www']);
		const s = await watching();
		const old = await s.until('the first task running', x => last(x)?.tasks.find(t => t.service === web.name && t.state === 'running'), 60_000);
		await docker('service', 'update', '--detach', '--quiet', '--env-add', 'NETWATCH_VERSION=2', web.name);
		const done = await s.until('the rollout done', x => rollouts(x).find(r => r.service === web.name && r.outcome !== 'in-progress'), 60_000);
		expect(done).toMatchObject({source: 'swarm', kind: 'update', project: 'swarm', outcome: 'done', reason: null, old: {images: [IMAGE], containers: [{id: old.containerId, name: `${web.name}.1`}]}});
		expect(await docker('service', 'inspect', '--format', '{{.UpdateStatus.State}}', web.name)).toBe('completed');
		const running = (await servicePs(web.name))[0]!;
		expect(running.state).toBe('running');
		const fresh = await docker('inspect', '--format', '{{.Status.ContainerStatus.ContainerID}}', running.id);
		expect(done.containers).toEqual([expect.objectContaining({id: fresh, name: `${web.name}.1`, image: IMAGE})]);
		expect(done.containers[0]!.runningAfterMs).toBeGreaterThanOrEqual(0);
	});

	it('an update whose new task exits: the rollout fails with the manager\'s reason, and the task alert says why', async () => {
		await bed.swarm();
		const web = await bed.service('web', [...QUICK, '--update-failure-action', 'pause', '--restart-condition', 'none'], ['httpd', '-f', '-p', '80', '-h', '/www']);
		const s = await watching();
		await s.until('the first task running', x => last(x)?.tasks.find(t => t.service === web.name && t.state === 'running'), 60_000);
		await docker('service', 'update', '--detach', '--quiet', '--args', 'sh -c "exit 3"', web.name);
		const failed = await s.until('the rollout failed', x => rollouts(x).find(r => r.service === web.name && r.outcome === 'failed'), 60_000);
		const status = await docker('service', 'inspect', '--format', '{{.UpdateStatus.State}}|{{.UpdateStatus.Message}}', web.name);
		expect(status.split('|')[0]).toBe('paused');
		expect(failed.reason).toBe(status.split('|')[1]);
		const alert = await s.until('the task alert', x => taskAlert(x, web.name));
		expect(alert).toMatchObject({kind: 'task-failed', evidenceFrom: 'task', resolved: false});
		expect(alert.evidence).toBe('task: non-zero exit (3)');
	});
});
