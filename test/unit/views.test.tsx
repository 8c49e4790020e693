/**
 * The dashboard's views, fed with snapshots built from captured data: the pure view rendered to
 * a string at a chosen size, and the whole App under key presses with ink-testing-library.
 */
import {renderToString} from 'ink';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import type {Snapshot} from '../../src/store/snapshot.js';
import {App} from '../../src/views/App.js';
import {Dashboard, dashboardModel} from '../../src/views/Dashboard.js';
import {plainReport} from '../../src/output/table.js';
import {modeBanner, portsLabel} from '../../src/views/describe.js';
import {interfaceColumns} from '../../src/views/rows.js';
import {makeTheme, ThemeContext} from '../../src/views/theme.js';
import {initialUiState, type UiState} from '../../src/views/ui-state.js';
import {containers, fixtureStore} from '../helpers/snapshots.js';

const store = fixtureStore();
const snapshot = store.getSnapshot();
const view = (name: string) => snapshot.containers.find(c => c.name === `fx-${name}`)!;

function screen(s: Snapshot, ui: Partial<UiState>, columns: number, rows: number, theme = makeTheme({color: false, ascii: false})): string {
	const model = dashboardModel(s, {...initialUiState(), ...ui}, {columns, rows});
	return renderToString(
		<ThemeContext.Provider value={theme}>
			<Dashboard model={model} keysAvailable />
		</ThemeContext.Provider>,
		{columns},
	);
}


describe('network mode banners', () => {
	it('explain each mode in plain words', () => {
		expect(modeBanner(view('h1'))).toBe("shares the host's network namespace: these are the host's interfaces");
		expect(modeBanner(view('b1'))).toBe('eth0 ⇄ vethdf6190c on docker0');
		expect(modeBanner(view('n1'))).toBe('no network: loopback only');
		expect(modeBanner(view('c1'))).toBe("shares fx-b1's network namespace: these are its interfaces");
		expect(modeBanner(view('m1'))).toBe("eth0 sits on the host's nwva with a MAC of its own: no bridge, no NAT");
		expect(modeBanner(view('o1'))).toBe('overlay network fxover (VXLAN across hosts); eth1 ⇄ vethbeeb0a7 on docker_gwbridge');
		expect(modeBanner(view('u1'))).toMatch(/^eth0 ⇄ veth8d303e7 on br-[0-9a-f]{12}$/);
		expect(modeBanner(view('h2'))).toBe('exited (1): no network namespace while it is not running');
	});

	it("show a host-mode container's pane with exactly the host's interfaces", () => {
		const text = screen(snapshot, {selectedId: containers['h1']!.id}, 160, 48);
		expect(text).toContain("shares the host's network namespace: these are the host's interfaces");
		const lines = text.split('\n');
		const names = (from: number, to: number) =>
			lines
				.map(l => l.slice(from, to))
				.filter(l => /^│(lo|eth0|docker0|veth\w+|ifb\d|nwv\w|br-\w+|docker_gwbridge)\s/.test(l))
				.map(l => /^│(\S+)/.exec(l)![1]);
		expect(names(0, 79).length).toBe(14);
		expect(names(79, 159)).toEqual(names(0, 79));
	});

	it("show a container: container with its owner's interfaces", () => {
		const text = screen(snapshot, {selectedId: containers['c1']!.id}, 160, 48);
		expect(text).toContain('fx-c1 · container:fx-b1');
		expect(text).toMatch(/││eth0 +up /);
	});

	it('highlight the peer veth of a bridge container in the host pane', () => {
		const text = screen(snapshot, {selectedId: containers['b1']!.id}, 160, 48);
		expect(text).toContain('eth0 ⇄ vethdf6190c on docker0');
		expect(text).toMatch(/│vethdf6190c → fx-b1 +up /);
	});
});

describe('host pane', () => {
	it('names the container behind each veth', () => {
		const text = screen(snapshot, {}, 160, 48);
		expect(text).toContain('vethdf6190c → fx-b1');
		expect(text).toContain('veth8d303e7 → fx-u1');
		expect(text).toContain('vethbeeb0a7 → fx-o1');
		// the macvlan parent and the swarm's own gateway veth belong to no container
		expect(text).toMatch(/│nwva +up/);
		expect(text).toMatch(/│vetheec9ff4 +up/);
	});

	it('hides lo and down interfaces, and collapses the veths', () => {
		const text = screen(snapshot, {hideLoopback: true, hideDown: true, collapseVeths: true}, 160, 48);
		const hostPane = text.split('\n').map(l => l.slice(0, 79)).join('\n');
		expect(hostPane).not.toMatch(/│lo /);
		expect(hostPane).not.toMatch(/│ifb0 /);
		expect(hostPane).toMatch(/│7 veths +up +14\.0 KB\/s +28\.0 KB\/s/);
		expect(hostPane).not.toMatch(/│veth[0-9a-f]/);
		expect(hostPane).toContain('lo hidden · down hidden · veths collapsed');
	});
});

describe('units', () => {
	it('scale automatically, and switch to bits per second', () => {
		// eth0 moved 1000 bytes in half a second
		expect(screen(snapshot, {}, 160, 48)).toMatch(/│eth0 +up +2\.0 KB\/s +4\.0 KB\/s +321 MB +668 KB/);
		expect(screen(snapshot, {unit: 'bits'}, 160, 48)).toMatch(/│eth0 +up +16\.0 Kb\/s +32\.0 Kb\/s +2\.6 Gb +5\.3 Mb/);
	});
});

describe('the top line', () => {
	it('gives way in its Docker part, so that the counts and the clock always show', () => {
		const away = {
			...snapshot,
			docker: {
				...snapshot.docker,
				state: 'reconnecting' as const,
				error: 'no Docker socket at /var/run/docker.sock: is the Docker engine running? (start dockerd, or set DOCKER_HOST)',
			},
		};
		for (const columns of [160, 100]) {
			const top = screen(away, {}, columns, 48).split('\n')[0]!;
			expect(top.length).toBeLessThanOrEqual(columns);
			expect(top).toMatch(/Docker: reconnecting… \(no Docker/);
			expect(top).toMatch(/\d+ running · \d+ stopped {2}\d\d:\d\d:\d\d$/);
		}
		// with room enough, nothing is cut
		expect(screen(away, {}, 250, 48).split('\n')[0]).toContain('or set DOCKER_HOST))');
	});

	it('names the docker CLI context beside the endpoint', () => {
		const top = (context: string | null): string => screen({...snapshot, docker: {...snapshot.docker, state: 'connected' as const, version: '20.10.24', context}}, {}, 160, 48).split('\n')[0]!;
		expect(top('rootless')).toMatch(/Docker \S+ unix:\/\/\/var\/run\/docker\.sock \(context rootless\)/);
		expect(top(null)).not.toContain('context');
	});

	it('says whose view an ssh:// engine is: netwatch on its host, or the engine API and why', () => {
		const top = (docker: Partial<typeof snapshot.docker>): string =>
			screen({...snapshot, docker: {...snapshot.docker, state: 'connected' as const, version: '20.10.24', endpoint: 'ssh://box', ...docker}}, {}, 160, 48).split('\n')[0]!;
		expect(top({agent: '0.4.0', agentNote: null})).toContain('Docker 20.10.24 ssh://box via netwatch 0.4.0 there');
		expect(top({agent: null, agentNote: 'netwatch is not on box'})).toContain('Docker 20.10.24 ssh://box, engine API only: netwatch is not on box');
	});

	it('measures each part as it is shown: an escape at the end of the Docker part eats nothing after it', () => {
		// text from the daemon ends in a bare ESC, or opens an OSC it never ends
		for (const tail of ['\u001b', '\u001b]0;title']) {
			const odd = {...snapshot, docker: {...snapshot.docker, error: `${'x'.repeat(150)} daemon says${tail}`}};
			const top = screen(odd, {}, 100, 48).split('\n')[0]!;
			expect(top.length).toBeLessThanOrEqual(100);
			expect(top).toMatch(/\d+ running · \d+ stopped {2}\d\d:\d\d:\d\d$/);
		}
	});
});

describe('layouts', () => {
	it('puts the host and container panes side by side from 120 columns', () => {
		const lines = screen(snapshot, {}, 160, 48).split('\n');
		expect(lines.length).toBe(47);
		expect(lines.some(l => /^│Host vm.*││fx-b1 · bridge/.test(l))).toBe(true);
		expect(Math.max(...lines.map(l => l.length))).toBe(159);
	});

	it('stacks them below 120 columns', () => {
		const lines = screen(snapshot, {}, 100, 30).split('\n');
		expect(lines.length).toBe(29);
		const host = lines.findIndex(l => l.startsWith('│Host vm'));
		const container = lines.findIndex(l => l.startsWith('│fx-b1 · bridge'));
		expect(host).toBeGreaterThan(0);
		expect(container).toBeGreaterThan(host);
		expect(lines.every(l => l.length <= 99)).toBe(true);
	});

	it('says the terminal is too small below 60x15', () => {
		const text = screen(snapshot, {}, 59, 20);
		expect(text).toContain('terminal too small: 59×20');
		expect(text).toContain('netwatch needs 60×15');
		expect(text).not.toContain('Containers');
	});

	it('draws with ASCII only when asked', () => {
		const text = screen(snapshot, {}, 160, 48, makeTheme({color: false, ascii: true}));
		expect(text).not.toMatch(/[^\u0000-\u007f]/);
		expect(text).toContain('vethdf6190c > fx-b1');
		expect(text).toContain('eth0 = vethdf6190c on docker0');
		expect(text).toMatch(/^\+-+\+\+-+\+$/m);
	});
});

describe('the App under key presses', () => {
	let app: ReturnType<typeof render> | undefined;
	afterEach(() => app?.unmount());

	type App = ReturnType<typeof render>;

	/** Resolves once `probe` holds, checked at every turn of the event loop (Ink renders within a turn or two). */
	async function until(probe: () => boolean, what: string): Promise<void> {
		const deadline = Date.now() + 5_000;
		while (!probe()) {
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
			await new Promise(resolve => setImmediate(resolve));
		}
	}

	/** Type into the App and wait for the frame that shows `expected`. */
	async function type(a: App, keys: string, expected: string | RegExp | ((frame: string) => boolean)): Promise<string> {
		a.stdin.write(keys);
		const test = typeof expected === 'function' ? expected : (f: string) => (typeof expected === 'string' ? f.includes(expected) : expected.test(f));
		await until(() => test(a.lastFrame() ?? ''), `${JSON.stringify(keys)} to show ${String(expected)}`);
		return a.lastFrame()!;
	}

	async function start(source = fixtureStore()): Promise<App> {
		app = render(
			<ThemeContext.Provider value={makeTheme({color: false, ascii: false})}>
				<App source={source} />
			</ThemeContext.Provider>,
		);
		// a taller terminal than the library's default, so that every row shows
		Object.defineProperty(app.stdout, 'rows', {value: 60, configurable: true});
		app.stdout.emit('resize');
		const a = app;
		// keys are read once the App listens (its input effect has run), and it shows every row
		await until(() => a.stdin.listenerCount('readable') > 0 && (a.lastFrame() ?? '').includes('fx-u1'), 'the App to listen');
		return a;
	}

	const order = (a: App) => [...(a.lastFrame() ?? '').matchAll(/│[ !●] (fx-\w+)/g)].map(m => m[1]);

	it('moves the selection with j/k and arrows, and the container pane follows', async () => {
		const a = await start();
		expect(a.lastFrame()).toContain('fx-b1 · bridge');
		await type(a, 'j', 'fx-c1 · container:fx-b1');
		await type(a, '\u001B[B', 'fx-h1 · host network'); // down
		await type(a, 'k', 'fx-c1 · container:fx-b1');
		await type(a, 'G', 'fx-u1 · fxnet');
		await type(a, 'g', 'fx-b1 · bridge');
	});

	it('handles every key of one read, in order: a held key, a name and Enter, Esc and a key', async () => {
		const a = await start();
		// three rows down in one read
		await type(a, 'jjj', 'fx-h2 · host network');
		// a filter typed and kept in one read: the keys after Enter are keys again, not text
		await type(a, '/m1\rj', 'filter: m1 (Esc clears)');
		expect(a.lastFrame()).toContain('fx-m1 · fxmac (macvlan)');
		// Esc and / in one read (what a terminal also sends for Alt+/): Esc clears, / starts a new filter
		await type(a, '\u001B/', 'filter: _');
		// a paste into the filter
		await type(a, 'fx-o1', 'Containers 1 of 10 · sort: name · filter: fx-o1_');
		await type(a, '\r', 'fx-o1 · fxover');
	});

	it('filters by name with /, keeps it with Enter, clears it with Esc', async () => {
		const a = await start();
		await type(a, '/', 'filter: _');
		await type(a, 'm', 'filter: m_');
		await type(a, '1', 'Containers 1 of 10 · sort: name · filter: m1_');
		const kept = await type(a, '\r', 'filter: m1 (Esc clears)');
		expect(kept).toContain('fx-m1 · fxmac (macvlan)');
		const cleared = await type(a, '\u001B', 'Containers 10 · sort: name');
		// the selection stayed on the container it was on
		expect(cleared).toContain('fx-m1 · fxmac (macvlan)');
	});

	it('cycles the sort with s', async () => {
		const a = await start();
		expect(order(a)[0]).toBe('fx-b1');
		const rx = await type(a, 's', 'sort: rx');
		expect(rx).toContain('RX/s▼');
		// o1 has two interfaces besides lo, so the most; those without a rate of their own come last
		expect(order(a)[0]).toBe('fx-o1');
		expect(order(a).slice(-5).sort()).toEqual(['fx-c1', 'fx-h1', 'fx-h2', 'fx-p1', 'fx-p2']);
		await type(a, 'ss', 'sort: state');
		// running first, then created, then exited
		expect(order(a).slice(-2)).toEqual(['fx-p2', 'fx-h2']);
	});

	it('keeps the selection on the same container when the list changes', async () => {
		const source = fixtureStore();
		const a = await start(source);
		await type(a, 'jjj', 'fx-h2 · host network');
		// a container above it goes away
		source.dispatch({type: 'container-removed', id: containers['b1']!.id});
		source.flush();
		await until(() => !/fx-b1 /.test(a.lastFrame() ?? ''), 'fx-b1 to go');
		expect(a.lastFrame()).toContain('fx-h2 · host network');
	});

	it('switches units with b, pauses with p, and shows help with ?', async () => {
		const a = await start();
		expect(a.lastFrame()).toMatch(/KB\/s/);
		await type(a, 'b', /Kb\/s/);
		await type(a, 'p', 'PAUSED (p resumes)');
		await type(a, '?', 'Keys (? or Esc to go back)');
		await type(a, '\u001B', f => !f.includes('Keys (? or Esc'));
	});

	it('hides and shows the events with e', async () => {
		const a = await start();
		expect(a.lastFrame()).toContain('Events 0');
		await type(a, 'e', f => !f.includes('Events 0'));
	});
});

describe('what a first-time user trips over', () => {
	const snapshot = fixtureStore().getSnapshot();
	const view = (name: string) => snapshot.containers.find(c => c.name === name)!;

	it('shows each published port beside the port that listens behind it, and one with nothing behind it', () => {
		const p1 = view('fx-p1');
		const listening = [{...p1.listening[0]!, port: 80, proto: 'tcp' as const}];
		expect(portsLabel({...p1, listening})).toBe('127.0.0.1:18472→80/tcp');
		expect(portsLabel({...p1, listening: [], netns: 'net:[1]'})).toBe('127.0.0.1:18472→80/tcp (nothing listens)');
		// a namespace that was not read says nothing about what listens in it
		expect(portsLabel({...p1, listening: [], netns: null})).toBe('');
	});

	it('gives interface names the width they need before anything is cut', () => {
		const inner = 77;
		expect(interfaceColumns(inner).name).toBe(20);
		const wide = interfaceColumns(inner, 'veth75d5b78 → nw-user-client'.length);
		expect(wide.name).toBeGreaterThanOrEqual(28);
		expect(wide.totals).toBe(true);
		// capped: a very long name does not take the rates' room
		expect(interfaceColumns(inner, 200).name).toBeLessThanOrEqual(50);
	});

	it('prints whole values when stdout is not a terminal, and cuts them to the columns otherwise', () => {
		const long = {...snapshot, containers: [{...view('fx-b1'), image: 'registry.example.com/team/netwatch/busybox:2026.12.02'}]};
		expect(plainReport(long, {whole: true})).toContain('registry.example.com/team/netwatch/busybox:2026.12.02');
		expect(plainReport(long)).toContain('registry.example.co…');
	});
});
