/**
 * Plays a recording into a store, at its original pace or `speed` times it: the dashboard
 * cannot tell it from a live session. Space pauses; stepping moves one sample at a time, back
 * as well as forward (from a checkpoint of the state, taken every CHECKPOINT samples).
 */
import type {ReplayStatus} from '../views/panes/Header.js';
import type {ReplayCommand} from '../views/keys.js';
import {initialState, reduce, type State} from '../store/state.js';
import {Store} from '../store/store.js';
import type {Recording} from './reader.js';

const CHECKPOINT = 30;

export class ReplayPlayer {
	/** Publishes what the player computes; the dashboard reads it like a live store. */
	readonly store: Store;
	private state: State = initialState('');
	private position = 0;
	/** Samples applied so far. */
	private ticksApplied = 0;
	private timer: NodeJS.Timeout | undefined;
	private status: ReplayStatus;
	private readonly listeners = new Set<() => void>();
	/** Index in `actions` of each tick, in order. */
	private readonly ticks: number[] = [];
	/** State after tick number i (i a multiple of CHECKPOINT), and the state before any. */
	private readonly checkpoints = new Map<number, State>();

	constructor(
		private readonly recording: Recording,
		speed: number,
	) {
		this.store = new Store({endpoint: '', coalesceMs: 0});
		recording.actions.forEach((a, i) => a.action.type === 'tick' && this.ticks.push(i));
		this.checkpoints.set(0, this.state);
		this.status = {speed, paused: false, damage: null, finished: false};
	}

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	getStatus = (): ReplayStatus => this.status;

	command = (command: ReplayCommand): void => {
		if (command === 'toggle-pause') this.setPaused(!this.status.paused);
		else this.step(command === 'forward' ? 1 : -1);
	};

	/** Samples applied so far. */
	get tick(): number {
		return this.ticksApplied;
	}

	start(): void {
		this.schedule();
	}

	stop(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
	}

	private setStatus(patch: Partial<ReplayStatus>): void {
		this.status = {...this.status, ...patch};
		for (const listener of this.listeners) listener();
	}

	private setPaused(paused: boolean): void {
		this.setStatus({paused});
		if (paused) this.stop();
		else this.schedule();
	}

	/** Apply the next action, and every action recorded at the same moment. */
	private applyNext(): void {
		const {actions} = this.recording;
		const t = actions[this.position]!.t;
		while (this.position < actions.length && actions[this.position]!.t === t) this.apply();
		this.store.load(this.state);
	}

	private apply(): void {
		const {action} = this.recording.actions[this.position]!;
		this.position++;
		this.state = reduce(this.state, action);
		if (action.type === 'tick') {
			this.ticksApplied++;
			const tick = this.ticksApplied;
			if (tick % CHECKPOINT === 0 && !this.checkpoints.has(tick)) this.checkpoints.set(tick, this.state);
		}
	}

	private atEnd(): void {
		this.stop();
		this.setStatus({finished: true, damage: this.recording.damage});
	}

	private schedule(): void {
		this.stop();
		const {actions} = this.recording;
		if (this.position >= actions.length) {
			this.atEnd();
			return;
		}
		const previous = this.position === 0 ? actions[0]!.t : actions[this.position - 1]!.t;
		const wait = Math.max(0, (actions[this.position]!.t - previous) / this.status.speed);
		this.timer = setTimeout(() => {
			this.applyNext();
			this.schedule();
		}, wait);
	}

	/** Go to just after sample number `target`, from the nearest checkpoint before it. */
	private seekTick(target: number): void {
		const tick = Math.max(0, Math.min(target, this.ticks.length));
		const from = Math.max(...[...this.checkpoints.keys()].filter(k => k <= tick));
		this.state = this.checkpoints.get(from)!;
		this.ticksApplied = from;
		this.position = from === 0 ? 0 : this.ticks[from - 1]! + 1;
		while (this.position < this.recording.actions.length && this.tick < tick) this.apply();
		// and what happened after that sample, up to the next one
		while (this.position < this.recording.actions.length && this.recording.actions[this.position]!.action.type !== 'tick') this.apply();
		this.store.load(this.state);
	}

	private step(by: 1 | -1): void {
		this.setPaused(true);
		this.seekTick(this.tick + by);
		const finished = this.position >= this.recording.actions.length;
		this.setStatus({finished, damage: finished ? this.recording.damage : null});
	}
}
