import {describe, expect, it} from 'vitest';
import {SlicedQueue} from '../../src/util/sliced-queue.js';

/** One turn of the event loop: what setImmediate scheduled before it has run. */
const turn = () => new Promise(resolve => setImmediate(resolve));

describe('SlicedQueue', () => {
	it('handles items in order, in slices of its budget, each in a turn of the event loop of its own', async () => {
		const handled: number[] = [];
		// every item spends the whole budget: one item per slice
		const queue = new SlicedQueue<number>(n => {
			const until = performance.now() + 2;
			while (performance.now() < until);
			handled.push(n);
		}, 1);
		queue.push([1, 2, 3]);
		expect(handled).toEqual([]);
		await turn();
		expect(handled).toEqual([1]);
		// something else (a key) gets its turn between two slices
		const between: string[] = [];
		setImmediate(() => between.push(`after ${handled.length}`));
		await turn();
		await turn();
		expect(handled).toEqual([1, 2, 3]);
		expect(between).toEqual(['after 2']);
		expect(queue.length).toBe(0);
	});

	it('handles everything at once on flush, and nothing after clear', async () => {
		const handled: number[] = [];
		const queue = new SlicedQueue<number>(n => handled.push(n));
		queue.push([1, 2]);
		queue.flush();
		expect(handled).toEqual([1, 2]);
		queue.push([3]);
		queue.clear();
		await turn();
		expect(handled).toEqual([1, 2]);
	});
});
