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

/** A session, and the engine's name when several are watched (null for one: nothing is tagged). */
export interface Watched {
	readonly name: string | null;
	readonly session: Session;
}

/**
 * `{engine, …}` when several engines are watched: each record says whose it is, by the name the
 * host bar gives it (`host` is the host's own interfaces and sockets, in a snapshot).
 */
function tagged(name: string | null, record: object): object {
	return name === null ? record : {engine: name, ...record};
}

/** `box: …` when several engines are watched. */
function said(name: string | null, line: string): string {
	return name === null ? line : `${name}: ${line}`;
}

/** The plain table's heading, when several engines are watched. */
function heading(name: string | null): string {
	return name === null ? '' : `== ${name} ==\n`;
}

/** How long `--once` waits for Docker before it reports without it. */
const DOCKER_WAIT_MS = 2_500;
/** How long `--once` waits for samples, at least, before it reports what it has. */
const TICKS_WAIT_MS = 10_000;

/**
 * The snapshot `count` samples on, or the newest one after TICKS_WAIT_MS: samples that come from
 * netwatch on an ssh:// engine's host stop while its link is down.
 */
function waitForTicks(session: Session, count: number): Promise<Snapshot> {
	const target = session.store.getSnapshot().tick + count;
	return new Promise(resolve => {
		const finish = (s: Snapshot): void => {
			clearTimeout(timer);
			stop();
			resolve(s);
		};
		const timer = setTimeout(() => finish(session.store.getSnapshot()), Math.max(TICKS_WAIT_MS, count * 3 * session.store.getSnapshot().interval * 1000));
		timer.unref();
		const stop = session.store.subscribe(s => {
			if (s.tick >= target) finish(s);
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
 * with their owners traced: a script gets what the stream would say a moment later.
 */
async function reading(session: Session): Promise<Snapshot> {
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
	return session.store.getSnapshot();
}

/** One reading of each engine, taken at once, printed in the order given: with --json, one document (line) each. */
export async function runOnce(engines: readonly Watched[], io: HeadlessIo, {json, ...plain}: OnceOptions): Promise<number> {
	const finals = await Promise.all(engines.map(w => reading(w.session)));
	let code: number = EXIT.ok;
	finals.forEach((final, i) => {
		const {name} = engines[i]!;
		io.stdout.write(json ? `${stringify(tagged(name, onceDocument(final)))}\n` : `${heading(name)}${plainReport(final, plain)}`);
		if (final.docker.error) {
			warn(io.stderr, said(name, final.docker.error));
			code = EXIT.docker;
		}
	});
	return code;
}

/**
 * NDJSON until interrupted: a snapshot per sample, events and alerts as they happen. When the
 * reader falls behind (stdout's buffer is full), snapshots are skipped until it catches up;
 * events and alerts never are.
 */
/** Actions that can open, count or resolve an alert. */
const ALERT_ACTIONS: ReadonlySet<Action['type']> = new Set(['diagnosis', 'diagnosis-resolved', 'container-removed', 'alert']);

export function runJsonStream(engines: readonly Watched[], io: HeadlessIo, done: Promise<void>): Promise<number> {
	let behind = false;
	io.stdout.on('drain', () => {
		behind = false;
	});
	const offs = engines.flatMap(({name, session}) => {
		const write = (record: object): void => {
			if (!io.stdout.write(`${stringify(tagged(name, record))}\n`)) behind = true;
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
				if (lastError) warn(io.stderr, said(name, lastError));
			}
		});
		return [offSnapshots, offActions];
	});
	return done.then(() => {
		for (const off of offs) off();
		return EXIT.ok;
	});
}

/**
 * The plain table once per sample until interrupted, as `top -b` prints: nothing but text and
 * newlines, each table after a blank line. `reason` is said once, on stderr, first.
 */
export async function runPlainStream(engines: readonly Watched[], io: HeadlessIo, done: Promise<void>, reason: string, unit: RateUnit = 'bytes'): Promise<number> {
	const every = engines[0]!.session.store.getSnapshot().interval;
	warn(io.stderr, `plain output (${reason}): the table every ${every} s; Ctrl-C stops`);
	await Promise.race([Promise.all(engines.map(w => dockerOrTimeout(w.session))), done]);
	const offs = engines.map(({name, session}) => {
		let lastTick = session.store.getSnapshot().tick;
		return session.store.subscribe(s => {
			if (s.tick === lastTick) return;
			lastTick = s.tick;
			io.stdout.write(`\n${heading(name)}${plainReport(s, {unit})}`);
		});
	});
	await done;
	for (const off of offs) off();
	return EXIT.ok;
}
