/**
 * Raw Docker Engine API calls for tests that must change Docker's state fast (thousands of
 * pause/unpause calls): the docker CLI costs a process per call. netwatch never does this.
 */
import {spawn} from 'node:child_process';
import {request} from 'node:http';
import {fileURLToPath} from 'node:url';

export function engine(method: 'GET' | 'POST' | 'DELETE', path: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = request({socketPath: '/var/run/docker.sock', method, path}, res => {
			res.resume();
			res.on('end', () => resolve(res.statusCode ?? 0));
		});
		req.on('error', reject);
		req.end();
	});
}

/** Run `task` over `items`, at most `concurrency` at a time. */
export async function pool<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<unknown>): Promise<void> {
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < items.length) await task(items[next++]!);
	};
	await Promise.all(Array.from({length: concurrency}, worker));
}

/** A flood of rename events on these containers, from a process of its own (bench/flood.mjs). */
export function startFlood(ids: readonly string[]): {stop: () => Promise<void>} {
	const child = spawn(process.execPath, [fileURLToPath(new URL('../../bench/flood.mjs', import.meta.url)), ...ids], {stdio: 'ignore'});
	const exited = new Promise<void>(resolve => child.on('exit', () => resolve()));
	return {
		stop: async () => {
			child.kill();
			await exited;
		},
	};
}
