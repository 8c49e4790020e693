/**
 * What the sampler keeps open of a container's namespace, on a /proc tree made of captured files
 * (b1's, test/fixtures/README.md): an open file holds the namespace, so it is let go when the
 * container stops or its process changes. The process's own open files say what is open.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {Sampler} from '../../src/collectors/sampler.js';
import type {ContainerInfo} from '../../src/model.js';
import {fixture} from '../helpers/fixtures.js';
import {openUnder} from '../helpers/open-files.js';
import {containers} from '../helpers/snapshots.js';

let tree: string;

/** b1's namespace as process `pid` of the tree. */
function b1(pid: number): void {
	const net = join(tree, 'proc', String(pid), 'net');
	mkdirSync(net, {recursive: true});
	for (const file of ['tcp', 'tcp6', 'sockstat', 'sockstat6']) writeFileSync(join(net, file), fixture(`proc/b1-${file}.txt`));
	writeFileSync(join(net, 'dev'), fixture('proc/b1-net-dev.txt'));
	writeFileSync(join(net, 'snmp'), fixture('proc/ovf-snmp-before.txt'));
	writeFileSync(join(net, 'netstat'), fixture('proc/ovf-netstat-before.txt'));
	// the same pid is the container's only if its cgroup names it
	writeFileSync(join(tree, 'proc', String(pid), 'cgroup'), `0::/system.slice/docker-${containers['b1']!.id}.scope\n`);
}

beforeEach(() => {
	tree = mkdtempSync(join(tmpdir(), 'netwatch-sampler-'));
	mkdirSync(join(tree, 'proc', 'net'), {recursive: true});
	mkdirSync(join(tree, 'sys'));
	writeFileSync(join(tree, 'proc', 'net', 'dev'), fixture('proc/host-net-dev-wide.txt'));
});
afterEach(() => rmSync(tree, {recursive: true, force: true}));

describe('Sampler', () => {
	it("keeps a container's namespace files open while it runs, and lets go of them when it stops or its process changes", () => {
		b1(4242);
		b1(4343);
		let running: ContainerInfo[] = [{...containers['b1']!, pid: 4242}];
		const sampler = new Sampler({dispatch: () => undefined, containers: () => running, api: null, interval: 1, proc: join(tree, 'proc'), sys: join(tree, 'sys')});
		sampler.tick();
		const b1Files = ['dev', 'netstat', 'snmp', 'sockstat', 'sockstat6'];
		expect(openUnder(join(tree, 'proc')).filter(path => path.startsWith('4242/'))).toEqual(b1Files.map(f => `4242/net/${f}`));
		// another process in its place (a restart): the old one's files are let go, the new one's opened
		running = [{...containers['b1']!, pid: 4343}];
		sampler.tick();
		expect(openUnder(join(tree, 'proc')).filter(path => !path.startsWith('net/'))).toEqual(b1Files.map(f => `4343/net/${f}`));
		// stopped
		running = [];
		sampler.tick();
		expect(openUnder(join(tree, 'proc'))).toEqual(['net/dev']);
	});
});
