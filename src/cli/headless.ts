/**
 * The modes that draw nothing: `--json` (NDJSON until interrupted), `--once` (one reading),
 * the plain table that a non-terminal stdout gets, and that table once per sample on a
 * terminal that cannot take the dashboard (or with `--plain`).
 */
import {alertRecord, eventRecord, onceDocument, snapshotRecord, stringify} from '../output/json.js';
import {plainReport} from '../output/table.js';
import type {Snapshot} from '../store/snapshot.js';
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

/** One reading: two samples after Docker answered (so rates exist), printed once. */
export async function runOnce(session: Session, io: HeadlessIo, json: boolean, unit: RateUnit = 'bytes'): Promise<number> {
	await dockerOrTimeout(session);
	// start the sample grid now, so that both samples see the containers Docker listed
	const twoSamples = waitForTicks(session, 2);
	session.sampler.restart();
	let snapshot = await twoSamples;
	// counters from Docker's stats API (a remote engine) arrive a sample late: wait for their rates
	for (let extra = 0; extra < 2 && snapshot.containers.some(c => c.source === 'stats-api' && c.rxRate === null); extra++) {
		snapshot = await waitForTicks(session, 1);
	}
	session.store.flush();
	const final = session.store.getSnapshot();
	io.stdout.write(json ? `${stringify(onceDocument(final))}\n` : plainReport(final, unit));
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
	const offSnapshots = session.store.subscribe(s => {
		if (s.tick === lastTick || behind) return;
		lastTick = s.tick;
		write(snapshotRecord(s));
	});
	const offActions = session.store.onAction((action, state) => {
		if (action.type === 'event') write(eventRecord(state.events[state.events.length - 1]!));
		else if (action.type === 'alert') write(alertRecord(action.alert));
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
		io.stdout.write(`\n${plainReport(s, unit)}`);
	});
	await done;
	off();
	return EXIT.ok;
}
