import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {Encoder} from '../../src/record/format.js';
import {readRecording, RecordingError} from '../../src/record/reader.js';
import {deriveSnapshot} from '../../src/store/snapshot.js';
import {initialState, reduce} from '../../src/store/state.js';
import {fixtureActions} from '../helpers/snapshots.js';

const HEADER = JSON.stringify({netwatch: 'recording', version: 1, started: '2026-11-28T03:00:00.000Z', interval: 1, hostname: 'vm', netwatchVersion: '0.1.0'});

function record(): string {
	const encoder = new Encoder(1000);
	const lines = fixtureActions().map((action, i) => JSON.stringify(encoder.encode(action, 1000 + i * 10)));
	return `${HEADER}\n${lines.join('\n')}\n`;
}

const snapshotOf = (actions: readonly {action: Parameters<typeof reduce>[1]}[]) =>
	deriveSnapshot(actions.reduce((s, a) => reduce(s, a.action), initialState('')), 1);

describe('recordings', () => {
	it('give back exactly the actions that were recorded, ticks included', () => {
		const recording = readRecording(record());
		expect(recording.damage).toBeNull();
		expect(recording.actions.map(a => a.action)).toEqual(fixtureActions());
		expect(recording.actions.map(a => a.t)).toEqual(fixtureActions().map((_, i) => i * 10));
		// so the replayed snapshot is the live one
		const live = deriveSnapshot(fixtureActions().reduce(reduce, initialState('')), 1);
		expect(snapshotOf(recording.actions)).toEqual(live);
	});

	it('store a sample as differences from the one before', () => {
		const text = record();
		const ticks = text.split('\n').filter(l => l.includes('"k":'));
		expect(ticks).toHaveLength(2);
		// the second sample: eth0 moved 1000 bytes in, 2000 out; nothing else did
		expect(ticks[1]).toContain('["eth0",1000,0,0,0,2000,0,0,0]');
		expect(ticks[0]).toContain('["eth0",321171541,10268,0,0,665582,5572,0,0]');
	});

	it('play a file cut short up to the cut, and say where', () => {
		const text = record();
		const cut = text.slice(0, text.lastIndexOf('"k":') + 40);
		const recording = readRecording(cut, 'x.ndjson');
		expect(recording.damage).toBe(`the recording is cut short in line ${cut.split('\n').length}`);
		expect(recording.actions.length).toBe(fixtureActions().length - 1);
	});

	it('stop at a damaged line, and say which', () => {
		const lines = record().split('\n');
		lines[5] = '{"t":50,"a":{"type":"container","container":{"id":42}}}';
		const recording = readRecording(lines.join('\n'));
		expect(recording.damage).toBe('line 6 is damaged (not a recorded action)');
		expect(recording.actions).toHaveLength(4);
		lines[5] = 'garbage';
		expect(readRecording(lines.join('\n')).damage).toBe('line 6 is damaged (not a recorded action)');
		lines[5] = '{"t":40,"k":{"at":1,"m":1,"h":[["eth0","x"]],"n":{}}}';
		expect(readRecording(lines.join('\n')).damage).toBe('line 6 is damaged (not a recorded action)');
		lines[5] = '{"t":0,"a":{"type":"host","hostname":"vm","os":null,"interval":1}}';
		expect(readRecording(lines.join('\n')).damage).toBe('line 6 goes back in time');
		lines[5] = '';
		expect(readRecording(lines.join('\n')).damage).toBe('line 6 is damaged (empty)');
	});

	it('refuse what is not a recording', () => {
		expect(() => readRecording('', 'empty.ndjson')).toThrow(RecordingError);
		expect(() => readRecording('{"type":"snapshot"}\n', 'x')).toThrow('x is not a netwatch recording');
		expect(() => readRecording(`${HEADER.replace('"version":1', '"version":9')}\n`, 'new')).toThrow('new is a version 9 recording; this netwatch reads versions 1 to 2');
	});

	it('the shipped demo recording reads whole, and has the alert and the narration', () => {
		const recording = readRecording(readFileSync(new URL('../../demo/port-conflict.ndjson', import.meta.url), 'utf8'));
		expect(recording.damage).toBeNull();
		const alerts = recording.actions.filter(a => a.action.type === 'diagnosis').map(a => (a.action as {finding: {kind: string; containerName: string; holder: {containerName: string} | null}}).finding);
		expect(alerts.find(a => a.kind === 'EADDRINUSE')).toMatchObject({containerName: 'web2', holder: {containerName: 'web1'}});
		expect(recording.actions.filter(a => a.action.type === 'caption').length).toBeGreaterThanOrEqual(4);
		const names = snapshotOf(recording.actions).containers.map(c => c.name);
		expect(names).toEqual(expect.arrayContaining(['nw-bridge', 'nw-host', 'nw-none', 'nw-shared', 'nw-user', 'web2']));
	});
});
