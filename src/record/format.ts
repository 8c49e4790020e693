/**
 * The recording format: NDJSON. The first line says what the file is; every other line is one
 * store action and the time it happened, so that replaying the lines through the same reducer
 * rebuilds the same snapshots.
 *
 *   {"netwatch":"recording","version":2,"started":"2026-11-28T03:10:29.781Z","interval":1,...}
 *   {"t":1005,"a":{"type":"event","event":{...}}}
 *   {"t":1012,"k":{"at":1795833001012,"m":1000.2,"h":[["eth0",12,1,0,0,5,1,0,0],...],"n":{...}}}
 *
 * `t` is milliseconds since `started`. Ticks (`k`) are the bulk of a recording, so they are
 * compact: each interface is an array of its counters, as the difference from the previous tick
 * (absolute the first time it appears). `m` is the monotonic clock, exact, so that replayed
 * rates are the live ones to the last digit. A 10-minute session with 10 containers stays well
 * under 5 MB.
 */
import type {NetDevRow} from '../model.js';
import type {Action, TickAction} from '../store/actions.js';

export const FORMAT = 'recording';
/**
 * 2: diagnoses (findings and their resolution) instead of whole alerts; captions; Compose and
 * health on containers (optional); `rollout` actions. A version 1 file reads as it is: its alerts
 * are taken whole.
 */
export const VERSION = 2;

export interface RecordingHeader {
	readonly netwatch: typeof FORMAT;
	readonly version: number;
	/** ISO time of the first line. */
	readonly started: string;
	readonly interval: number;
	readonly hostname: string;
	readonly netwatchVersion: string;
}

/** An interface's counters: name, then rx bytes, packets, errors, dropped, tx bytes, packets, errors, dropped. */
type Row = [string, number, number, number, number, number, number, number, number];

interface CompactTick {
	readonly at: number;
	readonly m: number;
	readonly h: Row[];
	readonly n: Record<string, Row[]>;
	/** fromStatsApi and sampledAt, for a remote engine. */
	readonly s?: readonly string[];
	readonly sa?: Readonly<Record<string, number>>;
}

export type Line = {readonly t: number; readonly a: Action} | {readonly t: number; readonly k: CompactTick};

const FIELDS = ['rxBytes', 'rxPackets', 'rxErrors', 'rxDropped', 'txBytes', 'txPackets', 'txErrors', 'txDropped'] as const;

function toRow(r: NetDevRow, before: NetDevRow | undefined): Row {
	return [r.name, ...FIELDS.map(f => r[f] - (before?.[f] ?? 0))] as Row;
}

function fromRow(row: Row, before: NetDevRow | undefined): NetDevRow {
	const [name, ...values] = row;
	const out: Record<string, number | string> = {name};
	FIELDS.forEach((f, i) => {
		out[f] = (before?.[f] ?? 0) + values[i]!;
	});
	return out as unknown as NetDevRow;
}

type Previous = Map<string, Map<string, NetDevRow>>;

function encodeRows(rows: readonly NetDevRow[], before: Map<string, NetDevRow> | undefined): Row[] {
	return rows.map(r => toRow(r, before?.get(r.name)));
}

function decodeRows(rows: readonly Row[], before: Map<string, NetDevRow> | undefined): NetDevRow[] {
	return rows.map(r => {
		if (!Array.isArray(r) || r.length !== 1 + FIELDS.length || typeof r[0] !== 'string' || !r.slice(1).every(Number.isFinite)) {
			throw new Error('not a row of counters');
		}
		return fromRow(r, before?.get(r[0]));
	});
}

const rowsByName = (rows: readonly NetDevRow[]): Map<string, NetDevRow> => new Map(rows.map(r => [r.name, r]));

/** Turns actions into lines, keeping what the next tick's differences are taken from. */
export class Encoder {
	private previous: Previous = new Map();

	constructor(private readonly started: number) {}

	encode(action: Action, now: number): Line {
		const t = Math.max(0, Math.round(now - this.started));
		if (action.type !== 'tick') return {t, a: action};
		const namespaces: Record<string, Row[]> = {};
		const next: Previous = new Map([['', rowsByName(action.host)]]);
		for (const [ns, rows] of Object.entries(action.namespaces)) {
			namespaces[ns] = encodeRows(rows, this.previous.get(ns));
			next.set(ns, rowsByName(rows));
		}
		const k: CompactTick = {
			at: action.at,
			m: action.mono,
			h: encodeRows(action.host, this.previous.get('')),
			n: namespaces,
			...(action.fromStatsApi ? {s: action.fromStatsApi} : {}),
			...(action.sampledAt ? {sa: action.sampledAt} : {}),
		};
		this.previous = next;
		return {t, k};
	}
}

/** The other way: lines back into actions, in order. */
export class Decoder {
	private previous: Previous = new Map();

	decode(line: Line): Action {
		if ('a' in line) return line.a;
		const k = line.k;
		const host = decodeRows(k.h, this.previous.get(''));
		const next: Previous = new Map([['', rowsByName(host)]]);
		const namespaces: Record<string, NetDevRow[]> = {};
		for (const [ns, rows] of Object.entries(k.n)) {
			namespaces[ns] = decodeRows(rows, this.previous.get(ns));
			next.set(ns, rowsByName(namespaces[ns]!));
		}
		this.previous = next;
		const tick: TickAction = {
			type: 'tick',
			at: k.at,
			mono: k.m,
			host,
			namespaces,
			...(k.s ? {fromStatsApi: k.s} : {}),
			...(k.sa ? {sampledAt: k.sa} : {}),
		};
		return tick;
	}
}

export function isHeader(value: unknown): value is RecordingHeader {
	const v = value as Partial<RecordingHeader> | null;
	return typeof v === 'object' && v !== null && v.netwatch === FORMAT && typeof v.version === 'number' && typeof v.started === 'string';
}

export function isLine(value: unknown): value is Line {
	const v = value as {t?: unknown; a?: {type?: unknown}; k?: {h?: unknown; n?: unknown}} | null;
	if (typeof v !== 'object' || v === null || typeof v.t !== 'number') return false;
	if (v.a !== undefined) return typeof v.a === 'object' && v.a !== null && typeof v.a.type === 'string';
	return typeof v.k === 'object' && v.k !== null && Array.isArray(v.k.h) && typeof v.k.n === 'object';
}
