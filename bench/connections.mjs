#!/usr/bin/env node
// The connection collector's cost, beside the listener collector's in the same run (the
// baseline), on 30 busybox containers holding 5,000 connections from the host between them
// (bench/connections-scene.py makes them: needs root and python3). Run after `npm run build`:
//   sudo node bench/connections.mjs [--containers 30] [--connections 5000] [--ticks 50]
import {execFileSync, spawn} from 'node:child_process';
import {performance} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import {ConnectionCollector, connectionNamespaces} from '../dist/collectors/connections.js';
import {SocketCollector} from '../dist/collectors/sockets.js';
import {deriveConnections} from '../dist/store/edges.js';
import {deriveSnapshot} from '../dist/store/snapshot.js';
import {initialState, reduce} from '../dist/store/state.js';

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

	const refs = [{key: 'host', pid: null}, ...pids.map((pid, i) => ({key: names[i], pid: Number(pid)}))];
	const sockets = new SocketCollector();
	const connections = new ConnectionCollector();
	const listeners = sockets.sample(refs, true) ?? [];
	// the same packet counts every tick: nothing moved, as far as the gate can tell
	const namespaces = connectionNamespaces(refs, [], {}, listeners).map(ns => ({...ns, packets: 1}));
	let now = Date.now();
	let first;
	const firstMs = cpuMs(() => (first = connections.sample(namespaces, now)));
	const seen = Object.values(first.read).reduce((n, list) => n + list.length, 0);

	const quiet = [];
	const listenersTick = [];
	const readsBefore = connections.tablesRead;
	for (let i = 0; i < TICKS; i++) {
		now += 1000;
		quiet.push(cpuMs(() => connections.sample(namespaces, now)));
		listenersTick.push(cpuMs(() => sockets.sample(refs)));
	}
	const quietReads = connections.tablesRead - readsBefore;

	// traffic in one namespace: it is read again, and only it
	const busy = [];
	for (let i = 0; i < TICKS; i++) {
		now += 2000;
		const moved = namespaces.map((ns, k) => (k === 1 + (i % N) ? {...ns, packets: 2 + i} : ns));
		busy.push(cpuMs(() => connections.sample(moved, now)));
	}
	// traffic in the host's namespace, which holds the 5,000 client ends
	const host = [];
	for (let i = 0; i < Math.max(3, Math.floor(TICKS / 5)); i++) {
		now += 3000;
		const moved = namespaces.map((ns, k) => (k === 0 ? {...ns, packets: 100 + i} : ns));
		host.push(cpuMs(() => connections.sample(moved, now)));
	}
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
	const heap = process.memoryUsage().heapUsed / 1e6;

	const rows = [
		['first reading, every namespace (CPU ms)', firstMs.toFixed(1), '', '', `${seen} connection ends read`],
		[`tick, nothing moved (CPU ms, median of ${TICKS})`, median(quiet).toFixed(2), median(listenersTick).toFixed(2), (median(quiet) / median(listenersTick)).toFixed(2), `${quietReads} tables read`],
		[`tick, packets moved in one namespace (CPU ms, median of ${TICKS})`, median(busy).toFixed(2), median(listenersTick).toFixed(2), (median(busy) / median(listenersTick)).toFixed(2), '≤ 10 ms is the target'],
		[`tick, packets moved in the host's namespace (CPU ms, median of ${host.length})`, median(host).toFixed(2), median(listenersTick).toFixed(2), (median(host) / median(listenersTick)).toFixed(2), `${CONNECTIONS} ends in its tables`],
		[`pairing every end into ${edges} edges (CPU ms, median of 5)`, pairing.toFixed(1), `a snapshot without connections: ${snapshotWithout.toFixed(1)}`, (pairing / snapshotWithout).toFixed(1), 'once per change of the connections'],
		['heap after the run (MB)', heap.toFixed(1), '', '', ''],
	];
	console.log(`${N} containers, ${CONNECTIONS} connections from the host (${CONNECTIONS * 2} ends); baseline: the listener collector's tick in the same run\n`);
	console.log('| figure | connections | listeners (baseline) | ratio | |\n|---|---|---|---|---|');
	for (const row of rows) console.log(`| ${row.join(' | ')} |`);
} finally {
	scene?.kill();
	const ids = docker('ps', '-aq', '--filter', `label=${LABEL}`).split('\n').filter(Boolean);
	if (ids.length > 0) docker('rm', '-f', ...ids);
}
