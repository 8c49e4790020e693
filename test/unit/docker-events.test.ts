import {describe, expect, it} from 'vitest';
import {compareNano, eventLines, MAX_EVENT_LINE, nanoToMillis, nanoToSince, parseEventLine} from '../../src/parsers/docker-events.js';
import {fixture} from '../helpers/fixtures.js';

const lines = fixture('docker/events-window.ndjson').split('\n').filter(l => l !== '');
const die = lines.find(l => l.includes('"Action":"die"') && l.includes('"exitCode":"1"'))!;

describe('parseEventLine', () => {
	it('reads a die event with its exit code', () => {
		const event = parseEventLine(die)!;
		expect(event.kind).toBe('container');
		expect(event.action).toBe('die');
		expect(event.attributes['exitCode']).toBe('1');
		expect(event.attributes['name']).toMatch(/^fx-/);
		expect(event.actorId).toMatch(/^[0-9a-f]{64}$/);
	});

	it('keeps timeNano exact beyond 2^53, where JSON.parse rounds it', () => {
		const raw = /"timeNano":(\d+)/.exec(die)![1]!;
		expect(BigInt(raw) > 2n ** 53n).toBe(true);
		const event = parseEventLine(die)!;
		expect(event.timeNano).toBe(raw);
		expect(String((JSON.parse(die) as {timeNano: number}).timeNano)).not.toBe(raw);
	});

	it('reads network connect and disconnect, whose actor is the network', () => {
		const connect = lines.map(parseEventLine).find(e => e?.kind === 'network' && e.action === 'connect')!;
		expect(connect.attributes['container']).toMatch(/^[0-9a-f]{64}$/);
		expect(connect.attributes['type']).toBeDefined();
	});

	it('accepts a json-seq record separator, rejects lines that are not events', () => {
		expect(parseEventLine(`\u001e${die}`)?.action).toBe('die');
		expect(parseEventLine('{"Type":"container"')).toBeNull();
		expect(parseEventLine('[]')).toBeNull();
		expect(parseEventLine('{"foo":1}')).toBeNull();
		expect(parseEventLine('')).toBeNull();
	});

	it('parses every line of a captured window', () => {
		const events = lines.map(parseEventLine);
		expect(events.every(e => e !== null)).toBe(true);
		expect(new Set(events.map(e => e!.kind))).toEqual(new Set(['image', 'container', 'network', 'node']));
	});
});

describe('the lines of an events stream', () => {
	it('joins an event split mid-object across chunks', () => {
		const splitter = eventLines();
		const cut = Math.floor(die.length / 2);
		expect(splitter.push(Buffer.from(die.slice(0, cut)))).toEqual([]);
		expect(splitter.push(Buffer.from(`${die.slice(cut)}\n`))).toEqual([die]);
		expect(splitter.pendingLength).toBe(0);
	});

	it('splits several events joined in one chunk', () => {
		const chunk = `${lines.slice(0, 5).join('\n')}\n${lines[5]!.slice(0, 10)}`;
		const splitter = eventLines();
		expect(splitter.push(Buffer.from(chunk))).toEqual(lines.slice(0, 5));
		expect(splitter.push(Buffer.from(`${lines[5]!.slice(10)}\n`))).toEqual([lines[5]]);
	});

	it('decodes a UTF-8 character cut between chunks', () => {
		const text = `${die.replace('"name":"', '"name":"café-')}\n`;
		const bytes = Buffer.from(text);
		const at = bytes.indexOf(Buffer.from('é')) + 1; // inside the two-byte é
		const splitter = eventLines();
		const out = [...splitter.push(bytes.subarray(0, at)), ...splitter.push(bytes.subarray(at))];
		expect(parseEventLine(out[0]!)?.attributes['name']).toMatch(/^café-/);
	});

	it('drops a line that is far too long to be an event, counts it, and goes on', () => {
		const splitter = eventLines();
		const huge = 'x'.repeat(MAX_EVENT_LINE + 10);
		const out = [...splitter.push(huge.slice(0, 600_000)), ...splitter.push(`${huge.slice(600_000)}\n${die}\n`)];
		expect(out).toEqual([die]);
		expect(splitter.overlong).toBe(1);
		expect(splitter.pendingLength).toBe(0);
	});

	it('hands back a last line without a newline at the end of the stream', () => {
		const splitter = eventLines();
		splitter.push(Buffer.from(die));
		expect(splitter.end()).toEqual([die]);
	});
});

describe('nano time', () => {
	it('formats since= as seconds.nanoseconds', () => {
		expect(nanoToSince('1795830694370148392')).toBe('1795830694.370148392');
		expect(nanoToSince('5')).toBe('0.000000005');
	});

	it('compares and converts without losing precision', () => {
		expect(compareNano('1795830694370148392', '1795830694370148393')).toBe(-1);
		expect(compareNano('1795830694370148393', '1795830694370148392')).toBe(1);
		expect(compareNano('1795830694370148392', '1795830694370148392')).toBe(0);
		expect(nanoToMillis('1795830694370148392')).toBe(1795830694370);
	});
});
