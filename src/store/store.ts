/**
 * The store: holds the state, applies actions, and publishes immutable snapshots.
 *
 * A tick publishes at once: one snapshot per sample. Anything else (a Docker event, an
 * inspected container, an alert) publishes within `coalesceMs`, so that a burst of events
 * becomes one snapshot and an alert reaches the screen without waiting for the next tick.
 */
import type {Action} from './actions.js';
import {deriveSnapshot, type Snapshot} from './snapshot.js';
import {initialState, reduce, type State} from './state.js';

export type SnapshotListener = (snapshot: Snapshot) => void;
export type ActionListener = (action: Action, state: State) => void;

export interface StoreOptions {
	readonly endpoint: string;
	/** How long a non-tick change may wait before it is published. */
	readonly coalesceMs?: number;
}

export class Store {
	private state: State;
	private snapshot: Snapshot;
	private seq = 0;
	private dirty = false;
	private timer: NodeJS.Timeout | undefined;
	private readonly coalesceMs: number;
	private readonly snapshotListeners = new Set<SnapshotListener>();
	private readonly actionListeners = new Set<ActionListener>();

	constructor(options: StoreOptions) {
		this.state = initialState(options.endpoint);
		this.snapshot = deriveSnapshot(this.state, 0);
		this.coalesceMs = options.coalesceMs ?? 25;
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
		if (action.type === 'tick') this.publish();
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
		if (this.timer) return;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.flush();
		}, this.coalesceMs);
		this.timer.unref();
	}

	private publish(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
		this.dirty = false;
		this.seq += 1;
		this.snapshot = deriveSnapshot(this.state, this.seq);
		for (const listener of this.snapshotListeners) listener(this.snapshot);
	}
}
