/**
 * netwatch under churn, races and floods, on the real engine: no event lost, no stale row,
 * no error output, bounded memory, and a tick that keeps its interval.
 */
import {readdirSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {docker, LABEL, sh, useTestbed, IMAGE, waitFor} from '../helpers/docker.js';
import {pool, startFlood} from '../helpers/engine.js';
import {JsonStream, rssKb} from '../helpers/netwatch.js';
import {DockerProxy} from '../helpers/proxy.js';
import {identity, Reference} from '../helpers/reference.js';

const bed = useTestbed();

describe('nothing is lost under churn', () => {
	it('creating, starting, stopping and removing 200 containers: the same events as docker events', async () => {
		const stream = new JsonStream();
		await stream.until('the first snapshot', s => s.snapshots().length > 0);
		await stream.moreSamples(2);
		const rssBefore = rssKb(stream.pid);
		const reference = await Reference.start(bed);
		let made = 0;
		try {
			while (made < 200) {
				const batch = Array.from({length: 4}, (_, i) => bed.name(`churn${made + i}`));
				made += batch.length;
				await pool(batch, 4, async name => {
					await docker('create', '--name', name, '--label', `${LABEL}=${bed.run}`, IMAGE, 'sleep', '60');
					await docker('start', name);
					await docker('stop', '-t', '0', name);
					await docker('rm', name);
				});
			}
			// both streams have shown everything once they show a marker placed after it
			const last = await reference.mark();
			await stream.sawEvent(last, 'create', 60_000);
		} finally {
			await reference.stop();
		}
		// the churn's containers, and every event about them: their own, and their network's
		const prefix = bed.name('churn');
		const parsed = reference.lines.map(line => ({line, event: JSON.parse(line) as {Action: string; Actor: {ID: string; Attributes: Record<string, string>}}}));
		const ids = new Set(parsed.filter(p => p.event.Action === 'create' && (p.event.Actor.Attributes['name'] ?? '').startsWith(prefix)).map(p => p.event.Actor.ID));
		const about = (id: string, attributes: Record<string, string>): boolean => ids.has(id) || ids.has(attributes['container'] ?? '');
		const theirs = parsed.filter(p => about(p.event.Actor.ID, p.event.Actor.Attributes)).map(p => identity(p.line)).sort();
		const ours = stream
			.events()
			.filter(e => about(e.id, e.attributes))
			.map(e => `${e.timeNano}|${e.kind}|${e.action}|${e.id}`)
			.sort();
		expect(ids.size).toBe(made);
		// create, connect, start, kill, die, disconnect, stop, destroy: several events per container
		expect(theirs.length).toBeGreaterThan(made * 5);
		expect(ours).toEqual(theirs);
		const rssAfter = rssKb(stream.pid);
		expect(rssAfter - rssBefore, `RSS ${rssBefore} kB before, ${rssAfter} kB after`).toBeLessThan(20 * 1024);
		expect(stream.stderr).toBe('');
		expect(await stream.stop()).toBe(0);
	}, 600_000);
});

describe('a dropped events stream', () => {
	it('reconnects from the last event seen: nothing lost, nothing twice, the events of the gap included', async () => {
		// the daemon keeps running; a proxy in front of it cuts netwatch's /events connection
		const proxy = new DockerProxy(`/tmp/netwatch-cut-${process.pid}.sock`);
		await proxy.listen();
		const stream = new JsonStream([], {DOCKER_HOST: proxy.url});
		try {
			await stream.until('connected through the proxy', s => s.snapshots().at(-1)?.docker.state === 'connected');
			const reference = await Reference.start(bed, `label=${LABEL}=${bed.run}`);
			let made = 0;
			const gaps: string[] = [];
			for (let cut = 0; cut < 3; cut++) {
				const batch = Array.from({length: 3}, () => bed.name(`cut${made++}`));
				const churn = pool(batch, 3, async name => {
					await docker('run', '-d', '--name', name, '--label', `${LABEL}=${bed.run}`, IMAGE, 'sleep', '60');
					await docker('rm', '-f', name);
				});
				// in the middle of it: once a container of the batch has started
				await waitFor('a container of the batch started', () => reference.lines.some(l => batch.some(name => l.includes(`"name":"${name}"`)) && /"Action":"start"/.test(l)), 60_000, 10);
				// the new /events request waits at the proxy while more containers come and go: the
				// events of that gap reach netwatch only through `since`
				const held = proxy.holdNext('/events');
				expect(proxy.cut('/events')).toBe(1);
				await held.arrived;
				const gap = Array.from({length: 2}, () => bed.name(`gap${made++}`));
				gaps.push(...gap);
				await pool(gap, 2, async name => {
					await docker('run', '-d', '--name', name, '--label', `${LABEL}=${bed.run}`, IMAGE, 'sleep', '60');
					await docker('rm', '-f', name);
				});
				await waitFor('the gap containers destroyed', () => gap.every(name => reference.lines.some(l => l.includes(`"name":"${name}"`) && /"Action":"destroy"/.test(l))), 60_000, 10);
				held.release();
				await churn;
			}
			const last = await reference.mark();
			await stream.sawEvent(last, 'create', 60_000);
			await reference.stop();
			const theirs = reference.lines.map(identity).filter(k => k.split('|')[1] === 'container');
			const ours = stream
				.events()
				.filter(e => e.kind === 'container' && e.attributes[LABEL] === bed.run)
				.map(e => `${e.timeNano}|${e.kind}|${e.action}|${e.id}`);
			// create, start, kill, die, destroy at least, for each container
			expect(theirs.length).toBeGreaterThanOrEqual(made * 5);
			expect(ours.sort()).toEqual(theirs.sort());
			// the gaps: the new request was held while their containers came and went (the reference
			// saw each destroyed before the release), and every one of them is there, its destroy included
			const destroyed = new Set(stream.events().filter(e => e.action === 'destroy').map(e => e.container?.name));
			expect(gaps.filter(name => !destroyed.has(name))).toEqual([]);
			// three reconnects, each from where the last stream ended
			const subscriptions = proxy.requests.filter(r => r.path.startsWith('/events'));
			expect(subscriptions).toHaveLength(4);
			expect(subscriptions.slice(1).every(r => /[?&]since=\d+\.\d+/.test(r.path))).toBe(true);
			expect(await stream.stop()).toBe(0);
		} finally {
			await stream.stop();
			await proxy.close();
		}
	}, 180_000);
});

describe('races are normal', () => {
	it('containers that come and go between list, inspect and /proc reads: no error output, no stale row', async () => {
		const stream = new JsonStream();
		await stream.until('the first snapshot', s => s.snapshots().length > 0);
		const names = Array.from({length: 60}, (_, i) => bed.name(`race${i}`));
		// short-lived containers, in their own namespaces, with their own veths
		await pool(names, 6, name => docker('run', '--rm', '--name', name, '--label', `${LABEL}=${bed.run}`, IMAGE, 'sh', '-c', 'sleep 0.$((RANDOM % 9))'));
		const settled = stream.snapshots().length;
		await stream.until('two more samples', s => s.snapshots().length >= settled + 3);
		const last = stream.snapshots().at(-1)!;
		const existing = new Set((await docker('ps', '-aq', '--no-trunc')).split('\n').filter(Boolean));
		expect(last.containers.filter(c => !existing.has(c.id)).map(c => c.name)).toEqual([]);
		const links = new Set(readdirSync('/sys/class/net'));
		expect(last.host.interfaces.filter(i => !links.has(i.name)).map(i => i.name)).toEqual([]);
		expect(stream.stderr).toBe('');
		expect(await stream.stop()).toBe(0);
	}, 180_000);
});

describe('bounded on large input', () => {
	it('a 1 MB log line in a crashing container: the alert still comes, memory stays bounded', async () => {
		const stream = new JsonStream();
		await stream.until('the first snapshot', s => s.snapshots().length > 0);
		await stream.moreSamples(2);
		const before = rssKb(stream.pid);
		const c = await bed.container('huge', ['--net=host'], [
			'sh',
			'-c',
			'head -c 1048576 /dev/zero | tr "\\0" x; echo; for i in 1 2 3; do head -c 1048576 /dev/zero | tr "\\0" y; echo; done; echo "nc: bind: Address already in use"; exit 1',
		]);
		const alert = await stream.until('the alert', s => s.alerts().find(a => a.containerId === c.id), 20_000);
		expect(alert.evidence).toBe('nc: bind: Address already in use');
		expect(alert.port).toBeNull();
		expect(rssKb(stream.pid) - before).toBeLessThan(30 * 1024);
		expect(await stream.stop()).toBe(0);
	});

	it('500 more interfaces: every one is listed, a sample still comes every second, memory stays bounded', async () => {
		const stream = new JsonStream();
		await stream.until('the first snapshot', s => s.snapshots().length > 0);
		await stream.moreSamples(2);
		const before = rssKb(stream.pid);
		const pairs = Array.from({length: 250}, (_, i) => `nw${bed.run.slice(0, 4)}${i}`);
		try {
			await pool(pairs, 4, name => sh('ip', ['link', 'add', `${name}a`, 'type', 'veth', 'peer', 'name', `${name}b`]));
			const last = await stream.until('all 500 listed', s => {
				const snapshot = s.snapshots().at(-1);
				return snapshot && snapshot.host.interfaces.filter(i => i.name.startsWith(`nw${bed.run.slice(0, 4)}`)).length === 500 ? snapshot : undefined;
			});
			expect(last.host.interfaces.length).toBeGreaterThanOrEqual(500);
			// ten more samples: each a second after the one before (the tick keeps its interval)
			const from = stream.snapshots().length;
			await stream.until('ten more samples', s => s.snapshots().length >= from + 10, 20_000);
			const times = stream.snapshots().slice(from).map(r => Date.parse(r.time));
			const gaps = times.slice(1).map((t, i) => t - times[i]!);
			expect(Math.max(...gaps)).toBeLessThan(1_500);
			expect(rssKb(stream.pid) - before).toBeLessThan(30 * 1024);
		} finally {
			await pool(pairs, 4, name => sh('ip', ['link', 'del', `${name}a`]).catch(() => undefined));
		}
		expect(stream.stderr).toBe('');
		expect(await stream.stop()).toBe(0);
	});

	it('a burst of 10,000 events: every one reported, memory bounded', async () => {
		const targets = await Promise.all(Array.from({length: 20}, (_, i) => bed.container(`burst${i}`, [], ['sleep', '300'])));
		const ids = new Set(targets.map(t => t.id));
		const stream = new JsonStream();
		await stream.until('the containers', s => s.snapshots().at(-1)?.containers.filter(c => ids.has(c.id)).length === 20);
		await stream.moreSamples(2);
		const before = rssKb(stream.pid);
		const reference = await Reference.start(bed, `label=${LABEL}=${bed.run}`, 'event=rename', 'event=create');
		const burst = (lines: readonly string[]): string[] => lines.map(identity).filter(k => ids.has(k.split('|')[3]!) && /\|rename\|/.test(k));
		// rename them back and forth, as fast as the daemon takes it, until docker events has
		// reported 10,000 renames (under this load the daemon refuses some calls: those make no event)
		const started = performance.now();
		const flood = startFlood([...ids]);
		try {
			// its lines are the first marker's create, then the burst's renames
			await waitFor('docker events to report 10,000', () => reference.lines.length > 10_000, 900_000, 50);
		} finally {
			await flood.stop();
		}
		// what Docker took to make and report the burst: netwatch gets as long to report it all
		const dockerMs = performance.now() - started;
		const last = await reference.mark();
		const caughtUp = performance.now();
		await stream.sawEvent(last, 'create', Math.max(10_000, dockerMs));
		await reference.stop();
		const theirs = burst(reference.lines);
		expect(theirs.length).toBeGreaterThanOrEqual(10_000);
		// the same events, each once
		const mine = stream.events().filter(e => ids.has(e.id) && e.action === 'rename');
		expect(mine.map(e => `${e.timeNano}|${e.kind}|${e.action}|${e.id}`).sort()).toEqual(theirs.sort());
		expect(rssKb(stream.pid) - before, `Docker took ${Math.round(dockerMs)} ms, netwatch ${Math.round(performance.now() - caughtUp)} ms more`).toBeLessThan(40 * 1024);
		expect(stream.stderr).toBe('');
		expect(await stream.stop()).toBe(0);
	}, 1_800_000);
});
