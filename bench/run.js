#!/usr/bin/env node
// netwatch's benchmark kit: every figure measured in the same run as its baseline, and reported
// as a ratio. Needs root, a Docker engine, the demo image and the dev dependencies (node-pty).
// Options: see USAGE below, or `npm run bench -- --help`.
import {execFile, execFileSync, spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {constants, cpus, loadavg, totalmem} from 'node:os';
import {parseArgs, promisify} from 'node:util';
import xterm from '@xterm/headless';
import * as pty from 'node-pty';

const USAGE = `usage: npm run bench -- [--containers N] [--seconds S] [--runs R] [--out FILE] [--smoke]

  --containers N  busybox containers that make traffic (default 30)
  --seconds S     how long each tool runs (default 20)
  --runs R        runs of each tool; the figures are medians (default 5)
  --out FILE      where the Markdown table goes (default bench/RESULTS.md)
  --smoke         the CI check: 3 containers, 8 s, 1 run, figures to stdout only
  --frame-only    only the frame's cost (no Docker, no containers): its figures to stdout
  --keys-only     only key-to-screen during a flood of events, beside cat's: its figures to stdout
  --side-only     only netwatch and docker stats side by side (N containers, R runs): the first table to stdout
  --scale N       only the scale case (not for CI): N sleeping containers (1000, say) against 30 in the
                  same run: the collectors' tick, a frame, netwatch's CPU while idle, its peak RSS

Environment: NETWATCH_BENCH_RUN names the run (its containers' label value and names; random by
default), NETWATCH_BENCH_PORT the first host port of the alert-latency runs (default 18300).
SIGINT and SIGTERM stop the kit and remove its containers.`;

function options() {
	try {
		return parseArgs({
			options: {
				containers: {type: 'string', default: '30'},
				seconds: {type: 'string', default: '20'},
				runs: {type: 'string', default: '5'},
				out: {type: 'string', default: new URL('./RESULTS.md', import.meta.url).pathname},
				smoke: {type: 'boolean', default: false},
				'frame-only': {type: 'boolean', default: false},
				'keys-only': {type: 'boolean', default: false},
				'side-only': {type: 'boolean', default: false},
				scale: {type: 'string'},
				help: {type: 'boolean', short: 'h', default: false},
			},
		}).values;
	} catch (error) {
		console.error(`bench: ${error.message}\n${USAGE}`);
		process.exit(2);
	}
}

const values = options();
if (values.help) {
	console.log(USAGE);
	process.exit(0);
}
for (const name of ['containers', 'seconds', 'runs', 'scale']) {
	if (values[name] !== undefined && !/^[1-9]\d*$/.test(values[name])) {
		console.error(`bench: --${name} takes a positive whole number, not "${values[name]}"`);
		process.exit(2);
	}
}
const smoke = values.smoke;
const N = smoke ? 3 : Number(values.containers);
const SECONDS = smoke ? 8 : Number(values.seconds);
const RUNS = smoke ? 1 : Number(values.runs);
const BIG = smoke ? 10 : 200;
const LATENCY_RUNS = smoke ? 2 : 10;
const KEY_PRESSES = smoke ? 5 : 40;
const COLS = 160;
const ROWS = 48;
const IMAGE = process.env.NETWATCH_TEST_IMAGE ?? 'netwatch/busybox:latest';
const LABEL = 'io.netwatch.bench';
/** This run of the kit: its containers carry it (label value, names), so that two kits on one engine keep apart. */
const RUN = process.env.NETWATCH_BENCH_RUN ?? randomBytes(3).toString('hex');
const NAME = `bench-${RUN}`;
/** The host-network ports of the alert-latency runs: PORT, PORT + 1, … */
const PORT = Number(process.env.NETWATCH_BENCH_PORT ?? 18_300);
const BIN = new URL('../bin/netwatch.js', import.meta.url).pathname;
const {Terminal} = xterm;
/** Clock ticks per second, the unit of /proc/<pid>/stat's CPU times. */
const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

const log = (...args) => console.error('bench:', ...args);
const docker = (...args) => execFileSync('docker', args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim();
const sleep = ms => new Promise(r => setTimeout(r, ms));
const median = xs => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs, p) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

// ---- /proc: CPU seconds and peak memory of processes, children included ----

function stat(pid) {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
		// utime stime cutime cstime are fields 14-17 (1-based), 12-15 here after pid and comm
		const children = (Number(f[13]) + Number(f[14])) / TICK;
		return {cpu: (Number(f[11]) + Number(f[12])) / TICK + children, children, comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'))};
	} catch {
		return null;
	}
}

function peakRssMb(pid) {
	try {
		const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) / 1024 : NaN;
	} catch {
		return NaN;
	}
}

/** CPU seconds used so far by dockerd, containerd and every containerd shim. */
function daemonCpu() {
	let total = 0;
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		const s = stat(name);
		if (s && /^(dockerd|containerd|containerd-shim.*|docker-proxy)$/.test(s.comm)) total += s.cpu;
	}
	return total;
}

// ---- containers that make traffic ----

const run = promisify(execFile);
/** The `docker run` under way, if any: an interrupted kit waits for it before it removes. */
let starting = Promise.resolve();

/** `count` containers named NAME-prefix-0, …; `parallel` at a time, and none once the kit is interrupted. */
async function startContainers(count, prefix, command, parallel = 1) {
	const ids = [];
	for (let i = 0; i < count && !interrupted; i += parallel) {
		const batch = Array.from({length: Math.min(parallel, count - i)}, (_, k) => run('docker', ['run', '-d', '--name', `${NAME}${prefix}-${i + k}`, '--label', `${LABEL}=${RUN}`, IMAGE, 'sh', '-c', command]));
		starting = Promise.all(batch);
		ids.push(...(await starting).map(r => r.stdout.trim()));
	}
	return ids;
}

function removeContainers(filter = `label=${LABEL}=${RUN}`) {
	const ids = docker('ps', '-aq', '--filter', filter).split('\n').filter(Boolean);
	for (let i = 0; i < ids.length; i += 50) docker('rm', '-f', ...ids.slice(i, i + 50));
}

// ---- stopped by a signal: leave nothing behind ----

/** How to stop each process the kit started that is still running. */
const stoppers = new Set();
/** Run `stop` if the kit is interrupted while `child` runs. */
function track(child, stop) {
	stoppers.add(stop);
	const untrack = () => stoppers.delete(stop);
	if (typeof child.onExit === 'function') child.onExit(untrack);
	else child.on('exit', untrack);
}

let interrupted = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, async () => {
		if (interrupted) return;
		interrupted = signal;
		log(`${signal}: stopping, and removing the containers of run ${RUN}`);
		await starting.catch(() => {});
		await Promise.allSettled([...stoppers].map(stop => stop()));
		removeContainers();
		process.exit(128 + constants.signals[signal]);
	});
}

const TRAFFIC = 'httpd -p 80 -h /www; while true; do wget -q -O /dev/null http://127.0.0.1/; sleep 0.2; done';

// ---- one tool in a pseudo-terminal ----

/** After this long a tool has started, whatever its first frame: its CPU from here on is its steady cost. */
const SETTLED_S = Math.min(5, SECONDS / 2);

/**
 * Run a command in a 160x48 pseudo-terminal for `seconds`, then stop it. Returns its own CPU
 * seconds (children included), the daemon's CPU over the window, its peak RSS, the bytes it
 * wrote to the terminal, when the terminal first showed `ready`, and the tool's own CPU
 * seconds by then and by SETTLED_S.
 */
async function runInPty(file, args, seconds, {ready, stop}) {
	const env = {...process.env, TERM: 'xterm-256color', COLORTERM: 'truecolor'};
	delete env.CI;
	const daemonBefore = daemonCpu();
	const started = performance.now();
	const child = pty.spawn(file, args, {cols: COLS, rows: ROWS, env});
	track(child, () => child.kill('SIGKILL'));
	let bytes = 0;
	let readyAt = null;
	let ownAtReady = Infinity;
	// what the terminal shows, until it is ready: a frame rewrites only the characters that
	// changed ("0 running" becomes "3 running" by one "3"), so the bytes alone cannot tell
	let screen = new Terminal({cols: COLS, rows: ROWS, allowProposedApi: true});
	child.onData(data => {
		bytes += Buffer.byteLength(data);
		if (screen === null) return;
		const arrived = performance.now() - started;
		screen.write(data, () => {
			if (screen === null || !ready(screenText(screen))) return;
			readyAt = arrived;
			ownAtReady = stat(child.pid)?.cpu ?? NaN;
			screen.dispose();
			screen = null;
		});
	});
	const exited = new Promise(resolve => child.onExit(resolve));
	await sleep(SETTLED_S * 1000);
	const ownSettled = stat(child.pid)?.cpu ?? NaN;
	await sleep((seconds - SETTLED_S) * 1000);
	const own = stat(child.pid)?.cpu ?? NaN;
	const rss = peakRssMb(child.pid);
	const daemonAfter = daemonCpu();
	if (screen !== null) log(`${file}: no complete frame in ${seconds} s; the screen at the end:\n${screenText(screen)}`);
	stop(child);
	await Promise.race([exited, sleep(3000)]);
	child.kill('SIGKILL');
	screen?.dispose();
	return {own, daemon: daemonAfter - daemonBefore, rss, bytes, readyAt, ownAtReady, ownSettled};
}

function screenText(terminal) {
	const buffer = terminal.buffer.active;
	const lines = [];
	for (let i = 0; i < ROWS; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
	return lines.join('\n');
}

/**
 * The floor under any Node.js program: the CPU seconds of `node -e 0`, which starts the runtime
 * and exits. Median of 5.
 */
function nodeFloor() {
	const runs = [];
	for (let i = 0; i < 5; i++) {
		const before = stat('self').children;
		execFileSync(process.execPath, ['-e', '0']);
		runs.push(stat('self').children - before);
	}
	return median(runs);
}

async function idleDaemonCpu(seconds) {
	const before = daemonCpu();
	await sleep(seconds * 1000);
	return daemonCpu() - before;
}

// ---- figures ----

/** The names of the traffic containers, as either tool shows them. */
const BENCH_NAME = new RegExp(`${NAME}-\\d+`);
/** How many of them a complete first frame shows: what netwatch's container pane holds at 160x48. */
const SHOWN = 10;

/**
 * The same completeness test for both tools: at least min(N, SHOWN) traffic containers are on
 * screen, each on a line that carries a figure measured for it (`figure`), not a placeholder.
 */
function complete(figure) {
	return screen => {
		const names = new Set();
		for (const line of screen.split('\n')) {
			const name = BENCH_NAME.exec(line)?.[0];
			if (name && figure.test(line)) names.add(name);
		}
		return names.size >= Math.min(N, SHOWN);
	};
}

const TOOLS = {
	netwatch: {
		// as users run it: the executable, with the Node options its first line gives
		file: BIN,
		args: [],
		// a rate: shown from the second sample on (the first has none)
		ready: complete(/\d (?:[KMGT]?B|[KMGT]?b)\/s/),
		stop: child => child.write('q'),
	},
	'docker stats': {
		file: 'docker',
		args: ['stats'],
		// NET I/O, where it shows `--` until the container's first stats arrive
		ready: complete(/\d[kMGT]?B \/ \d/),
		stop: child => child.kill('SIGINT'),
	},
};

/**
 * Each run: an idle window and each tool's window, in an order that rotates from run to run
 * (so that neither tool always follows the other, or the idle window). The daemon's CPU added by
 * a tool is paired with the idle window of the same run: one signed difference per run.
 */
async function toolsSideBySide() {
	const windows = ['idle', ...Object.keys(TOOLS)];
	const results = Object.fromEntries(windows.map(name => [name, []]));
	for (let run = 0; run < RUNS; run++) {
		const order = windows.map((_, i) => windows[(i + run) % windows.length]);
		for (const name of order) {
			log(`run ${run + 1}/${RUNS}: ${name} for ${SECONDS} s`);
			results[name].push(name === 'idle' ? {daemon: await idleDaemonCpu(SECONDS)} : await runInPty(TOOLS[name].file, TOOLS[name].args, SECONDS, TOOLS[name]));
			await sleep(1000);
		}
	}
	const summary = name => {
		const r = results[name];
		const added = r.map((x, run) => x.daemon - results.idle[run].daemon);
		return {
			own: median(r.map(x => x.own)),
			daemon: median(added),
			daemonAdded: added,
			rss: median(r.map(x => x.rss)),
			bytes: median(r.map(x => x.bytes)),
			// a run that never showed a complete frame counts as never, not as a run left out
			firstFrame: median(r.map(x => x.readyAt ?? Infinity)) / 1000,
			// runs that never showed a complete frame
			incomplete: r.filter(x => x.readyAt === null).length,
			// own CPU split: to the first complete frame; per second once settled
			startCpu: median(r.map(x => x.ownAtReady)),
			steadyMsPerS: median(r.map(x => ((x.own - x.ownSettled) / (SECONDS - SETTLED_S)) * 1000)),
		};
	};
	return {netwatch: summary('netwatch'), dockerStats: summary('docker stats'), perRun: Object.fromEntries(windows.map(name => [name, results[name].map(x => x.daemon)]))};
}

/** The collectors' CPU per tick, and (unless not wanted) systeminformation's networkStats() for the same host. */
function collectorCost({baseline = true} = {}) {
	return runNode(collectorScript(baseline));
}

function collectorScript(withBaseline) {
	const url = path => JSON.stringify(new URL(path, import.meta.url).href);
	return `
		import {readFileSync, existsSync} from 'node:fs';
		import si from 'systeminformation';
		import {createDockerApi} from ${url('../dist/docker/api.js')};
		import {resolveEndpoint} from ${url('../dist/docker/endpoint.js')};
		import {DockerCollector} from ${url('../dist/collectors/docker/collector.js')};
		import {Sampler} from ${url('../dist/collectors/sampler.js')};
		import {Store} from ${url('../dist/store/store.js')};
		const children = () => {
			const text = readFileSync('/proc/self/stat', 'utf8');
			const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
			return (Number(f[13]) + Number(f[14])) / ${TICK};
		};
		// the store keeps the containers; the sampler's own dispatches are dropped, so a tick costs only its reads
		const store = new Store({endpoint: ''});
		const docker = new DockerCollector({api: createDockerApi(resolveEndpoint(undefined, process.env, existsSync)), dispatch: action => store.dispatch(action), local: true});
		docker.start();
		await docker.ready;
		const sampler = new Sampler({dispatch: () => {}, containers: () => store.getState().containers.values(), api: docker.api, interval: 1});
		// warm up: every namespace seen and its tables read once, as in a session that runs
		for (let i = 0; i < ${smoke ? 3 : 20}; i++) {
			sampler.tick();
			await new Promise(r => setTimeout(r, 1000));
		}
		const ticks = [];
		for (let i = 0; i < ${smoke ? 3 : 20}; i++) {
			await new Promise(r => setTimeout(r, 1000));
			const before = process.cpuUsage();
			sampler.tick();
			const used = process.cpuUsage(before);
			ticks.push((used.user + used.system) / 1000);
		}
		const baseline = [];
		if (${withBaseline}) await si.networkStats('*');
		for (let i = 0; i < (${withBaseline} ? 3 : 0); i++) {
			await new Promise(r => setTimeout(r, 600));
			const before = process.cpuUsage();
			const kids = children();
			await si.networkStats('*');
			const used = process.cpuUsage(before);
			baseline.push((used.user + used.system) / 1000 + (children() - kids) * 1000);
		}
		docker.stop();
		store.close();
		console.log(JSON.stringify({ticks, baseline, containers: store.getState().containers.size}));
		process.exit(0);
	`;
}

function runNode(source) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, ['--input-type=module', '-e', source], {cwd: new URL('..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'inherit']});
		track(child, () => child.kill('SIGKILL'));
		let out = '';
		child.stdout.on('data', c => (out += c));
		child.on('close', code => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`node exited ${code}`))));
	});
}

/**
 * One frame of the live dashboard with `count` containers in the store, against 30: from the
 * store publishing a sample to Ink having the frame ready (React render, layout and output).
 * And the same `count` in count / 10 Compose services (grouped, each with a health check),
 * against the flat list of the same run.
 */
function renderCost(count) {
	const url = path => JSON.stringify(new URL(path, import.meta.url).href);
	return runNode(`
		process.env.NODE_ENV = 'production';
		const React = (await import('react')).default;
		const {render} = await import('ink');
		const {EventEmitter} = await import('node:events');
		const {Store} = await import(${url('../dist/store/store.js')});
		const {App} = await import(${url('../dist/views/App.js')});
		const rows = (n, t) => Array.from({length: n}, (_, i) => ({name: 'veth' + i.toString(16).padStart(7, '0'), rxBytes: i * 1000 * t, rxPackets: i * t, rxErrors: 0, rxDropped: 0, txBytes: i * 2000 * t, txPackets: i * t, txErrors: 0, txDropped: 0}));
		class Out extends EventEmitter { columns = ${COLS}; rows = ${ROWS}; isTTY = true; write() { return true; } }
		class In extends EventEmitter { isTTY = false; setEncoding() {} setRawMode() {} ref() {} unref() {} read() { return null; } }
		const compose = (i, services) => services === 0 ? {compose: null, health: null} : {
			compose: {project: 'bench' + (i % 5), service: 'svc' + (i % services), number: Math.floor(i / services) + 1, oneoff: false, configHash: 'h'},
			health: {status: i % 7 === 0 ? 'unhealthy' : 'healthy', failingStreak: 0, lastOutput: 'ok', lastExitCode: 0, lastCheckAt: null},
		};
		async function time(n, services = 0) {
			const store = new Store({endpoint: 'unix:///var/run/docker.sock', coalesceMs: 0});
			const containers = Array.from({length: n}, (_, i) => ({
				id: i.toString(16).padStart(64, '0'), name: 'bench-' + i, image: 'netwatch/busybox:latest', state: 'running', exitCode: null,
				oomKilled: false, error: '', restartCount: 0, startedAt: null, finishedAt: null, pid: 1000 + i, rawNetworkMode: 'default',
				networks: [], ports: [], exposedPorts: [], command: ['httpd'], tty: false, labels: {}, ...compose(i, services),
			}));
			store.dispatch({type: 'host', hostname: 'bench', os: null, interval: 1});
			store.dispatch({type: 'containers', containers});
			const tick = t => store.dispatch({type: 'tick', at: Date.now(), mono: t * 1000, host: rows(n + 4, t + 1),
				namespaces: Object.fromEntries(containers.map((c, i) => [c.id, rows(2, t + 1 + i)]))});
			tick(0);
			let framed = null;
			const instance = render(React.createElement(App, {source: store}), {stdout: new Out(), stdin: new In(), stderr: new Out(),
				patchConsole: false, exitOnCtrlC: false, maxFps: 1000, incrementalRendering: true, onRender: () => framed?.()});
			await new Promise(r => setTimeout(r, 100));
			const times = [];
			for (let t = 1; t <= 25; t++) {
				const frame = new Promise(resolve => (framed = resolve));
				const start = performance.now();
				tick(t);
				await frame;
				times.push(performance.now() - start);
				await new Promise(r => setTimeout(r, 20));
			}
			instance.unmount();
			return times.slice(5).sort((a, b) => a - b)[10];
		}
		console.log(JSON.stringify({big: await time(${count}), grouped: await time(${count}, ${count / 10}), small: await time(30)}));
		process.exit(0);
	`);
}

/** From the die event's own timestamp to the first frame that shows the alert. */
async function alertLatency(runs) {
	const env = {...process.env, TERM: 'xterm-256color'};
	delete env.CI;
	const latencies = [];
	const dockerEvents = [];
	for (let run = 0; run < runs; run++) {
		const port = PORT + run;
		const child = pty.spawn(BIN, [], {cols: COLS, rows: ROWS, env});
		track(child, () => child.kill('SIGKILL'));
		let output = '';
		let shownAt = null;
		child.onData(data => {
			output += data;
			if (shownAt === null && output.includes(`port ${port}/tcp`) && /already in use/.test(output)) shownAt = Date.now();
			if (output.length > 2e6) output = output.slice(-2e5);
		});
		await sleep(2000);
		// the baseline: docker events itself, printing the same die event
		const events = spawn('docker', ['events', '--filter', 'event=die', '--filter', `container=${NAME}-h2-${run}`, '--format', '{{.TimeNano}}'], {stdio: ['ignore', 'pipe', 'ignore']});
		track(events, () => events.kill());
		let printedAt = null;
		let dieNano = null;
		events.stdout.once('data', chunk => {
			printedAt = Date.now();
			dieNano = chunk.toString().trim().split('\n')[0];
		});
		await sleep(300);
		docker('run', '-d', '--name', `${NAME}-h1-${run}`, '--label', `${LABEL}=${RUN}`, '--net=host', IMAGE, 'httpd', '-f', '-p', String(port), '-h', '/www');
		await sleep(1500);
		docker('run', '-d', '--name', `${NAME}-h2-${run}`, '--label', `${LABEL}=${RUN}`, '--net=host', IMAGE, 'httpd', '-f', '-p', String(port), '-h', '/www');
		for (let i = 0; i < 50 && (shownAt === null || printedAt === null); i++) await sleep(100);
		// the die event's own timestamp, as the daemon stamped it
		const died = dieNano ? Number(BigInt(dieNano) / 1_000_000n) : Date.parse(docker('inspect', '-f', '{{.State.FinishedAt}}', `${NAME}-h2-${run}`));
		latencies.push(shownAt === null ? Infinity : shownAt - died);
		dockerEvents.push(printedAt === null ? Infinity : printedAt - died);
		events.kill();
		child.write('q');
		await sleep(500);
		child.kill('SIGKILL');
		docker('rm', '-f', `${NAME}-h1-${run}`, `${NAME}-h2-${run}`);
	}
	return {latencies, dockerEvents};
}

// ---- key-to-screen during a flood ----

/**
 * Key presses during a flood of Docker events (8 containers renamed back and forth as fast as
 * the daemon takes it, by bench/flood.mjs), each timed from the write to the first whole frame
 * (the end of a synchronized update) that shows it, on an emulated screen. The baseline is the
 * same pseudo-terminal with `cat` in raw mode under the same flood: the floor of any program.
 */
async function keysDuringFlood(presses) {
	const ids = await startContainers(8, '-flood', 'sleep 3600');
	const flood = spawn(process.execPath, [new URL('./flood.mjs', import.meta.url).pathname, ...ids], {stdio: 'ignore'});
	// the flood gives each container its name back before it exits
	const floodEnded = new Promise(resolve => flood.on('exit', resolve));
	track(flood, () => (flood.kill(), floodEnded));
	const env = {...process.env, TERM: 'xterm-256color'};
	delete env.CI;
	const timed = async (file, args, {ready, press, shows}) => {
		const child = pty.spawn(file, args, {cols: COLS, rows: ROWS, env});
		track(child, () => child.kill('SIGKILL'));
		const term = new Terminal({cols: COLS, rows: ROWS, allowProposedApi: true});
		let watch = null;
		// the screen is whole outside a synchronized update (netwatch wraps each frame in one; cat has none)
		let midFrame = false;
		child.onData(data => {
			const pieces = data.split('\u001b[?2026l');
			pieces.forEach((piece, i) => {
				const ended = i < pieces.length - 1;
				term.write(ended ? `${piece}\u001b[?2026l` : piece, () => {
					midFrame = !ended && (midFrame || piece.includes('\u001b[?2026h'));
					watch?.(!midFrame);
				});
			});
		});
		const until = test => new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('no frame showed the key within 5 s')), 5000);
			watch = whole => {
				if (!whole || !test(screenText(term))) return;
				clearTimeout(timer);
				watch = null;
				resolve();
			};
			watch(true);
		});
		try {
			await until(ready);
			const times = [];
			for (let i = 0; i < presses; i++) {
				const key = press(i);
				const pressed = performance.now();
				const shown = until(screen => shows(screen, i));
				child.write(key);
				await shown;
				times.push(performance.now() - pressed);
				// the next press lands at another moment of the flood
				await sleep(150 + (i % 5) * 40);
			}
			return times;
		} finally {
			child.kill();
			term.dispose();
		}
	};
	try {
		const bits = screen => /Kb\/s|Mb\/s| b\/s/.test(screen) && !/KB\/s/.test(screen);
		const netwatch = await timed(BIN, [], {
			ready: screen => /Events (\d{3,})/.test(screen) && /B\/s /.test(screen),
			press: () => 'b',
			shows: (screen, i) => bits(screen) === (i % 2 === 0),
		});
		const floor = await timed('sh', ['-c', 'stty raw -echo; exec cat'], {
			ready: () => true,
			press: i => String.fromCharCode(97 + (i % 26)),
			shows: (screen, i) => screen.replace(/\s/g, '').length === i + 1,
		});
		return {netwatch, floor};
	} finally {
		// the flood gives each container its name back before it exits
		flood.kill();
		await floodEnded;
		docker('rm', '-f', ...ids);
	}
}

// ---- the report ----

function machine() {
	const kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
	return `${cpus()[0]?.model ?? '?'} (${cpus().length} cores), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${kernel}, Docker ${docker('version', '--format', '{{.Server.Version}}')}, Node ${process.version}`;
}

const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : x === Infinity ? 'never' : 'n/a');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${fmt(a / b, 3)}` : 'n/a');
const verdict = ok => (ok ? 'met' : '**not met**');

/** The machine's load average (1 min) when the kit started: others' work skews every figure. */
const LOAD_AT_START = loadavg()[0];

async function main() {
	if (process.getuid?.() !== 0) throw new Error('run as root: the kit reads every process in /proc');
	log(`run ${RUN}: starting ${N} containers that make traffic`);
	await startContainers(N, '', TRAFFIC);
	await sleep(3000);
	try {
		const side = await toolsSideBySide();
		const floor = nodeFloor();
		log('collector cost per tick');
		const small = await collectorCost();
		await startContainers(BIG - N, '-more', 'sleep 3600');
		await sleep(3000);
		const big = await collectorCost();
		removeContainers(`name=${NAME}-more-`);
		// the daemon and the kernel go on tearing down 170 containers' namespaces for a while:
		// the frame is timed on the wall clock, so let them finish first
		await sleep(smoke ? 1000 : 10_000);
		log('render cost');
		const render = await renderCost(smoke ? 50 : 500);
		log('alert latency');
		const latency = await alertLatency(LATENCY_RUNS);
		log('key presses during a flood of events');
		const keys = await keysDuringFlood(KEY_PRESSES);
		report({side, floor, small, big, render, latency, keys});
	} finally {
		removeContainers();
	}
}

function frameRows(render, count) {
	return [
		[`one frame, ${count} containers (ms)`, fmt(render.big), `30 containers: ${fmt(render.small)}`, ratio(render.big, render.small), '≤ 30 ms', verdict(render.big <= 30)],
		[`one frame, ${count} containers in ${count / 10} Compose services (ms)`, fmt(render.grouped), `${count} flat: ${fmt(render.big)}`, ratio(render.grouped, render.big), '≤ 30 ms', verdict(render.grouped <= 30)],
	];
}

/** The side-by-side table's rows: netwatch and docker stats in the same runs. */
function sideRows(side, floor) {
	const nw = side.netwatch;
	const ds = side.dockerStats;
	// the daemon's CPU that netwatch adds: resolved only when its spread over the runs is
	// narrower than the margin it is judged by
	const margin = ds.daemon / 20;
	const spread = Math.max(...nw.daemonAdded) - Math.min(...nw.daemonAdded);
	const range = x => `${fmt(x.daemon)} (${fmt(Math.min(...x.daemonAdded))} to ${fmt(Math.max(...x.daemonAdded))})`;
	const incomplete = x => (x.incomplete > 0 ? `, ${x.incomplete} of ${RUNS} runs never complete` : '');
	return [
		['CPU added to the Docker daemon (s): median (range) of paired differences', range(nw), range(ds), ratio(nw.daemon, ds.daemon), `≤ 1/20 of docker stats (${fmt(margin)} s)`, spread > margin ? `**not resolved**: spread ${fmt(spread)} s > margin` : verdict(nw.daemon <= margin)],
		[`own CPU over ${SECONDS} s, children included (s)`, fmt(nw.own), fmt(ds.own), ratio(nw.own, ds.own), '≤ 1.5 × docker stats', verdict(nw.own <= 1.5 * ds.own)],
		['own CPU to the first complete frame (s)', fmt(nw.startCpu), fmt(ds.startCpu), ratio(nw.startCpu, ds.startCpu), `≤ 0.5 s (\`node -e 0\`: ${fmt(floor)} s)`, verdict(nw.startCpu <= 0.5)],
		[`own CPU per second after the first ${SETTLED_S} s (ms)`, fmt(nw.steadyMsPerS, 1), fmt(ds.steadyMsPerS, 1), ratio(nw.steadyMsPerS, ds.steadyMsPerS), '≤ docker stats', verdict(nw.steadyMsPerS <= ds.steadyMsPerS)],
		['bytes written to the terminal', String(Math.round(nw.bytes)), String(Math.round(ds.bytes)), ratio(nw.bytes, ds.bytes), '≤ 1/8 of docker stats (0.125)', verdict(nw.bytes <= ds.bytes / 8)],
		['peak RSS (MB)', fmt(nw.rss, 1), fmt(ds.rss, 1), ratio(nw.rss, ds.rss), '≤ 64 MB', verdict(nw.rss <= 64)],
		['start to first complete frame (s)', `${fmt(nw.firstFrame)}${incomplete(nw)}`, `${fmt(ds.firstFrame)}${incomplete(ds)}`, ratio(nw.firstFrame, ds.firstFrame), '≤ 1.2 s', verdict(nw.firstFrame <= 1.2 && nw.incomplete === 0)],
	];
}

function report({side, floor, small, big, render, latency, keys}) {
	const nw = side.netwatch;
	const ds = side.dockerStats;
	const tickSmall = median(small.ticks);
	const tickBig = median(big.ticks);
	const siCost = median(small.baseline);
	// a run in which the alert never showed is a failure, not a run left out: it counts as never
	const failed = latency.latencies.filter(x => x === Infinity).length;
	const p50 = median(latency.latencies);
	const p95 = percentile(latency.latencies, 95);
	const rows = sideRows(side, floor);
	const other = [
		[`collector tick, N = ${N} (CPU ms)`, fmt(tickSmall), `si.networkStats('*'): ${fmt(siCost)}`, ratio(tickSmall, siCost), '≤ 5 ms', verdict(tickSmall <= 5)],
		[`collector tick, N = ${BIG} (CPU ms)`, fmt(tickBig), `si.networkStats('*'): ${fmt(median(big.baseline))}`, ratio(tickBig, median(big.baseline)), '≤ 25 ms', verdict(tickBig <= 25)],
		...frameRows(render, smoke ? 50 : 500),
		['Node.js alone: `node -e 0` (CPU s)', fmt(floor), `docker stats, ${SECONDS} s: ${fmt(ds.own)}`, ratio(floor, ds.own), 'the floor under own CPU', ''],
		keysRow(keys),
		[`alert latency p50 / p95 (ms), ${latency.latencies.length} runs, ${failed} with no alert within 5 s`, `${fmt(p50, 0)} / ${fmt(p95, 0)}`, `docker events p50: ${fmt(median(latency.dockerEvents), 0)}`, ratio(p50, median(latency.dockerEvents)), 'p95 ≤ 500 ms, none failed', verdict(p95 <= 500 && failed === 0)],
	];
	const table = (head, body) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map(r => `| ${r.join(' | ')} |`)].join('\n');
	const text = `# netwatch benchmark results

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}; load average (1 min) ${fmt(LOAD_AT_START)} at the start, ${fmt(loadavg()[0])} at the end.
${N} busybox containers, each running httpd and a fetch loop; each tool ran ${SECONDS} s in a ${COLS}x${ROWS}
pseudo-terminal, ${RUNS} times; each run has an idle window and one per tool, in an order that rotates
from run to run; figures are medians. The first frame is complete when min(N, ${SHOWN}) traffic containers
show on lines that carry a figure measured for them (a rate for netwatch, NET I/O for docker stats).
The Docker daemon's CPU is that of dockerd, containerd, the shims and docker-proxy; what a tool adds is
its window minus the idle window of the same run, one signed difference per run, never clamped; it is
"not resolved" when the differences spread wider than the margin. The daemon's CPU in each window, in seconds:
netwatch ${side.perRun.netwatch.map(x => fmt(x)).join(', ')}; docker stats ${side.perRun['docker stats'].map(x => fmt(x)).join(', ')};
idle ${side.perRun.idle.map(x => fmt(x)).join(', ')}.

Reproduce: \`sudo npm run bench -- --containers ${N} --seconds ${SECONDS} --runs ${RUNS}\`

## netwatch and docker stats, side by side

${table(['figure', 'netwatch', 'docker stats', 'ratio', 'target', ''], rows)}

## The collectors, the view, the alert

${table(['figure', 'netwatch', 'baseline', 'ratio', 'target', ''], other)}
`;
	console.log(text);
	if (!smoke) writeFileSync(values.out, text);
	// a figure that could not be measured means the kit is broken: CI's smoke run fails on it
	const measured = {'key-to-screen during a flood': Math.max(...keys.netwatch), 'netwatch own CPU': nw.own, 'netwatch bytes': nw.bytes, 'netwatch peak RSS': nw.rss, 'netwatch first frame': nw.firstFrame, 'docker stats own CPU': ds.own, 'docker stats bytes': ds.bytes, 'collector tick': tickSmall, 'collector tick, big': tickBig, 'one frame': render.big, 'one frame, grouped': render.grouped, 'alert latency': p50};
	const missing = Object.entries(measured).filter(([, value]) => !Number.isFinite(value)).map(([name]) => name);
	if (missing.length > 0) throw new Error(`not measured: ${missing.join(', ')}`);
}

function keysRow(keys) {
	return [`key-to-screen during a flood, max / p50 (ms), ${keys.netwatch.length} presses`, `${fmt(Math.max(...keys.netwatch), 0)} / ${fmt(median(keys.netwatch), 0)}`, `cat in the same pty: ${fmt(Math.max(...keys.floor), 0)} / ${fmt(median(keys.floor), 0)}`, ratio(Math.max(...keys.netwatch), Math.max(...keys.floor)), 'max ≤ 100 ms', verdict(Math.max(...keys.netwatch) <= 100)];
}

async function keysOnly() {
	const keys = await keysDuringFlood(KEY_PRESSES);
	console.log(JSON.stringify(keys));
	console.log(`| ${keysRow(keys).join(' | ')} |`);
}

async function sideOnly() {
	log(`run ${RUN}: starting ${N} containers that make traffic`);
	await startContainers(N, '', TRAFFIC);
	await sleep(3000);
	try {
		const side = await toolsSideBySide();
		console.log(JSON.stringify(side));
		console.log(sideRows(side, nodeFloor()).map(r => `| ${r.join(' | ')} |`).join('\n'));
	} finally {
		removeContainers();
	}
}

/**
 * The scale case: the same figures with 30 sleeping containers and with SCALE, in one run, so
 * that each is a ratio to its own small case; a cost that grows faster than the count (more than
 * SCALE / 30 times) is said to.
 */
async function scaleOnly() {
	const SCALE = Number(values.scale);
	const figures = [];
	try {
		for (const [size, prefix] of [[30, '-a'], [SCALE, '-b']]) {
			const have = figures.at(-1)?.size ?? 0;
			log(`starting ${size - have} sleeping containers (${size} in all)`);
			await startContainers(size - have, prefix, 'sleep 86400', 8);
			if (interrupted) return;
			await sleep(5000);
			const running = docker('ps', '-q').split('\n').filter(Boolean).length;
			log(`collector cost per tick, ${running} running`);
			// no systeminformation beside it: at 1,000 containers one networkStats('*') takes minutes
			const tick = median((await collectorCost({baseline: false})).ticks);
			log(`netwatch for ${SECONDS} s`);
			const shown = new RegExp(`\\b${running} running`);
			const nw = await runInPty(BIN, [], SECONDS, {ready: screen => shown.test(screen), stop: child => child.write('q')});
			figures.push({size, running, tick, idle: ((nw.own - nw.ownSettled) / (SECONDS - SETTLED_S)) * 1000, rss: nw.rss, firstFrame: nw.readyAt === null ? Infinity : nw.readyAt / 1000});
		}
		log('render cost');
		const render = await renderCost(SCALE);
		const [small, big] = figures;
		const grows = (a, b) => (b / a > SCALE / 30 ? `grows faster than the count (${fmt(b / a, 1)}× for ${fmt(SCALE / 30, 1)}× the containers)` : '');
		const rows = [
			[`collectors' tick (CPU ms)`, fmt(small.tick), fmt(big.tick), ratio(big.tick, small.tick), '≤ 50 ms', verdict(big.tick <= 50), grows(small.tick, big.tick)],
			['one frame (ms)', fmt(render.small), fmt(render.big), ratio(render.big, render.small), '≤ 40 ms', verdict(render.big <= 40), grows(render.small, render.big)],
			[`netwatch's CPU per second while idle, after the first ${SETTLED_S} s (ms)`, fmt(small.idle, 1), fmt(big.idle, 1), ratio(big.idle, small.idle), '≤ 50 ms (5% of a core)', verdict(big.idle <= 50), grows(small.idle, big.idle)],
			['peak RSS (MB)', fmt(small.rss, 1), fmt(big.rss, 1), ratio(big.rss, small.rss), '≤ 128 MB', verdict(big.rss <= 128), grows(small.rss, big.rss)],
			['start to a frame that counts every container (s)', fmt(small.firstFrame), fmt(big.firstFrame), ratio(big.firstFrame, small.firstFrame), '', '', ''],
		];
		console.log(JSON.stringify({figures, render}));
		console.log(`Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}; load average (1 min) ${fmt(LOAD_AT_START)} at the start, ${fmt(loadavg()[0])} at the end.
Sleeping busybox containers (${small.running} and ${big.running} running on the engine); netwatch ran ${SECONDS} s in a ${COLS}x${ROWS} pseudo-terminal at each size.

| figure | 30 containers | ${SCALE} containers | ratio | target |  | growth |
|---|---|---|---|---|---|---|
${rows.map(r => `| ${r.join(' | ')} |`).join('\n')}`);
	} finally {
		log('removing the containers');
		removeContainers();
	}
}

async function frameOnly() {
	const rows = [];
	for (let run = 0; run < RUNS; run++) rows.push(await renderCost(500));
	const med = key => median(rows.map(r => r[key]));
	console.log(JSON.stringify(rows));
	console.log(frameRows({big: med('big'), grouped: med('grouped'), small: med('small')}, 500).map(r => `| ${r.join(' | ')} |`).join('\n'));
}

(values['frame-only'] ? frameOnly() : values['keys-only'] ? keysOnly() : values['side-only'] ? sideOnly() : values.scale ? scaleOnly() : main()).catch(error => {
	console.error(`bench: ${error.message}`);
	removeContainers();
	process.exit(1);
});
