/**
 * The store: holds the state, applies actions, and publishes immutable snapshots.
 *
 * A tick publishes at once: one snapshot per sample. So does an alert (the headline does not
 * wait), and the full list of containers that a connect to Docker brings. Anything else (a
 * Docker event, an inspected container) publishes `coalesceMs` (100 ms) after it, but no sooner
 * than `spacingMs` (300 ms) after the snapshot before; and while a flood goes on (the snapshot
 * before took in FLOOD_ACTIONS or more), no sooner than FLOOD_SPACING_MS after it. A flood of
 * events costs a snapshot or two a second, and the screen has its time for keys.
 */
import type {Action} from './actions.js';
import {deriveSnapshot, SnapshotMemo, type Snapshot} from './snapshot.js';
import {EVERYTHING, type Scope} from './scope.js';
import {initialState, reduce, type State} from './state.js';

/** Actions taken into one snapshot that make a flood... */
const FLOOD_ACTIONS = 50;
/** ...and the least time between snapshots while it lasts. */
const FLOOD_SPACING_MS = 1_000;

/** Actions that publish a snapshot at once; the rest ride on a timer. */
const PUBLISH_AT_ONCE: ReadonlySet<Action['type']> = new Set(['tick', 'diagnosis', 'diagnosis-resolved', 'alert', 'containers', 'caption']);

export type SnapshotListener = (snapshot: Snapshot) => void;
export type ActionListener = (action: Action, state: State) => void;

export interface StoreOptions {
	readonly endpoint: string;
	/** The docker CLI context that named the endpoint, if any. */
	readonly context?: string | null;
	/** How long a change not in PUBLISH_AT_ONCE waits before it is published. */
	readonly coalesceMs?: number;
	/** The least time between snapshots, for changes not in PUBLISH_AT_ONCE. */
	readonly spacingMs?: number;
	/** The containers whose data the snapshots show (`--project`, `--filter`); the state keeps all. */
	readonly scope?: Scope;
}

export class Store {
	private state: State;
	private snapshot: Snapshot;
	private seq = 0;
	private dirty = false;
	/** Actions taken in since the last snapshot, and whether that snapshot ended a flood of them. */
	private coalesced = 0;
	private flooding = false;
	private publishedAt = Number.NEGATIVE_INFINITY;
	private timer: NodeJS.Timeout | undefined;
	private readonly coalesceMs: number;
	private readonly spacingMs: number;
	readonly scope: Scope;
	private readonly snapshotListeners = new Set<SnapshotListener>();
	private readonly actionListeners = new Set<ActionListener>();
	/** What the last snapshot derived, given again where its inputs did not change. */
	private readonly memo = new SnapshotMemo();

	constructor(options: StoreOptions) {
		this.state = initialState(options.endpoint, options.context ?? null);
		this.scope = options.scope ?? EVERYTHING;
		this.snapshot = deriveSnapshot(this.state, 0, this.scope, this.memo);
		this.coalesceMs = options.coalesceMs ?? 100;
		this.spacingMs = options.spacingMs ?? 300;
	}

	getState(): State {
		return this.state;
	}

	/** The last published snapshot. Stable between publishes (for useSyncExternalStore). */
	getSnapshot = (): Snapshot => this.snapshot;

	subscribe = (listener: SnapshotListener): (() => void) => {
		this.snapshotListeners.add(listener);
		return () => this.snapshotListeners.delete(listener);
	};

	/** Every action, after it is applied: the recorder and `--json` listen here. */
	onAction(listener: ActionListener): () => void {
		this.actionListeners.add(listener);
		return () => this.actionListeners.delete(listener);
	}

	dispatch(action: Action): void {
		this.state = reduce(this.state, action);
		for (const listener of this.actionListeners) listener(action, this.state);
		if (PUBLISH_AT_ONCE.has(action.type)) this.publish();
		else this.schedule();
	}

	/** Replace the state wholesale and publish it (replay uses this to step back in time). */
	load(state: State): void {
		this.state = state;
		this.publish();
	}

	/** Publish now if anything changed since the last snapshot. */
	flush(): void {
		if (this.dirty) this.publish();
	}

	close(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
	}

	private schedule(): void {
		this.dirty = true;
		this.coalesced += 1;
		// the first change since the last snapshot sets the time; the rest ride along
		if (this.timer) return;
		const spacing = this.flooding ? Math.max(this.spacingMs, FLOOD_SPACING_MS) : this.spacingMs;
		const wait = Math.max(this.coalesceMs, this.publishedAt + spacing - performance.now());
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.flush();
		}, wait);
		this.timer.unref();
	}

	private publish(): void {
		this.publishedAt = performance.now();
		clearTimeout(this.timer);
		this.timer = undefined;
		this.dirty = false;
		this.flooding = this.coalesced >= FLOOD_ACTIONS;
		this.coalesced = 0;
		this.seq += 1;
		this.snapshot = deriveSnapshot(this.state, this.seq, this.scope, this.memo);
		for (const listener of this.snapshotListeners) listener(this.snapshot);
	}
}
