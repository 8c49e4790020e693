/**
 * The Connections panes (`c`) and the topology list (`t`), fed the fx17 scene (test/fixtures/
 * README.md, "Connections") through the store, as the collector would have dispatched it.
 */
import {renderToString} from 'ink';
import {describe, expect, it} from 'vitest';
import type {Snapshot} from '../../src/store/snapshot.js';
import {Store} from '../../src/store/store.js';
import {Dashboard, dashboardModel} from '../../src/views/Dashboard.js';
import {handleKey} from '../../src/views/keys.js';
import {makeTheme, ThemeContext} from '../../src/views/theme.js';
import {initialUiState, uiReducer, type UiState} from '../../src/views/ui-state.js';
import {fx17, fx17Input} from '../helpers/connections.js';

function fx17Snapshot(nat = true): Snapshot {
	const input = fx17Input();
	const store = new Store({endpoint: 'unix:///var/run/docker.sock'});
	store.dispatch({type: 'host', hostname: 'vm', os: null, interval: 1});
	store.dispatch({type: 'containers', containers: Object.values(fx17)});
	store.dispatch({type: 'sockets', sockets: input.sockets});
	store.dispatch({
		type: 'connections',
		read: Object.fromEntries(input.connections),
		gone: [],
		owners: Object.fromEntries(input.socketOwners),
		nat: nat ? input.nat : null,
	});
	store.dispatch({type: 'tick', at: 1_795_833_000_000, mono: 1_000, host: [], namespaces: {}});
	return store.getSnapshot();
}

function screen(s: Snapshot, ui: Partial<UiState>, columns = 160, rows = 48): string {
	const model = dashboardModel(s, {...initialUiState(), ...ui}, {columns, rows});
	return renderToString(
		<ThemeContext.Provider value={makeTheme({color: false, ascii: false})}>
			<Dashboard model={model} keysAvailable />
		</ThemeContext.Provider>,
		{columns},
	);
}

describe('the Connections view', () => {
	const snapshot = fx17Snapshot();

	it('lists the selected container\'s connections: peer, direction, state, ports, queues, timer, the busiest first', () => {
		const text = screen(snapshot, {selectedId: fx17['u2']!.id, showConnections: true});
		expect(text).toContain('2 est · 1 syn-sent');
		const rows = text.split('\n').filter(l => l.includes('→out') && l.includes('fx17-u1'));
		expect(rows).toHaveLength(3);
		expect(rows[0]).toMatch(/→out established +\d+ fx17-u1 +7000 +921952 +0 retr 4 0\.4s/);
		expect(rows[1]).toMatch(/→out syn-sent +\d+ fx17-u1 +7000 +1 +0 retr 5/);
	});

	it('names the client of a published port, and how it came', () => {
		const text = screen(snapshot, {selectedId: fx17['srv']!.id, showConnections: true});
		expect(text).toMatch(/←in +established +80 python3 \(pid 7008\) via proxy :8401 +37758/);
		expect(text).toMatch(/←in +established +80 python3 \(pid 7008\) via DNAT :8403 +46628/);
		expect(text).toMatch(/←in +established +80 fx17-c1 +54412/);
		expect(text).toMatch(/←in +established +80 fx17-cli +44950/);
	});

	it("shows the host processes' connections in the host pane", () => {
		const text = screen(snapshot, {showConnections: true});
		expect(text).toContain('connections of host processes');
		expect(text).toMatch(/→out established +51760 fx17-srv via proxy :8401 +8401/);
	});

	it('toggles with c, and the topology with t (Esc goes back)', () => {
		const model = dashboardModel(snapshot, initialUiState(), {columns: 160, rows: 48});
		const press = (ui: UiState, key: string): UiState =>
			handleKey(key, {} as never, {...model, ui}, snapshot, false).ui.reduce(uiReducer, ui);
		const on = press(initialUiState(), 'c');
		expect(on.showConnections).toBe(true);
		expect(press(on, 'c').showConnections).toBe(false);
		expect(press(initialUiState(), 't').showTopology).toBe(true);
	});
});

describe('the topology list', () => {
	it('groups every edge under the containers at either end, with counts', () => {
		const text = screen(fx17Snapshot(), {showTopology: true});
		const lines = text.split('\n').map(l => l.replace(/^│|│$/g, '').trimEnd());
		const at = (title: RegExp): string[] => {
			const start = lines.findIndex(l => title.test(l));
			const end = lines.findIndex((l, i) => i > start && /^\S/.test(l));
			return lines.slice(start + 1, end).map(l => l.trim());
		};
		expect(lines.find(l => l.startsWith('fx17-srv'))).toMatch(/^fx17-srv +\d+ connections · 4 est/);
		expect(at(/^fx17-srv /).sort()).toEqual(
			[
				'← fx17-c1 tcp/80  ×1  (1 established)',
				'← fx17-cli tcp/80  ×1  (1 established)',
				'← python3 (pid 7008) tcp/80 via docker-proxy 127.0.0.1:8401  ×1  (1 established)',
				'← python3 (pid 7008) tcp/80 via DNAT 172.17.0.1:8403  ×1  (1 established)',
				'← python3 (pid 7008) udp/8406  ×1  (1 established)',
			].sort(),
		);
		expect(at(/^fx17-u2 /)).toEqual(['→ fx17-u1 tcp/7000  ×3  (2 established, 1 syn-sent)']);
	});

	it('lists only the containers the name filter matches', () => {
		const text = screen(fx17Snapshot(), {showTopology: true, filter: 'U1'});
		expect(text).toContain('filter: U1');
		expect(text).toMatch(/│fx17-u1 /);
		expect(text).not.toMatch(/│fx17-(u2|srv|cli) /);
	});

	it('says when there is no conntrack table to follow DNAT', () => {
		expect(screen(fx17Snapshot(false), {showTopology: true})).toContain('no /proc/net/nf_conntrack here');
	});
});
