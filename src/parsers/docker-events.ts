/**
 * The body of GET /events: one JSON object per line (json-seq records start with 0x1E).
 *
 * Over a unix socket each event tends to arrive as one chunk, but TCP, TLS and SSH split and
 * join them freely, so the stream is cut into lines (lines.ts), with UTF-8 decoded across chunk
 * boundaries. `timeNano` exceeds 2^53 and JSON.parse would round it, so it is read from the
 * raw text and kept as a decimal string.
 */
import type {ContainerState} from '../model.js';
import {LineSplitter} from './lines.js';

export interface DockerEvent {
	/** `container`, `network`, `image`, `volume`, `daemon`, ... */
	readonly kind: string;
	/** `create`, `start`, `die`, `connect`, `exec_start: sh -c true`, ... */
	readonly action: string;
	readonly actorId: string;
	/** Every value is a string; container labels are merged in by the daemon. */
	readonly attributes: Readonly<Record<string, string>>;
	/** Nanoseconds since the epoch, exact, as a decimal string. */
	readonly timeNano: string;
}

/** An event is a few hundred bytes; a "line" longer than this is not one, and is dropped. */
export const MAX_EVENT_LINE = 1024 * 1024;

/** The lines of an events stream. */
export function eventLines(): LineSplitter {
	return new LineSplitter({maxLine: MAX_EVENT_LINE, overlong: 'drop'});
}

const TIME_NANO = /"timeNano"\s*:\s*(\d+)/;

function stringRecord(value: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
	}
	return out;
}

/** One line of the stream -> an event, or null for a line that is not one (counted by the caller). */
export function parseEventLine(line: string): DockerEvent | null {
	const text = line.replace(/^\u001e/, '').trim();
	if (text === '') return null;
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch {
		return null;
	}
	if (!raw || typeof raw !== 'object') return null;
	const event = raw as Record<string, unknown>;
	const actor = (event['Actor'] ?? {}) as Record<string, unknown>;
	const kind = event['Type'] ?? event['type'];
	const action = event['Action'] ?? event['status'];
	const actorId = actor['ID'] ?? event['id'] ?? '';
	if (typeof kind !== 'string' || typeof action !== 'string' || typeof actorId !== 'string') return null;
	const nano = TIME_NANO.exec(text)?.[1];
	const seconds = Number.isSafeInteger(event['time']) ? (event['time'] as number) : undefined;
	const timeNano = nano ?? (seconds !== undefined ? `${seconds}000000000` : undefined);
	if (timeNano === undefined) return null;
	return {kind, action, actorId, attributes: stringRecord(actor['Attributes']), timeNano};
}

/**
 * Container actions that change nothing inspect would show but the status, and the status they
 * leave: no inspect is needed to know it (a flood of pauses costs Docker no inspects).
 */
const STATUS_AFTER: Readonly<Record<string, ContainerState>> = {pause: 'paused', unpause: 'running'};

export function statusAfter(action: string): ContainerState | null {
	return STATUS_AFTER[action] ?? null;
}

/** Container actions that change nothing inspect would show, and that the log need not list. */
const QUIET = /^(exec_|attach|detach|resize|top|copy|export|commit|archive-path|extract-to-dir)/;

export function isQuietAction(action: string): boolean {
	return QUIET.test(action);
}

/** `1795830694370148392` -> `1795830694.370148392`, the form `since` and `until` take. */
export function nanoToSince(timeNano: string): string {
	const padded = timeNano.padStart(10, '0');
	return `${padded.slice(0, -9) || '0'}.${padded.slice(-9)}`;
}

/** Milliseconds since the epoch (rounded down), for display. */
export function nanoToMillis(timeNano: string): number {
	return Number(BigInt(timeNano) / 1_000_000n);
}

/** Compare two decimal nanosecond strings. */
export function compareNano(a: string, b: string): number {
	const x = BigInt(a);
	const y = BigInt(b);
	return x < y ? -1 : x > y ? 1 : 0;
}
