/**
 * The events stream survives a daemon restart: netwatch reconnects by itself, resynchronises,
 * and reports containers created after the restart. (This stops and starts the real dockerd.)
 */
import {afterAll, describe, expect, it} from 'vitest';
import {startDaemon, stopDaemon} from '../helpers/daemon.js';
import {useTestbed} from '../helpers/docker.js';
import {JsonStream} from '../helpers/netwatch.js';

const bed = useTestbed();

afterAll(async () => {
	await startDaemon();
});

describe('a daemon restart', () => {
	it('is followed by a reconnect, a resync, and the events of containers created after it', async () => {
		const stream = new JsonStream();
		try {
			const before = await bed.container('before', [], ['sleep', '300']);
			await stream.until('the first container', s => s.snapshots().some(r => r.containers.some(c => c.id === before.id && c.state === 'running')));

			await stopDaemon();
			await stream.until('Docker reported as reconnecting', s =>
				s.snapshots().some(r => r.docker.state === 'reconnecting' && r.docker.error !== null),
			);
			// the host keeps updating while Docker is away
			const away = stream.snapshots().length;
			await stream.until('host samples while Docker is down', s => s.snapshots().length >= away + 2);
			expect(stream.snapshots().at(-1)!.host.interfaces.some(i => i.name === 'lo')).toBe(true);

			await startDaemon();
			await stream.until('connected again', s => s.snapshots().at(-1)?.docker.state === 'connected', 30_000);
			// the daemon stopped the container with it; the resync says so
			await stream.until('the resynchronised state', s =>
				s.snapshots().at(-1)?.containers.some(c => c.id === before.id && c.state === 'exited'),
			);

			const after = await bed.container('after', [], ['sh', '-c', 'sleep 0.5; exit 7']);
			const die = await stream.until('die of the new container', s => s.events().find(e => e.id === after.id && e.action === 'die'));
			expect(die.attributes['exitCode']).toBe('7');
			expect(stream.events().filter(e => e.id === after.id).map(e => e.action)).toEqual(expect.arrayContaining(['create', 'start', 'die']));
			// each event once, even though the reconnect asked for everything since the last one seen
			const keys = stream.events().map(e => `${e.timeNano}|${e.action}|${e.id}|${JSON.stringify(e.attributes)}`);
			expect(new Set(keys).size).toBe(keys.length);
			expect(stream.stderr).toMatch(/netwatch: (nothing answers on|the connection to|no Docker socket)/);
		} finally {
			expect(await stream.stop()).toBe(0);
		}
	});
});
