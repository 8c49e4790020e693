/**
 * The modes that draw nothing: `--json` (NDJSON until interrupted), `--once` (one reading),
 * the plain table that a non-terminal stdout gets, and that table once per sample on a
 * terminal that cannot take the dashboard (or with `--plain`).
 */
import {alertRecord, eventRecord, onceDocument, rolloutRecord, snapshotRecord, stringify} from '../output/json.js';
import {plainReport, type PlainOptions} from '../output/table.js';
import type {Action} from '../store/actions.js';
import {watched, type Snapshot} from '../store/snapshot.js';
import type {State} from '../store/state.js';
import type {RateUnit} from '../util/format.js';
import {EXIT} from './args.js';
import {warn, type Io} from './io.js';
import type {Session} from './session.js';

export type HeadlessIo = Pick<Io, 'stdout' | 'stderr'>;

/** How long `--once` waits for Docker before it reports without it. */
const DOCKER_WAIT_MS = 2_500;

function waitForTicks(session: Session, count: number): Promise<Snapshot> {
	const target = session.store.getSnapshot().tick + count;
	return new Promise(resolve => {
		const stop = session.store.subscribe(s => {
			if (s.tick >= target) {
				stop();
				resolve(s);
			}
		});
	});
}

/** Docker's first answer, or DOCKER_WAIT_MS, whichever comes first. */
function dockerOrTimeout(session: Session): Promise<unknown> {
	return Promise.race([session.dockerReady, new Promise(r => setTimeout(r, DOCKER_WAIT_MS).unref())]);
}

export interface OnceOptions extends PlainOptions {
	readonly json: boolean;
}

/**
 * One reading: two samples after Docker answered (so rates exist), then the sockets read again
 * with their owners traced, printed once: a script gets what the stream would say a moment later.
 */
export async function runOnce(session: Session, io: HeadlessIo, {json, ...plain}: OnceOptions): Promise<number> {
	await dockerOrTimeout(session);
	// start the sample grid now, so that both samples see the containers Docker listed
	const twoSamples = waitForTicks(session, 2);
	session.sampleNow();
	let snapshot = await twoSamples;
	// counters from Docker's stats API (a remote engine) arrive a sample late: wait for their rates
	for (let extra = 0; extra < 2 && snapshot.containers.some(c => c.source === 'stats-api' && c.rxRate === null); extra++) {
		snapshot = await waitForTicks(session, 1);
	}
	session.scanSockets();
	session.store.flush();
	const final = session.store.getSnapshot();
	io.stdout.write(json ? `${stringify(onceDocument(final))}\n` : plainReport(final, plain));
	if (final.docker.error) {
		warn(io.stderr, final.docker.error);
		return EXIT.docker;
	}
	return EXIT.ok;
}

/**
 * NDJSON until interrupted: a snapshot per sample, events and alerts as they happen. When the
 * reader falls behind (stdout's buffer is full), snapshots are skipped until it catches up;
 * events and alerts never are.
 */
/** Actions that can open, count or resolve an alert. */
const ALERT_ACTIONS: ReadonlySet<Action['type']> = new Set(['diagnosis', 'diagnosis-resolved', 'container-removed', 'alert']);

export function runJsonStream(session: Session, io: HeadlessIo, done: Promise<void>): Promise<number> {
	let behind = false;
	io.stdout.on('drain', () => {
		behind = false;
	});
	const write = (record: unknown): void => {
		if (!io.stdout.write(`${stringify(record)}\n`)) behind = true;
	};
	let lastTick = 0;
	let lastError: string | null = null;
	// alerts as last written: an alert that the store opened, counted or resolved is written again
	let written: State['alerts'] = new Map();
	const writeAlerts = (state: State): void => {
		for (const [id, alert] of state.alerts) {
			if (written.get(id) !== alert && watched(state, session.store.scope, {kind: 'alert', alert})) write(alertRecord(alert));
		}
		written = state.alerts;
	};
	const offSnapshots = session.store.subscribe(s => {
		if (s.tick === lastTick || behind) return;
		lastTick = s.tick;
		write(snapshotRecord(s));
	});
	const offActions = session.store.onAction((action, state) => {
		if (action.type === 'event') {
			const entry = state.events[state.events.length - 1]!;
			if (watched(state, session.store.scope, {kind: 'event', entry})) write(eventRecord(entry));
		} else if (action.type === 'rollout') {
			if (watched(state, session.store.scope, {kind: 'rollout', rollout: action.rollout})) write(rolloutRecord(action.rollout));
		} else if (ALERT_ACTIONS.has(action.type) && state.alerts !== written) writeAlerts(state);
		else if (action.type === 'docker' && action.status.error !== lastError) {
			lastError = action.status.error;
			if (lastError) warn(io.stderr, lastError);
		}
	});
	return done.then(() => {
		offSnapshots();
		offActions();
		return EXIT.ok;
	});
}

/**
 * The plain table once per sample until interrupted, as `top -b` prints: nothing but text and
 * newlines, each table after a blank line. `reason` is said once, on stderr, first.
 */
export async function runPlainStream(session: Session, io: HeadlessIo, done: Promise<void>, reason: string, unit: RateUnit = 'bytes'): Promise<number> {
	const every = session.store.getSnapshot().interval;
	warn(io.stderr, `plain output (${reason}): the table every ${every} s; Ctrl-C stops`);
	await Promise.race([dockerOrTimeout(session), done]);
	let lastTick = session.store.getSnapshot().tick;
	const off = session.store.subscribe(s => {
		if (s.tick === lastTick) return;
		lastTick = s.tick;
		io.stdout.write(`\n${plainReport(s, {unit})}`);
	});
	await done;
	off();
	return EXIT.ok;
}
