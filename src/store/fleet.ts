/**
 * Several engines in one view: each has its own session and store, and the dashboard reads the
 * selected one's snapshots, with a `fleet` part beside them: every engine's state and open
 * alerts (the host bar), and the others' alerts (the banner). Keys `[`, `]` and 1 to 9 select.
 * A snapshot is made again only when a store published or the selection moved, so that the
 * view can tell a new one by its identity. Every alert's id is qualified by its engine's name,
 * the shown engine's too: an acknowledgement, or the bell, keeps to its alert across switches.
 */
import type {Alert} from '../model.js';
import type {FleetView, Snapshot} from './snapshot.js';

export interface FleetMember {
	readonly name: string;
	readonly store: {getSnapshot(): Snapshot; subscribe(listener: () => void): () => void};
}

export type HostCommand = 'next' | 'previous' | number;

const qualified = (name: string, a: Alert): Alert => ({...a, id: `${name}\u0000${a.id}`});

export class Fleet {
	private selected = 0;
	private last: {readonly parts: readonly Snapshot[]; readonly selected: number; readonly snapshot: Snapshot} | null = null;
	private readonly listeners = new Set<() => void>();

	constructor(private readonly members: readonly FleetMember[]) {}

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		const offs = this.members.map(m => m.store.subscribe(listener));
		return () => {
			this.listeners.delete(listener);
			for (const off of offs) off();
		};
	};

	getSnapshot = (): Snapshot => {
		const parts = this.members.map(m => m.store.getSnapshot());
		if (this.last && this.last.selected === this.selected && this.last.parts.every((p, i) => p === parts[i])) return this.last.snapshot;
		const fleet: FleetView = {
			hosts: parts.map((p, i) => ({name: this.members[i]!.name, docker: p.docker, alerts: p.alerts.filter(a => !a.resolved && a.severity !== 'info').length})),
			selected: this.selected,
			otherAlerts: parts.flatMap((p, i) => {
				const name = this.members[i]!.name;
				return i === this.selected ? [] : p.alerts.filter(a => !a.resolved).map(a => ({...qualified(name, a), message: `${name}: ${a.message}`}));
			}),
		};
		const shown = parts[this.selected]!;
		const snapshot: Snapshot = {...shown, alerts: shown.alerts.map(a => qualified(this.members[this.selected]!.name, a)), fleet};
		this.last = {parts, selected: this.selected, snapshot};
		return snapshot;
	};

	command = (command: HostCommand): void => {
		const count = this.members.length;
		const next = command === 'next' ? (this.selected + 1) % count : command === 'previous' ? (this.selected + count - 1) % count : command;
		if (next === this.selected || next < 0 || next >= count) return;
		this.selected = next;
		for (const listener of this.listeners) listener();
	};
}
