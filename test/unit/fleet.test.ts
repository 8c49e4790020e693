/**
 * Several engines in one view: the Fleet over two stores fed the captured session, one of them
 * with the captured bind failure (fx-h2, port 8090 held by fx-h1) as an alert: what the view
 * gets, the host bar, the banner across hosts, and the keys that switch.
 */
import type {Key} from 'ink';
import {describe, expect, it} from 'vitest';
import {diagnoseBind} from '../../src/diagnoses/bind.js';
import {findBindFailure} from '../../src/parsers/bind-errors.js';
import {logLines} from '../../src/parsers/docker-logs.js';
import {Fleet} from '../../src/store/fleet.js';
import {dashboardModel} from '../../src/views/Dashboard.js';
import {handleKey} from '../../src/views/keys.js';
import {hostBarRow, rowText} from '../../src/views/rows.js';
import {initialUiState} from '../../src/views/ui-state.js';
import {fixtureBytes} from '../helpers/fixtures.js';
import {containers, fixtureStore} from '../helpers/snapshots.js';

const h1 = containers['h1']!;
const h2 = containers['h2']!;

/** Two engines; `box` saw fx-h2 fail to bind 8090, which fx-h1 holds. */
function twoEngines() {
	const local = fixtureStore();
	const box = fixtureStore();
	const finding = diagnoseBind({
		victim: h2,
		failure: findBindFailure(logLines(fixtureBytes('docker/logs-h2-multiplexed.bin'), false))!,
		source: 'exit',
		sockets: null,
		containers: new Map([h1, h2].map(c => [c.id, c])),
		occurrence: null,
		detectedAt: 0,
		eventTimeNano: null,
	})!;
	box.dispatch({type: 'diagnosis', finding});
	box.flush();
	return {local, box, fleet: new Fleet([{name: 'local', store: local}, {name: 'box', store: box}])};
}

const KEY = {return: false, escape: false, ctrl: false, meta: false, shift: false, tab: false} as Key;
const SIZE = {columns: 160, rows: 48};

describe('Fleet', () => {
	it('shows the selected engine, with every engine\'s state and the others\' alerts named by engine', () => {
		const {local, box, fleet} = twoEngines();
		const s = fleet.getSnapshot();
		expect(s.seq).toBe(local.getSnapshot().seq);
		expect(s.alerts).toEqual([]);
		expect(s.fleet!.selected).toBe(0);
		expect(s.fleet!.hosts.map(h => [h.name, h.alerts])).toEqual([
			['local', 0],
			['box', 1],
		]);
		const [theirs] = box.getSnapshot().alerts;
		expect(s.fleet!.otherAlerts).toEqual([{...theirs, id: `box\u0000${theirs!.id}`, message: `box: ${theirs!.message}`}]);
		// the same object until a store publishes or the selection moves
		expect(fleet.getSnapshot()).toBe(s);
	});

	it('switches with next, previous and a number, and tells its listeners', () => {
		const {box, fleet} = twoEngines();
		let told = 0;
		const off = fleet.subscribe(() => told++);
		fleet.command('next');
		expect(told).toBe(1);
		const s = fleet.getSnapshot();
		// every alert's id is qualified by its engine, the shown one's too
		expect(s.alerts).toEqual(box.getSnapshot().alerts.map(a => ({...a, id: `box\u0000${a.id}`})));
		expect(s.fleet!.otherAlerts).toEqual([]);
		fleet.command('next');
		expect(fleet.getSnapshot().fleet!.selected).toBe(0);
		fleet.command('previous');
		expect(fleet.getSnapshot().fleet!.selected).toBe(1);
		// no such engine, or the one shown: nothing happens
		fleet.command(5);
		fleet.command(1);
		expect(told).toBe(3);
		off();
	});
});

describe('the dashboard, watching several engines', () => {
	it('has a host bar: each engine numbered, its state and open alerts, the shown one in brackets', () => {
		const {local, box, fleet} = twoEngines();
		expect(rowText(hostBarRow(fleet.getSnapshot().fleet!))).toBe('1 [local] … connecting  2 box … connecting ⚠1');
		const status = local.getSnapshot().docker;
		local.dispatch({type: 'docker', status: {...status, state: 'connected', version: '20.10.24'}});
		box.dispatch({type: 'docker', status: {...status, state: 'reconnecting', error: 'ssh: connect to host box port 22: Connection refused'}});
		local.flush();
		box.flush();
		fleet.command('next');
		expect(rowText(hostBarRow(fleet.getSnapshot().fleet!))).toBe('1 local ✓  2 [box] ✗ reconnecting ⚠1');
	});

	it('the banner has the other engine\'s alert, named; the rows it marks are only this engine\'s', () => {
		const {fleet} = twoEngines();
		const m = dashboardModel(fleet.getSnapshot(), initialUiState(), SIZE);
		expect(m.hostBar).not.toBeNull();
		expect(m.alerts.map(a => a.message)).toEqual([expect.stringMatching(/^box: fx-h2 /)]);
		expect(m.marks.size).toBe(0);
	});

	it('[ and ] and 1 to 9 switch engines; with one engine they do nothing', () => {
		const {local, fleet} = twoEngines();
		const several = fleet.getSnapshot();
		const key = (input: string, s = several) => handleKey(input, KEY, dashboardModel(s, initialUiState(), SIZE), s, false);
		expect(key(']')).toEqual({ui: [], host: 'next'});
		expect(key('[')).toEqual({ui: [], host: 'previous'});
		expect(key('2')).toEqual({ui: [], host: 1});
		expect(key('0')).toEqual({ui: []});
		for (const input of [']', '[', '2']) expect(key(input, local.getSnapshot())).toEqual({ui: []});
	});
});
