/**
 * Compose: the labels read from captured inspects (docker-compose 1.29.2, test/compose/web.yml),
 * the list grouped by project and service, folding, the `/` filter, and what `--project` and
 * `--filter label=…` let through.
 */
import type {Key} from 'ink';
import {describe, expect, it} from 'vitest';
import {parseCommandLine, UsageError} from '../../src/cli/args.js';
import {onceDocument} from '../../src/output/json.js';
import {parseContainerInspect} from '../../src/parsers/docker-container.js';
import {inScope, parseLabelFilter} from '../../src/store/scope.js';
import {Store} from '../../src/store/store.js';
import type {Scope} from '../../src/store/scope.js';
import {dashboardModel} from '../../src/views/Dashboard.js';
import {handleKey} from '../../src/views/keys.js';
import {groupRow, containerColumns, rolloutLogRow, rolloutText, rowText} from '../../src/views/rows.js';
import type {Rollout} from '../../src/model.js';
import {initialUiState, uiReducer, type UiState} from '../../src/views/ui-state.js';
import {containers as fixtures} from '../helpers/snapshots.js';
import {fixtureJson} from '../helpers/fixtures.js';

const inspect = (name: string) => parseContainerInspect(fixtureJson(`docker/inspect-compose-${name}.json`))!;
const web1 = inspect('web-unhealthy');
const web2 = inspect('web-2');
const worker = inspect('worker-1');
const b1 = fixtures['b1']!;

function snapshotOf(scope?: Scope) {
	const store = new Store({endpoint: 'unix:///var/run/docker.sock', ...(scope ? {scope} : {})});
	store.dispatch({type: 'containers', containers: [web1, web2, worker, b1]});
	return store.getSnapshot();
}

const KEY = {return: false, escape: false, ctrl: false, meta: false, shift: false, tab: false} as Key;
const SIZE = {columns: 160, rows: 48};

/** Press keys on the dashboard as the App would: each against the state the one before left. */
function press(ui: UiState, ...keys: (string | 'return')[]): UiState {
	const s = snapshotOf();
	for (const k of keys) {
		const key = k === 'return' ? {...KEY, return: true} : KEY;
		for (const action of handleKey(k === 'return' ? '' : k, key, dashboardModel(s, ui, SIZE), s, false).ui) ui = uiReducer(ui, action);
	}
	return ui;
}

const ids = (ui: UiState) => dashboardModel(snapshotOf(), ui, SIZE).rows.map(r => (r.kind === 'group' ? r.id : `  ${r.container.name}`));

describe('Compose labels', () => {
	it('are read from what docker-compose 1.29 wrote', () => {
		expect(web1.compose).toEqual({project: 'nwt-capture14', service: 'web', number: 1, oneoff: false, configHash: expect.stringMatching(/^[0-9a-f]{64}$/)});
		expect(web2.compose).toMatchObject({service: 'web', number: 2});
		expect(worker.compose).toMatchObject({service: 'worker', number: 1});
		expect(b1.compose).toBeNull();
	});
});

describe('the grouped list', () => {
	it('groups by project, then service; the rest last', () => {
		expect(ids(initialUiState())).toEqual([
			'project:nwt-capture14',
			'service:nwt-capture14/web',
			'  nwt-capture14_web_1',
			'  nwt-capture14_web_2',
			'service:nwt-capture14/worker',
			'  nwt-capture14_worker_1',
			'other',
			'  fx-b1',
		]);
	});

	it('stays flat without a Compose container', () => {
		const store = new Store({endpoint: 'x'});
		store.dispatch({type: 'containers', containers: [b1]});
		expect(dashboardModel(store.getSnapshot(), initialUiState(), SIZE).rows.map(r => r.kind)).toEqual(['container']);
	});

	it('shows a service as its replicas running of all, and a project with its services', () => {
		const [project, web] = dashboardModel(snapshotOf(), initialUiState(), SIZE).rows;
		const cols = containerColumns(158);
		expect(rowText(groupRow(web as never, cols, 'bytes'))).toMatch(/^ {2} {2}▾ web +netwatch\/busybox:latest +2\/2 running /);
		expect(rowText(groupRow(project as never, cols, 'bytes'))).toMatch(/^ {2}▾ nwt-capture14 \(2 services\) +3\/3 running /);
	});

	it('folds with -, unfolds with +, switches with Enter; - on a container folds its service', () => {
		let ui = press(initialUiState(), 'j', 'j');
		expect(ids(ui)[ui.selectedIndex]).toBe('  nwt-capture14_web_1');
		ui = press(ui, '-');
		expect(ui.selectedId).toBe('service:nwt-capture14/web');
		expect(ids(ui)).toEqual(['project:nwt-capture14', 'service:nwt-capture14/web', 'service:nwt-capture14/worker', '  nwt-capture14_worker_1', 'other', '  fx-b1']);
		ui = press(ui, '-');
		expect(ids(ui)).toEqual(['project:nwt-capture14', 'other', '  fx-b1']);
		ui = press(ui, 'return');
		expect(ids(ui)).toHaveLength(6);
		ui = press(ui, 'j', '+');
		expect(ids(ui)).toHaveLength(8);
	});

	it('filters by project and service name too', () => {
		const model = (filter: string) => dashboardModel(snapshotOf(), {...initialUiState(), filter}, SIZE);
		expect(model('worker').containers.map(c => c.name)).toEqual(['nwt-capture14_worker_1']);
		expect(model('capture14').containers).toHaveLength(3);
		// no Compose container left: a flat list
		expect(model('fx-b').rows.map(r => r.id)).toEqual([b1.id]);
	});
});

describe('--project and --filter label=', () => {
	it('narrow the snapshot to what they match', () => {
		const names = (scope: Scope) => snapshotOf(scope).containers.map(c => c.name);
		expect(names({projects: ['nwt-capture14'], labels: []})).toEqual(['nwt-capture14_web_1', 'nwt-capture14_web_2', 'nwt-capture14_worker_1']);
		expect(names({projects: ['other'], labels: []})).toEqual([]);
		expect(names({projects: [], labels: [{key: 'com.docker.compose.service', value: 'worker'}]})).toEqual(['nwt-capture14_worker_1']);
		// docker ps: every label filter must match
		expect(names({projects: [], labels: [{key: 'io.netwatch.test', value: null}, {key: 'com.docker.compose.service', value: 'web'}]})).toHaveLength(2);
		expect(inScope({projects: ['a', 'b'], labels: []}, {'com.docker.compose.project': 'b'})).toBe(true);
	});

	it('are read from the command line, and refused when malformed', () => {
		expect(parseCommandLine(['--project', 'a', '--project=b', '--filter', 'label=x', '--filter', 'label=y=1=2'])).toMatchObject({
			scope: {projects: ['a', 'b'], labels: [{key: 'x', value: null}, {key: 'y', value: '1=2'}]},
		});
		expect(parseLabelFilter('status=running')).toBeNull();
		expect(() => parseCommandLine(['--filter', 'status=running'])).toThrow(new UsageError("--filter takes label=KEY or label=KEY=VALUE, not 'status=running'"));
		expect(() => parseCommandLine(['--filter', 'label='])).toThrow(UsageError);
		expect(() => parseCommandLine(['--project', ''])).toThrow(new UsageError('--project needs a name'));
	});
});

describe('health', () => {
	it('is read from State.Health: status, failing streak, the last probe', () => {
		expect(web1.health).toEqual({status: 'unhealthy', failingStreak: 5, lastOutput: 'no /tmp/ok yet', lastExitCode: 1, lastCheckAt: expect.stringMatching(/^2026-12-02T/)});
		expect(inspect('web-healthy').health).toMatchObject({status: 'healthy', failingStreak: 0, lastExitCode: 0});
		expect(worker.health).toBeNull();
	});

	it('has untrusted probe output made inert and cut', () => {
		const raw = fixtureJson<{State: {Health: {Log: {Output: string}[]}}}>('docker/inspect-compose-web-unhealthy.json');
		const log = raw.State.Health.Log;
		log[log.length - 1]!.Output = `\u001b]0;owned\u0007${'x'.repeat(500)}\n`;
		const health = parseContainerInspect(raw)!.health!;
		expect(health.lastOutput).toMatch(/^x+…$/);
		expect([...health.lastOutput]).toHaveLength(200);
	});

	it('shows in a HEALTH column, and a service says how many are healthy', () => {
		const model = dashboardModel(snapshotOf(), initialUiState(), SIZE);
		const cols = containerColumns(158);
		const web = model.rows[1]!;
		expect(rowText(groupRow(web as never, cols, 'bytes'))).toMatch(/2\/2 running +2 unhealthy /);
	});
});

describe('--json', () => {
	it('has compose and health per container, and the Compose services', () => {
		const doc = onceDocument(snapshotOf());
		const web = doc.containers.find(c => c.name === 'nwt-capture14_web_1')!;
		expect(web.compose).toEqual({project: 'nwt-capture14', service: 'web', number: 1, oneoff: false});
		expect(web.health).toEqual({status: 'unhealthy', failingStreak: 5, lastOutput: 'no /tmp/ok yet', lastCheckAt: web1.health!.lastCheckAt});
		expect(doc.containers.find(c => c.name === 'fx-b1')).toMatchObject({compose: null, health: null});
		expect(doc.services).toEqual([
			expect.objectContaining({source: 'compose', project: 'nwt-capture14', name: 'web', replicas: {running: 2, total: 2}, health: {healthy: 0, unhealthy: 2, starting: 0}, images: ['netwatch/busybox:latest']}),
			expect.objectContaining({name: 'worker', replicas: {running: 1, total: 1}, health: null}),
		]);
		expect(doc.services[0]!.containers.map(c => c.number)).toEqual([1, 2]);
	});
});

describe('a rollout in the event log', () => {
	const rollout: Rollout = {
		id: `nwt-capture14/web@${web2.compose!.configHash}`,
		source: 'compose',
		kind: 'update',
		project: 'nwt-capture14',
		service: 'web',
		startedAt: Date.parse('2026-12-02T15:47:07Z'),
		old: {configHash: 'old', images: ['netwatch/busybox:1'], containers: [{id: web1.id, name: web1.name}]},
		configHash: web2.compose!.configHash,
		containers: [{id: web2.id, name: web2.name, image: web2.image, runningAfterMs: 800, healthyAfterMs: 1900, listeningAfterMs: 2100}],
		ports: ['8080/tcp'],
		outcome: 'done',
		reason: null,
		alertId: null,
		endedAt: Date.parse('2026-12-02T15:47:10Z'),
	};

	it('is one line that says how far it got', () => {
		expect(rolloutText(rollout)).toBe('rollout web, 1 old (netwatch/busybox:1) → netwatch/busybox:latest: done, 1/1 new running in 0.8 s, healthy in 1.9 s, listening on 8080/tcp in 2.1 s');
		const failed: Rollout = {...rollout, outcome: 'failed', reason: `${web2.name} exited with code 3`, containers: [{...rollout.containers[0]!, healthyAfterMs: null, listeningAfterMs: null}]};
		expect(rolloutText(failed)).toBe('rollout web, 1 old (netwatch/busybox:1) → netwatch/busybox:latest: failed: nwt-capture14_web_2 exited with code 3, 1/1 new running in 0.8 s, listening on 8080/tcp in –');
		expect(rowText(rolloutLogRow(failed, 200))).toContain('nwt-capture14/web');
	});
});
