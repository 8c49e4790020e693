/**
 * Work done in slices, so that a backlog never holds the event loop: items are handled in order,
 * at most `sliceMs` of them in one turn of the event loop, and the rest in the turns after (a
 * setImmediate runs after the turn's I/O). A flood of Docker events read in one go is so taken
 * in piecemeal, and a key pressed meanwhile is handled, and drawn, between two slices.
 */
export class SlicedQueue<T> {
	private items: T[] = [];
	private next = 0;
	private scheduled: NodeJS.Immediate | undefined;

	constructor(
		private readonly handle: (item: T) => void,
		private readonly sliceMs = 4,
	) {}

	/** Items waiting to be handled. */
	get length(): number {
		return this.items.length - this.next;
	}

	push(items: readonly T[]): void {
		if (items.length === 0) return;
		this.items.push(...items);
		this.scheduled ??= setImmediate(() => this.slice());
	}

	/** Handle everything now (the stream ended: what it brought comes before what follows). */
	flush(): void {
		this.cancel();
		this.run(Number.POSITIVE_INFINITY);
	}

	/** Drop what waits. */
	clear(): void {
		this.cancel();
		this.items = [];
		this.next = 0;
	}

	private cancel(): void {
		if (this.scheduled) clearImmediate(this.scheduled);
		this.scheduled = undefined;
	}

	private slice(): void {
		this.scheduled = undefined;
		this.run(this.sliceMs);
		if (this.length > 0) this.scheduled = setImmediate(() => this.slice());
	}

	private run(budgetMs: number): void {
		const started = performance.now();
		while (this.next < this.items.length) {
			const item = this.items[this.next++]!;
			this.handle(item);
			if (performance.now() - started >= budgetMs) break;
		}
		// the handled part is let go of once it is all handled
		if (this.next >= this.items.length) {
			this.items = [];
			this.next = 0;
		}
	}
}
