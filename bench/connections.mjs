#!/usr/bin/env node
// The connection collector's cost, beside the listener collector's in the same run (the
// baseline), on 30 busybox containers holding 5,000 connections from the host between them
// (bench/connections-scene.py makes them: needs root and python3). Run after `npm run build`:
//   sudo node bench/connections.mjs [--containers 30] [--connections 5000] [--ticks 50]
// It runs itself again with the flags bin/netwatch.js gives Node, and with gc exposed.
import {execFileSync, spawn, spawnSync} from 'node:child_process';
import {performance} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import {ConnectionCollector, connectionNamespaces} from '../dist/collectors/connections.js';
import {netFiles, readProcFile} from '../dist/collectors/procfs.js';
import {SocketCollector} from '../dist/collectors/sockets.js';
import {deriveConnections} from '../dist/store/edges.js';
import {deriveSnapshot} from '../dist/store/snapshot.js';
import {initialState, reduce} from '../dist/store/state.js';

const FLAGS = ['--max-semi-space-size=2', '--no-opt', '--expose-gc'];
if (!process.execArgv.includes('--no-opt')) process.exit(spawnSync(process.execPath, [...FLAGS, ...process.argv.slice(1)], {stdio: 'inherit'}).status ?? 1);

const {values} = parseArgs({options: {containers: {type: 'string', default: '30'}, connections: {type: 'string', default: '5000'}, ticks: {type: 'string', default: '50'}}});
const N = Number(values.containers);
const CONNECTIONS = Number(values.connections);
const TICKS = Number(values.ticks);
const LABEL = 'io.netwatch.bench=connections';
const PORT = 8460;
const docker = (...args) => execFileSync('docker', args, {encoding: 'utf8'}).trim();

const cpuMs = f => {
	const start = process.cpuUsage();
	f();
	const used = process.cpuUsage(start);
	return (used.user + used.system) / 1000;
};
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const names = Array.from({length: N}, (_, i) => `nwb-conn-${process.pid}-${i}`);
let scene;
try {
	for (const name of names) docker('run', '-d', '--label', LABEL, '--name', name, 'netwatch/busybox:latest', 'sleep', '600');
	const pids = names.map(n => docker('inspect', '-f', '{{.State.Pid}}', n));
	const ips = names.map(n => docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', n));
	scene = spawn('python3', [new URL('./connections-scene.py', import.meta.url).pathname, String(PORT), String(CONNECTIONS), ...pids], {stdio: ['pipe', 'pipe', 'inherit']});
	scene.stdin.write(`${ips.join(' ')}\n`);
	await new Promise((resolve, reject) => {
		scene.stdout.on('data', d => String(d).includes('ready') && resolve());
		scene.on('exit', code => reject(new Error(`scene exited ${code}`)));
	});

	const refs = [{key: 'host', pid: null, files: netFiles('/proc', null)}, ...pids.map((pid, i) => ({key: names[i], pid: Number(pid), files: netFiles('/proc', Number(pid))}))];
	const sockets = new SocketCollector();
	const connections = new ConnectionCollector();
	const listeners = sockets.sample(refs, true) ?? [];
	// the same packet counts every tick: nothing moved, as far as the gate can tell
	const namespaces = connectionNamespaces(refs, [], {}, listeners).map(ns => ({...ns, packets: 1}));
	let now = Date.now();
	let first;
	const firstMs = cpuMs(() => (first = connections.sample(namespaces, now)));
	const seen = Object.values(first.read).reduce((n, list) => n + list.length, 0);

	const heapAfterGc = () => {
		globalThis.gc();
		return process.memoryUsage().heapUsed / 1e6;
	};
	const quiet = [];
	const listenersTick = [];
	const readsBefore = connections.tablesRead;
	for (let i = 0; i < TICKS; i++) {
		now += 1000;
		quiet.push(cpuMs(() => connections.sample(namespaces, now)));
		listenersTick.push(cpuMs(() => sockets.sample(refs)));
	}
	const quietReads = connections.tablesRead - readsBefore;

	// traffic everywhere, a tick a second, as on a busy host: each tick reads what is due, most
	// overdue first, within its budget; a large table piece by piece over several ticks
	const busy = [];
	let finishing = 0;
	// the heap after a GC, a third of the way and at the end: bounded if it does not grow
	const heap = [];
	for (let i = 0; i < TICKS * 3; i++) {
		if (i === TICKS) heap.push(heapAfterGc());
		now += 1000;
		const moved = namespaces.map(ns => ({...ns, packets: 2 + i}));
		const before = connections.tablesRead;
		busy.push(cpuMs(() => connections.sample(moved, now)));
		if (connections.tablesRead > before) finishing += 1;
	}
	heap.push(heapAfterGc());
	const sorted = [...busy].sort((a, b) => a - b);
	// the floor: the kernel's part, a tcp table read whole and alone (it walks its whole connection hash)
	const floor = path => median(Array.from({length: 20}, () => cpuMs(() => readProcFile(path))));
	const containerFloor = floor(`/proc/${pids[0]}/net/tcp`);
	const hostFloor = floor('/proc/net/tcp');

	// pairing every end (what a snapshot does once per change), against a snapshot without connections
	const containers = JSON.parse(docker('inspect', ...names)).map((c, i) => ({
		id: names[i], name: names[i], image: '', state: 'running', exitCode: 0, oomKilled: false, error: '', restartCount: 0, startedAt: null, finishedAt: null,
		pid: c.State.Pid, rawNetworkMode: 'bridge', networks: [{name: 'bridge', id: '', ipAddress: c.NetworkSettings.IPAddress, prefixLen: 16, macAddress: ''}],
		ports: [], exposedPorts: [], command: [], tty: false, labels: {},
	}));
	const state = [{type: 'containers', containers}, {type: 'sockets', sockets: listeners}, first].reduce(reduce, initialState(''));
	const five = f => median(Array.from({length: 5}, () => cpuMs(f)));
	let edges = 0;
	const pairing = five(() => (edges = deriveConnections({...state, hostAddresses: new Set()}).edges.length));
	const snapshotWithout = five(() => deriveSnapshot({...state, connections: new Map()}, 1));

	const rows = [
		['first reading, every namespace (CPU ms)', firstMs.toFixed(1), '', '', `${seen} connection ends read`],
		[`tick, nothing moved (CPU ms, median of ${TICKS})`, median(quiet).toFixed(2), median(listenersTick).toFixed(2), (median(quiet) / median(listenersTick)).toFixed(2), `${quietReads} tables read`],
		[`tick, packets moving in every namespace (CPU ms, median / p95 / max of ${busy.length})`, `${median(busy).toFixed(2)} / ${sorted[Math.floor(busy.length * 0.95)].toFixed(2)} / ${sorted.at(-1).toFixed(2)}`, median(listenersTick).toFixed(2), (median(busy) / median(listenersTick)).toFixed(2), `≤ 10 ms is the target; ${finishing} ticks finished a table`],
		['one tcp table read whole, alone (CPU ms, median of 20)', `container: ${containerFloor.toFixed(2)}, host: ${hostFloor.toFixed(2)}`, '', '', `the host's holds ${CONNECTIONS} ends: read in pieces`],
		[`pairing every end into ${edges} edges (CPU ms, median of 5)`, pairing.toFixed(1), `a snapshot without connections: ${snapshotWithout.toFixed(1)}`, (pairing / snapshotWithout).toFixed(1), 'once per change of the connections'],
		[`heap after a GC, after ${TICKS} and ${TICKS * 3} of those ticks (MB)`, heap.map(mb => mb.toFixed(1)).join(' / '), '', '', 'bounded if it does not grow'],
	];
	console.log(`${N} containers, ${CONNECTIONS} connections from the host (${CONNECTIONS * 2} ends); baseline: the listener collector's tick in the same run\n`);
	console.log('| figure | connections | listeners (baseline) | ratio | |\n|---|---|---|---|---|');
	for (const row of rows) console.log(`| ${row.join(' | ')} |`);
} finally {
	scene?.kill();
	const ids = docker('ps', '-aq', '--filter', `label=${LABEL}`).split('\n').filter(Boolean);
	if (ids.length > 0) docker('rm', '-f', ...ids);
}
