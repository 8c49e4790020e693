import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {HOST_NS, type Alert, type Finding} from '../../src/model.js';
import type {Action} from '../../src/store/actions.js';
import {counterDelta, rate} from '../../src/store/rates.js';
import {deriveSnapshot, SnapshotMemo} from '../../src/store/snapshot.js';
import {initialState, reduce, type State} from '../../src/store/state.js';
import {Store} from '../../src/store/store.js';
import {bump, containers, fixtureActions, hostRows} from '../helpers/snapshots.js';

const setup = fixtureActions;
const run = (actions: Action[], from: State = initialState('unix:///var/run/docker.sock')): State => actions.reduce(reduce, from);

describe('rates', () => {
	it('are per second from the monotonic clock', () => {
		expect(rate(1000, 3000, 0.5)).toBe(4000);
		expect(rate(5, 5, 1)).toBe(0);
		expect(rate(5, 6, 0)).toBeNull();
	});

	it('treat a counter that goes down as a reset, or as a 32-bit wrap from the top half', () => {
		expect(counterDelta(1_000_000, 10)).toBeNull();
		expect(counterDelta(2 ** 32 - 100, 50)).toBe(150);
		expect(counterDelta(2 ** 40, 10)).toBeNull();
		expect(rate(2 ** 31 - 1, 0, 1)).toBeNull();
	});
});

describe('store snapshot from captured data', () => {
	const snapshot = deriveSnapshot(run(setup()), 1);
	const c = (name: string) => snapshot.containers.find(x => x.name === `fx-${name}`)!;

	it('computes rates from two samples', () => {
		const eth0 = snapshot.host.interfaces.find(i => i.name === 'eth0')!;
		expect(eth0.rxRate).toBe(2000);
		expect(eth0.txRate).toBe(4000);
		expect(eth0.rxHistory).toEqual([0, 2000]);
		expect(c('b1').rxRate).toBe(1000); // eth0 only: lo does not count
	});

	it('normalises every network mode, with the driver of named networks', () => {
		expect(c('b1')).toMatchObject({networkMode: 'bridge', networkKind: 'bridge', networkDriver: 'bridge', networkDevice: 'docker0'});
		expect(c('h1')).toMatchObject({networkMode: 'host', networkKind: 'host', sharesHostNetns: true, interfacesFrom: 'host', interfaces: []});
		expect(c('n1')).toMatchObject({networkMode: 'none', networkKind: 'none', sharesHostNetns: false});
		expect(c('c1')).toMatchObject({networkMode: 'container:fx-b1', networkKind: 'container', interfacesFrom: 'container', sharesNetnsWith: {name: 'fx-b1'}});
		expect(c('c1').netns).toBe('net:[4026532184]');
		expect(c('u1')).toMatchObject({networkMode: 'fxnet', networkDriver: 'bridge'});
		expect(c('m1')).toMatchObject({networkMode: 'fxmac', networkDriver: 'macvlan', networkDevice: 'nwva'});
		expect(c('o1')).toMatchObject({networkMode: 'fxover', networkDriver: 'overlay'});
		expect(c('h2')).toMatchObject({state: 'exited', exitCode: 1, sharesHostNetns: null, interfacesFrom: 'none'});
	});

	it("pairs a bridge container's eth0 with its host veth, and labels the veth", () => {
		const eth0 = c('b1').interfaces.find(i => i.name === 'eth0')!;
		expect(eth0.peer).toEqual({name: 'vethdf6190c', ifindex: 9, kind: 'veth'});
		expect(eth0.addresses).toEqual(['172.17.0.2/16']);
		const veth = snapshot.host.interfaces.find(i => i.name === 'vethdf6190c')!;
		expect(veth.container).toEqual({id: containers['b1']!.id, name: 'fx-b1'});
		expect(c('u1').interfaces.find(i => i.name === 'eth0')!.peer?.name).toBe('veth8d303e7');
	});

	it('pairs a macvlan with its parent, and an overlay container with its gateway-bridge veth', () => {
		expect(c('m1').interfaces.find(i => i.name === 'eth0')).toMatchObject({kind: 'macvlan', peer: {name: 'nwva', kind: 'parent'}});
		const o1 = c('o1').interfaces;
		expect(o1.find(i => i.name === 'eth0')!.peer).toBeNull(); // its peer lives in a hidden namespace
		expect(o1.find(i => i.name === 'eth1')!.peer?.name).toBe('vethbeeb0a7');
		// the parent of a macvlan is not "owned" by the container
		expect(snapshot.host.interfaces.find(i => i.name === 'nwva')!.container).toBeNull();
	});

	it('counts running and stopped containers', () => {
		expect(snapshot.counts).toEqual({running: 8, stopped: 2, total: 10});
	});
});

describe('snapshot memo', () => {
	/** The setup's last tick again, `n` times a second apart: the collector hands over the same rows while net/dev does not change. */
	const session = setup();
	function quiet(from: number, n: number): Action[] {
		const last = session.at(-1)!;
		if (last.type !== 'tick') throw new Error('the setup ends with a tick');
		return Array.from({length: n}, (_, i) => ({...last, at: last.at + (from + i) * 1_000, mono: last.mono + (from + i) * 1_000}));
	}

	it('gives the same snapshot as one derived anew, tick after tick, and the same view of a container whose inputs did not change', () => {
		const memo = new SnapshotMemo();
		let state = run(session);
		let seq = 0;
		const both = () => {
			const memoised = deriveSnapshot(state, ++seq, undefined, memo);
			expect(memoised).toEqual(deriveSnapshot(state, seq));
			return memoised;
		};
		both();
		// a minute of the same counters: each interface's history fills with zeros
		for (const action of quiet(1, 61)) {
			state = reduce(state, action);
			both();
		}
		const b1 = (s: ReturnType<typeof both>) => s.containers.find(c => c.name === 'fx-b1')!;
		const before = both();
		state = run(quiet(62, 1), state);
		const quietAgain = both();
		expect(b1(quietAgain)).toBe(b1(before));
		expect(quietAgain.containers).toEqual(before.containers);
		// b1's counters move: its view is new, the others' are the same
		const last = quiet(63, 1)[0]!;
		if (last.type !== 'tick') throw new Error('a tick');
		const id = containers['b1']!.id;
		state = reduce(state, {...last, namespaces: {...last.namespaces, [id]: bump(last.namespaces[id]!, 1_000)}});
		const moved = both();
		expect(b1(moved)).not.toBe(b1(quietAgain));
		expect(b1(moved).rxRate).toBe(1_000);
		expect(moved.containers.filter(c => c.name !== 'fx-b1').every((c, i) => c === quietAgain.containers.filter(x => x.name !== 'fx-b1')[i])).toBe(true);
		// its host veth gone from the host's sample, its metadata as it was (a replay stopped between the two)
		const withoutVeth = {...state, host: {...state.host!, interfaces: state.host!.interfaces.filter(i => i.counters.name !== 'vethdf6190c')}};
		const peer = (s: ReturnType<typeof both>) => b1(s).interfaces.find(i => i.name === 'eth0')!.peer;
		expect(peer(both())).toMatchObject({name: 'vethdf6190c'});
		const stateBefore = state;
		state = withoutVeth;
		expect(peer(both())).toBeNull();
		state = stateBefore;
		// a container that Docker describes anew (renamed) gets a new view
		state = reduce(state, {type: 'container', container: {...containers['n1']!, name: 'fx-n1-renamed'}});
		expect(both().containers.find(c => c.id === containers['n1']!.id)!.name).toBe('fx-n1-renamed');
	});
});

describe('reducer', () => {
	it('drops a namespace that was not read in the latest tick, and its metadata', () => {
		const state = run([...setup(), {type: 'tick', at: 2_000, mono: 2_000, host: hostRows, namespaces: {}}]);
		expect(state.namespaces.size).toBe(0);
		expect([...state.meta.keys()]).toEqual([HOST_NS]);
	});

	it('keeps the metadata as it is while no namespace goes, and the connections derived from it with it', () => {
		const state = run(setup());
		const last = setup().at(-1)!;
		if (last.type !== 'tick') throw new Error('the setup ends with a tick');
		const next = reduce(state, {...last, at: last.at + 1_000, mono: last.mono + 1_000});
		expect(next.meta).toBe(state.meta);
		const memo = new SnapshotMemo();
		expect(deriveSnapshot(next, 2, undefined, memo).edges).toBe(deriveSnapshot(state, 1, undefined, memo).edges);
	});

	it('gives no rate after a counter reset, then rates again', () => {
		const reset = hostRows.map(r => (r.name === 'eth0' ? {...r, rxBytes: 10, txBytes: 10} : r));
		const state = run([...setup(), {type: 'tick', at: 2_000, mono: 2_000, host: reset, namespaces: {}}]);
		const eth0 = deriveSnapshot(state, 1).host.interfaces.find(i => i.name === 'eth0')!;
		expect(eth0.rxRate).toBeNull();
		expect(eth0.rxHistory.at(-1)).toBe(0);
	});

	it("keeps a quiet interface's history as it is once it holds nothing but zeros, and moves it again with the first byte", () => {
		const quiet = (n: number): Action[] => Array.from({length: n}, (_, i) => ({type: 'tick', at: 2_000 + i * 1_000, mono: 2_000 + i * 1_000, host: hostRows, namespaces: {}}));
		const history = (state: State): readonly number[] => state.host!.interfaces.find(i => i.counters.name === 'eth0')!.rxHistory;
		// the setup's two samples moved bytes: 60 quiet ones later, the minute shows zeros only
		const full = run([...setup(), ...quiet(60)]);
		expect(history(full)).toEqual(Array(60).fill(0));
		const next = run(quiet(1).map(a => ({...a, at: 70_000, mono: 70_000})), full);
		expect(history(next)).toBe(history(full));
		const busy = hostRows.map(r => (r.name === 'eth0' ? {...r, rxBytes: r.rxBytes + 1_000} : r));
		const moved = history(run([{type: 'tick', at: 71_000, mono: 71_000, host: busy, namespaces: {}}], next));
		expect(moved).toHaveLength(60);
		expect(moved.at(-1)).toBe(1_000);
		expect(moved.slice(0, -1)).toEqual(Array(59).fill(0));
	});

	it('forgets a removed container and keeps the event log bounded', () => {
		let state = run(setup());
		state = reduce(state, {type: 'container-removed', id: containers['b1']!.id});
		expect(state.containers.has(containers['b1']!.id)).toBe(false);
		const event = {kind: 'container', action: 'start', actorId: 'x', attributes: {name: 'x'}, timeNano: '1'};
		for (let i = 0; i < 600; i++) state = reduce(state, {type: 'event', event});
		expect(state.events).toHaveLength(500);
		expect(state.eventsTotal).toBe(600);
	});

	it('takes the status a pause or unpause event states, with no inspect needed', () => {
		const b1 = containers['b1']!;
		const at = (action: string, timeNano: string): Action => ({type: 'event', event: {kind: 'container', action, actorId: b1.id, attributes: {name: b1.name}, timeNano}});
		const paused = run([at('pause', '1795830694000000001')], run(setup()));
		expect(paused.containers.get(b1.id)!.state).toBe('paused');
		const again = run([at('unpause', '1795830694000000002')], paused);
		expect(again.containers.get(b1.id)!.state).toBe('running');
		// an event that changes nothing keeps the very same map of containers
		expect(run([at('kill', '1795830694000000003')], again).containers).toBe(again.containers);
	});

	it('never changes the state it was given', () => {
		const before = run(setup());
		const frozen = JSON.stringify([...before.containers.keys(), before.tickSeq, before.events.length]);
		reduce(before, {type: 'container-removed', id: containers['b1']!.id});
		reduce(before, {type: 'tick', at: 9, mono: 9_000, host: [], namespaces: {}});
		expect(JSON.stringify([...before.containers.keys(), before.tickSeq, before.events.length])).toBe(frozen);
	});
});

describe('Store', () => {
	const event = {kind: 'container', action: 'start', actorId: 'x', attributes: {}, timeNano: '1'};
	const alert: Alert = {
		id: 'x:EADDRINUSE:8080',
		kind: 'EADDRINUSE',
		containerId: 'x',
		containerName: 'web2',
		networkMode: 'host',
		port: 8080,
		proto: 'tcp',
		portSource: 'message',
		holder: null,
		holderUnknown: 'nothing listens on it now',
		source: 'exit',
		exitCode: 1,
		evidence: 'httpd: bind: Address in use',
		message: 'web2 (host network) exited 1: port 8080/tcp is already in use',
		count: 1,
		firstSeenAt: 1,
		detectedAt: 1,
		eventTimeNano: null,
		resolved: false,
		resolvedAt: null,
		severity: 'error',
		hint: '',
		evidenceFrom: 'log',
		lookup: null,
		occurrence: null,
		occurrences: [],
	};
	// the clock is Vitest's: these are rules about order and spacing, not timings
	beforeEach(() => vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'performance']}));
	afterEach(() => vi.useRealTimers());
	const sleep = (ms: number) => vi.advanceTimersByTimeAsync(ms);

	function watched(options: {coalesceMs: number; spacingMs: number}) {
		const store = new Store({endpoint: 'x', ...options});
		const seen: number[] = [];
		store.subscribe(s => seen.push(s.eventsTotal));
		return {store, seen};
	}

	it('publishes one snapshot per tick (and per list of containers) at once, and coalesces other changes', async () => {
		const {store, seen} = watched({coalesceMs: 10, spacingMs: 0});
		const ticks: number[] = [];
		store.subscribe(s => ticks.push(s.tick));
		// the setup: host and networks, the containers (at once), interfaces and namespaces, two ticks
		for (const action of setup()) store.dispatch(action);
		expect(ticks).toEqual([0, 1, 2]);
		store.dispatch({type: 'event', event});
		store.dispatch({type: 'event', event});
		expect(seen).toHaveLength(3);
		await sleep(40);
		expect(seen).toEqual([0, 0, 0, 2]);
		store.close();
	});

	it('keeps spacingMs between snapshots while events pour in', async () => {
		const {store, seen} = watched({coalesceMs: 5, spacingMs: 150});
		store.dispatch({type: 'event', event});
		await sleep(40);
		expect(seen).toEqual([1]);
		store.dispatch({type: 'event', event});
		await sleep(40);
		// the second event waits out the spacing after the first snapshot
		expect(seen).toEqual([1]);
		await sleep(150);
		expect(seen).toEqual([1, 2]);
		store.close();
	});

	it('during a flood (50 changes in one snapshot), spaces snapshots a second apart, and goes back after it', async () => {
		const {store, seen} = watched({coalesceMs: 5, spacingMs: 150});
		for (let i = 0; i < 50; i++) store.dispatch({type: 'event', event});
		await sleep(40);
		expect(seen).toEqual([50]);
		store.dispatch({type: 'event', event});
		await sleep(300);
		// not after 150 ms, as without a flood
		expect(seen).toEqual([50]);
		await sleep(700);
		expect(seen).toEqual([50, 51]);
		// one change is no flood: the spacing is 150 ms again
		store.dispatch({type: 'event', event});
		await sleep(200);
		expect(seen).toEqual([50, 51, 52]);
		store.close();
	});

	it('publishes an alert at once, spacing or not', async () => {
		const {store, seen} = watched({coalesceMs: 5, spacingMs: 10_000});
		store.dispatch({type: 'event', event});
		await sleep(40);
		store.dispatch({type: 'event', event});
		store.dispatch({type: 'alert', alert});
		expect(seen).toEqual([1, 2]);
		expect(store.getSnapshot().alerts.map(a => a.id)).toEqual([alert.id]);
		store.close();
	});

	it('publishes the containers a connect lists at once: the first complete frame does not wait', async () => {
		const {store, seen} = watched({coalesceMs: 5, spacingMs: 10_000});
		store.dispatch({type: 'event', event});
		await sleep(40);
		const listed = Object.values(containers);
		store.dispatch({type: 'containers', containers: listed});
		// no wait for the spacing: published before any time passed
		expect(seen).toHaveLength(2);
		expect(store.getSnapshot().containers.map(c => c.id).sort()).toEqual(listed.map(c => c.id).sort());
		store.close();
	});
});

describe('alerts in the store', () => {
	const finding = (occurrence: string | null, detectedAt = 1): Finding => ({
		id: 'x:EADDRINUSE:tcp/8080',
		kind: 'EADDRINUSE',
		severity: 'error',
		containerId: 'x',
		containerName: 'web2',
		networkMode: 'host network',
		message: 'web2 (host network) exited 1: port 8080/tcp is already in use',
		hint: 'stop the holder',
		evidence: 'httpd: bind: Address in use',
		evidenceFrom: 'log',
		port: 8080,
		proto: 'tcp',
		portSource: 'command',
		holder: null,
		holderUnknown: 'needs root',
		lookup: null,
		source: 'exit',
		exitCode: 1,
		occurrence,
		detectedAt,
		eventTimeNano: null,
	});
	const apply = (actions: readonly Action[]) => actions.reduce(reduce, initialState('x'));
	const found = (f: Finding): Action => ({type: 'diagnosis', finding: f});

	it('counts one failure once, whichever ways it is seen: the followed log, then the exit', () => {
		const s = apply([found({...finding('run:T1|2026-12-02T10:00:00.1Z'), source: 'running'}), found(finding('run:T1', 2))]);
		expect(s.alerts.get('x:EADDRINUSE:tcp/8080')).toMatchObject({count: 1, source: 'exit', firstSeenAt: 1, detectedAt: 2});
		// and the other way round
		expect(apply([found(finding('run:T1')), found({...finding('run:T1|2026-12-02T10:00:00.1Z'), source: 'running'})]).alerts.get('x:EADDRINUSE:tcp/8080')!.count).toBe(1);
	});

	it('counts each new failure: a restart loop, or a supervisor within one run', () => {
		const s = apply([found(finding('run:T1')), found(finding('run:T2')), found(finding('run:T3|a')), found(finding('run:T3|b'))]);
		expect(s.alerts.get('x:EADDRINUSE:tcp/8080')!.count).toBe(4);
	});

	it('counts a standing condition once while it lasts, and again when it comes back', () => {
		const resolvedAt: Action = {type: 'diagnosis-resolved', id: 'x:EADDRINUSE:tcp/8080', at: 5};
		const s = apply([found(finding(null)), found(finding(null)), resolvedAt]);
		expect(s.alerts.get('x:EADDRINUSE:tcp/8080')).toMatchObject({count: 1, resolved: true, resolvedAt: 5});
		expect(apply([found(finding(null)), resolvedAt, found(finding(null))]).alerts.get('x:EADDRINUSE:tcp/8080')).toMatchObject({count: 2, resolved: false});
	});

	it('keeps a resolved failure resolved when it is seen again the other way', () => {
		const s = apply([found(finding('run:T1|a')), {type: 'diagnosis-resolved', id: 'x:EADDRINUSE:tcp/8080', at: 5}, found(finding('run:T1'))]);
		expect(s.alerts.get('x:EADDRINUSE:tcp/8080')).toMatchObject({count: 1, resolved: true});
	});

	it('resolves the alerts of a container that is removed', () => {
		const s = apply([found(finding('run:T1')), {type: 'container-removed', id: 'x'}]);
		expect(s.alerts.get('x:EADDRINUSE:tcp/8080')!.resolved).toBe(true);
	});
});
