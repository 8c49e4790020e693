/** Recordings carry the connections (the fx17 scene) and replay gives back the same edges. */
import {describe, expect, it} from 'vitest';
import {Encoder} from '../../src/record/format.js';
import {readRecording} from '../../src/record/reader.js';
import {isValidAction} from '../../src/record/validate.js';
import type {Action} from '../../src/store/actions.js';
import {deriveSnapshot} from '../../src/store/snapshot.js';
import {initialState, reduce} from '../../src/store/state.js';
import {fx17, fx17Input} from '../helpers/connections.js';

function actions(): Action[] {
	const input = fx17Input();
	return [
		{type: 'containers', containers: Object.values(fx17)},
		{type: 'sockets', sockets: input.sockets},
		{
			type: 'connections',
			read: Object.fromEntries(input.connections),
			gone: [],
			owners: Object.fromEntries(input.socketOwners),
			nat: input.nat,
			tcp: {
				[fx17['srv']!.id]: {
					retransSegs: 3,
					outRsts: 1,
					estabResets: 0,
					listenOverflows: 45,
					listenDrops: 45,
					retransRate: 0.5,
					resetRate: 0,
					overflow: {at: 1_795_833_000_000, overflows: 45, drops: 45, queues: [{address: '::', port: 80, queue: 3}]},
				},
			},
		},
		{type: 'tick', at: 1_795_833_000_000, mono: 1_000, host: [], namespaces: {}},
	];
}

describe('recorded connections', () => {
	it('replay to the same edges, connections and TCP counters', () => {
		const encoder = new Encoder(1000);
		const header = JSON.stringify({netwatch: 'recording', version: 1, started: '2026-12-02T15:00:00.000Z', interval: 1, hostname: 'vm', netwatchVersion: '0.1.0'});
		const text = `${header}\n${actions()
			.map((a, i) => JSON.stringify(encoder.encode(a, 1000 + i)))
			.join('\n')}\n`;
		const recording = readRecording(text);
		expect(recording.damage).toBeNull();
		const replayed = deriveSnapshot(recording.actions.reduce((s, a) => reduce(s, a.action), initialState('')), 1);
		const live = deriveSnapshot(actions().reduce(reduce, initialState('')), 1);
		expect(replayed.edges).toEqual(live.edges);
		expect(replayed.edges.length).toBeGreaterThan(5);
		expect(replayed.containers.find(c => c.name === 'fx17-srv')!.tcp).toMatchObject({listenOverflows: 45, overflowing: true});
	});

	it('refuse a damaged connections action', () => {
		const good = actions()[2]!;
		expect(isValidAction(good)).toBe(true);
		expect(isValidAction({...good, read: {x: [{proto: 'tcp'}]}})).toBe(false);
		expect(isValidAction({...good, tcp: {x: {retransSegs: 'many'}}})).toBe(false);
		expect(isValidAction({...good, gone: undefined})).toBe(false);
	});

	it('keep only the TCP counters of namespaces that are still there', () => {
		const state = actions().reduce(reduce, initialState(''));
		const after = reduce(state, {type: 'connections', read: {}, gone: [fx17['srv']!.id], owners: {}});
		expect(after.tcp.size).toBe(0);
		expect(after.connections.has(fx17['srv']!.id)).toBe(false);
	});
});
