/**
 * The benchmark kit, stopped part-way (by `timeout`, or Ctrl-C), leaves none of its containers
 * behind. Its run id is given, so that the test knows the label value of the kit's containers.
 */
import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {constants} from 'node:os';
import {afterEach, describe, expect, it} from 'vitest';
import {docker, waitFor} from '../helpers/docker.js';

const KIT = new URL('../../bench/run.js', import.meta.url).pathname;
const runs: string[] = [];
const containersOf = async (run: string): Promise<string[]> =>
	(await docker('ps', '-aq', '--filter', `label=io.netwatch.bench=${run}`)).split('\n').filter(Boolean);

afterEach(async () => {
	for (const run of runs.splice(0)) {
		const ids = await containersOf(run);
		if (ids.length > 0) await docker('rm', '-f', ...ids);
	}
});

describe('bench kit', () => {
	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		it(`removes its containers on ${signal}`, async () => {
			const run = `t${randomBytes(3).toString('hex')}`;
			runs.push(run);
			const kit = spawn(process.execPath, [KIT, '--smoke'], {env: {...process.env, NETWATCH_BENCH_RUN: run}, stdio: ['ignore', 'ignore', 'pipe']});
			let stderr = '';
			kit.stderr.on('data', chunk => (stderr += chunk));
			const exited = new Promise<number | null>(resolve => kit.on('exit', code => resolve(code)));
			// stopped while it starts its containers: one is up, the next may be on its way
			await waitFor('the kit\'s first container', async () => (await containersOf(run)).length > 0, 30_000);
			kit.kill(signal);
			expect(await exited, stderr).toBe(128 + constants.signals[signal]);
			expect(await containersOf(run)).toEqual([]);
		});
	}
});
