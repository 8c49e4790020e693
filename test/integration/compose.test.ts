/**
 * Compose on the real engine, with the real docker-compose (1.29, Debian's): a project of two
 * services (test/compose/web.yml) grouped in --json, narrowed by --project and --filter, and a
 * health check that fails, then passes: its events, its health and the unhealthy diagnosis.
 * Each test has a project of its own, taken down after it whatever happened.
 */
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, it} from 'vitest';
import {docker, useTestbed} from '../helpers/docker.js';
import {JsonStream, netwatch, snapshotOnce, type JsonAlert, type OnceDocument} from '../helpers/netwatch.js';

const WEB = fileURLToPath(new URL('../compose/web.yml', import.meta.url));

const bed = useTestbed();
let stream: JsonStream | undefined;
let projects = 0;

afterEach(async () => {
	await stream?.stop();
	stream = undefined;
});

interface ComposeDocument extends OnceDocument {
	containers: (OnceDocument['containers'][number] & {
		compose: {project: string; service: string; number: number | null; oneoff: boolean} | null;
		health: {status: string; failingStreak: number; lastOutput: string; lastCheckAt: string | null} | null;
	})[];
	services: {source: string; project: string; name: string; replicas: {running: number; total: number}; containers: {name: string; number: number | null}[]; health: {healthy: number; unhealthy: number; starting: number} | null}[];
}

/** A project of this test's own, up. */
async function up(env: Record<string, string> = {}): Promise<string> {
	const project = bed.name(`p${++projects}`);
	await bed.compose(project, WEB, ['up', '-d'], env);
	return project;
}

describe('Compose projects', () => {
	it('are grouped into services with their replicas, and narrowed by --project and --filter label=', async () => {
		const project = await up();
		const doc = await snapshotOnce<ComposeDocument>(['--project', project]);
		expect(doc.containers.map(c => c.name).sort()).toEqual([`${project}_web_1`, `${project}_web_2`, `${project}_worker_1`]);
		expect(doc.containers.find(c => c.name === `${project}_web_2`)!.compose).toEqual({project, service: 'web', number: 2, oneoff: false});
		expect(doc.services.map(s => [s.source, s.project, s.name, s.replicas])).toEqual([
			['compose', project, 'web', {running: 2, total: 2}],
			['compose', project, 'worker', {running: 1, total: 1}],
		]);
		expect(doc.services[0]!.containers.map(c => c.number)).toEqual([1, 2]);

		const worker = await snapshotOnce<ComposeDocument>(['--filter', `label=com.docker.compose.project=${project}`, '--filter', 'label=com.docker.compose.service=worker']);
		expect(worker.containers.map(c => c.name)).toEqual([`${project}_worker_1`]);
		expect(worker.services.map(s => s.name)).toEqual(['worker']);

		const none = await snapshotOnce<ComposeDocument>(['--project', `${project}-other`]);
		expect(none.containers).toEqual([]);
		expect(none.services).toEqual([]);

		const bad = await netwatch(['--json', '--once', '--filter', 'status=running']);
		expect(bad.code).toBe(2);
		// the error on one line, then the usage, as for every bad option
		expect(bad.stderr.split('\n')[0]).toBe("netwatch: --filter takes label=KEY or label=KEY=VALUE, not 'status=running'");
		expect(bad.stdout).toBe('');
	});
});

describe('health checks', () => {
	it('unhealthy, then healthy: the events, the health, and the diagnosis raised and resolved', async () => {
		const project = bed.name(`p${++projects}`);
		stream = new JsonStream(['--project', project]);
		const s = stream;
		await s.until('the first snapshot', x => x.snapshots().length > 0);
		await bed.compose(project, WEB, ['up', '-d']);
		const name = `${project}_web_1`;
		const id = await docker('inspect', '-f', '{{.Id}}', name);
		const alertOf = (x: JsonStream): JsonAlert | undefined => x.alerts().findLast(a => a.containerId === id && a.kind === 'unhealthy');

		const raised = await s.until('the unhealthy alert', x => {
			const a = alertOf(x);
			return a && !a.resolved ? a : undefined;
		});
		expect(raised).toMatchObject({severity: 'warning', evidence: 'no /tmp/ok yet', evidenceFrom: 'inspect', source: 'health', container: name});
		expect(s.events().some(e => e.id === id && e.action === 'health_status: unhealthy')).toBe(true);
		const health = (x: JsonStream) => (x.snapshots().at(-1) as unknown as ComposeDocument).containers.find(c => c.id === id)?.health;
		await s.until('unhealthy in a snapshot', x => health(x)?.status === 'unhealthy');
		expect(health(s)).toMatchObject({lastOutput: 'no /tmp/ok yet', lastCheckAt: expect.stringMatching(/^20\d\d-/)});
		expect(health(s)!.failingStreak).toBeGreaterThanOrEqual(1);

		await docker('exec', name, 'touch', '/tmp/ok');
		await s.until('the alert resolved', x => alertOf(x)?.resolved === true);
		expect(s.events().some(e => e.id === id && e.action === 'health_status: healthy')).toBe(true);
		await s.until('healthy in a snapshot', x => health(x)?.status === 'healthy');
		expect(health(s)!.failingStreak).toBe(0);
		// the other replica never got its file: still unhealthy, its alert still open
		const other = await docker('inspect', '-f', '{{.Id}}', `${project}_web_2`);
		expect(s.alerts().findLast(a => a.containerId === other && a.kind === 'unhealthy')?.resolved).toBe(false);
	});
});

interface JsonRollout {
	type: 'rollout';
	id: string;
	kind: string;
	project: string;
	service: string;
	outcome: string;
	reason: string | null;
	alertId: string | null;
	startedAt: string;
	endedAt: string | null;
	old: {configHash: string | null; images: string[]; containers: {id: string; name: string}[]};
	configHash: string | null;
	ports: string[];
	containers: {id: string; name: string; image: string; runningAfterMs: number | null; healthyAfterMs: number | null; listeningAfterMs: number | null}[];
}

describe('rollouts', () => {
	const rollouts = (x: JsonStream) => x.records.filter(r => (r as {type: string}).type === 'rollout') as unknown as JsonRollout[];
	const ended = (x: JsonStream) => rollouts(x).find(r => r.outcome !== 'in-progress');

	/** The project up and healthy, its web replicas listening, watched by --json. */
	async function deployed(): Promise<{project: string; s: JsonStream; old: string[]}> {
		const project = bed.name(`p${++projects}`);
		await bed.compose(project, WEB, ['up', '-d'], {NETWATCH_TEST_READY: '1'});
		stream = new JsonStream(['--project', project]);
		const s = stream;
		await s.until('both web replicas healthy and listening', x => {
			const last = x.snapshots().at(-1) as unknown as ComposeDocument | undefined;
			const web = last?.containers.filter(c => c.compose?.service === 'web') ?? [];
			return web.length === 2 && web.every(c => c.health?.status === 'healthy' && c.listening.some(l => l.port === 8080));
		});
		const old = (await bed.compose(project, WEB, ['ps', '-q', 'web'])).split('\n').sort();
		return {project, s, old};
	}

	it('a changed environment: one rollout, from the old containers to the new, done once they run, are healthy and listen', async () => {
		const {project, s, old} = await deployed();
		await bed.compose(project, WEB, ['up', '-d'], {NETWATCH_TEST_READY: '1', NETWATCH_TEST_VERSION: '2'});
		const fresh = (await bed.compose(project, WEB, ['ps', '-q', 'web'])).split('\n').sort();
		expect(fresh.some(id => old.includes(id))).toBe(false);
		const done = await s.until('the rollout done', ended, 30_000);
		expect(done).toMatchObject({kind: 'update', project, service: 'web', outcome: 'done', reason: null, ports: ['8080/tcp']});
		expect(done.old.containers.map(c => c.id).sort()).toEqual(old);
		expect(done.containers.map(c => c.id).sort()).toEqual(fresh);
		expect(done.configHash).not.toBe(done.old.configHash);
		for (const c of done.containers) {
			expect(c.runningAfterMs).toBeGreaterThanOrEqual(0);
			expect(c.healthyAfterMs).toBeGreaterThanOrEqual(c.runningAfterMs!);
			expect(c.listeningAfterMs).toBeGreaterThanOrEqual(c.runningAfterMs!);
		}
		// one rollout, and the worker (unchanged) had none
		expect(new Set(rollouts(s).map(r => r.id)).size).toBe(1);
		// the old containers are gone, as the rollout says
		for (const id of old) await expect(docker('inspect', id)).rejects.toThrow();
	});

	it('a new container that exits: the rollout ends failed, with the exit as the reason', async () => {
		const {project, s, old} = await deployed();
		await bed.compose(project, WEB, ['up', '-d'], {NETWATCH_TEST_READY: '1', NETWATCH_TEST_FAIL: '1'});
		const failed = await s.until('the rollout failed', ended, 30_000);
		expect(failed).toMatchObject({project, service: 'web', outcome: 'failed'});
		expect(failed.reason).toMatch(new RegExp(`^${project}_web_[12] exited with code 3$`));
		expect(failed.old.containers.map(c => c.id).sort()).toEqual(old);
		expect(failed.endedAt).not.toBeNull();
	});

	it('a scale up: one rollout of the new replica, done once it runs, is healthy and listens', async () => {
		const {project, s, old} = await deployed();
		await bed.compose(project, WEB, ['up', '-d', '--scale', 'web=3'], {NETWATCH_TEST_READY: '1'});
		const now = (await bed.compose(project, WEB, ['ps', '-q', 'web'])).split('\n');
		const added = now.filter(id => !old.includes(id));
		expect(added).toHaveLength(1);
		const done = await s.until('the scale done', ended, 30_000);
		expect(done).toMatchObject({kind: 'scale', project, service: 'web', outcome: 'done', ports: ['8080/tcp'], old: expect.objectContaining({containers: []})});
		expect(done.containers.map(c => c.id)).toEqual(added);
		expect(done.containers[0]!.listeningAfterMs).toBeGreaterThanOrEqual(done.containers[0]!.runningAfterMs!);
		expect(new Set(rollouts(s).map(r => r.id)).size).toBe(1);
	});
});
