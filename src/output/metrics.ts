/**
 * `--metrics ADDR:PORT`: the newest snapshot as OpenMetrics, for Prometheus (prom-client).
 *
 * Counters are the kernel's own (bytes and packets since the interface came up), never rates:
 * Prometheus takes rates itself, and sees a counter that went back to zero as a reset. Every
 * label is bounded by what is on the host (interfaces, containers, listening sockets, kinds of
 * diagnosis), never by time or traffic. A scrape reads the snapshot as it is then.
 */
import {createServer, type Server} from 'node:http';
import {Counter, Gauge, Registry, type OpenMetricsContentType} from 'prom-client';
import type {DiagnosisKind} from '../model.js';
import type {ContainerView, InterfaceView, ListeningView, Snapshot} from '../store/snapshot.js';

export interface MetricsAddress {
	/** '' for every address */
	readonly host: string;
	readonly port: number;
}

/** Every kind of diagnosis, so that each has a series, 0 when none is open. */
const KINDS = {
	EADDRINUSE: true,
	EACCES: true,
	EADDRNOTAVAIL: true,
	'published-no-listener': true,
	'loopback-only': true,
	'host-ports-discarded': true,
	'dns-default-bridge': true,
	'dns-other-network': true,
	'listen-overflow': true,
	unhealthy: true,
	'task-failed': true,
	'task-unplaceable': true,
} satisfies Record<DiagnosisKind, true>;

const COMPOSE_PROJECT = 'com.docker.compose.project';

type Labels = Record<string, string | number>;
type Emit = (labels: Labels, value: number) => void;

/** The labels that say whose an interface or a socket is: in which namespace, of which container. */
function owner(namespace: 'host' | 'container', c: Pick<ContainerView, 'name' | 'labels' | 'networkMode'> | undefined): Labels {
	return {namespace, container: c?.name ?? '', compose_project: c?.labels[COMPOSE_PROJECT] ?? '', network_mode: c?.networkMode ?? ''};
}

/** Each interface the snapshot shows once: the host's (a veth labelled with its container), and each container's own, but lo. */
function eachInterface(s: Snapshot, emit: (labels: Labels, i: InterfaceView) => void): void {
	const byId = new Map(s.containers.map(c => [c.id, c]));
	for (const i of s.host.interfaces) emit({...owner('host', i.container ? byId.get(i.container.id) : undefined), interface: i.name}, i);
	for (const c of s.containers) {
		if (c.interfacesFrom !== 'own') continue;
		for (const i of c.interfaces) if (i.name !== 'lo') emit({...owner('container', c), interface: i.name}, i);
	}
}

/** Each listening socket once: the host's, and those in containers' own namespaces. */
function eachListening(s: Snapshot, emit: (labels: Labels, l: ListeningView) => void): void {
	const byId = new Map(s.containers.map(c => [c.id, c]));
	const labels = (namespace: 'host' | 'container', l: ListeningView, c: ContainerView | undefined): Labels => ({
		...owner(namespace, c),
		proto: l.proto,
		address: l.address,
		port: l.port,
		owner: l.owner,
	});
	for (const l of s.host.listening) emit(labels('host', l, l.container ? byId.get(l.container.id) : undefined), l);
	for (const c of s.containers) if (c.interfacesFrom === 'own') for (const l of c.listening) emit(labels('container', l, c), l);
}

const INTERFACE_LABELS = ['namespace', 'container', 'compose_project', 'network_mode', 'interface'];

/** A registry whose metrics are read from `snapshot()` at each scrape. */
export function metricsRegistry(snapshot: () => Snapshot): Registry<OpenMetricsContentType> {
	const registry = new Registry<OpenMetricsContentType>();
	registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
	/** A metric whose series are set anew from the snapshot at each scrape. */
	const metric = (type: 'counter' | 'gauge', name: string, help: string, labelNames: string[], read: (s: Snapshot, emit: Emit) => void): void => {
		function collect(this: Counter | Gauge): void {
			this.reset();
			read(snapshot(), (labels, value) => this.inc(labels, value));
		}
		const options = {name, help, labelNames, registers: [registry], collect};
		if (type === 'counter') new Counter(options);
		else new Gauge(options);
	};

	const counters = [
		['receive_bytes', 'Bytes received', (i: InterfaceView) => i.rxBytes],
		['transmit_bytes', 'Bytes sent', (i: InterfaceView) => i.txBytes],
		['receive_packets', 'Packets received', (i: InterfaceView) => i.rxPackets],
		['transmit_packets', 'Packets sent', (i: InterfaceView) => i.txPackets],
	] as const;
	for (const [name, help, value] of counters) {
		metric('counter', `netwatch_interface_${name}`, `${help} by an interface, as the kernel counts them (namespace host: the host's, container: a container's own)`, INTERFACE_LABELS, (s, emit) =>
			eachInterface(s, (labels, i) => emit(labels, value(i))),
		);
	}
	metric('gauge', 'netwatch_listening_sockets', 'Sockets listening, by namespace, container, protocol, address, port and owner', [...INTERFACE_LABELS.slice(0, 4), 'proto', 'address', 'port', 'owner'], (s, emit) =>
		eachListening(s, labels => emit(labels, 1)),
	);
	metric('gauge', 'netwatch_diagnoses_open', 'Diagnoses open now, by kind (EADDRINUSE: a container could not bind its port)', ['kind'], (s, emit) => {
		for (const kind of Object.keys(KINDS)) emit({kind}, 0);
		for (const alert of s.alerts) if (!alert.resolved) emit({kind: alert.kind}, 1);
	});
	metric('gauge', 'netwatch_containers', 'Containers, by state', ['state'], (s, emit) => {
		emit({state: 'running'}, s.counts.running);
		emit({state: 'stopped'}, s.counts.stopped);
	});
	metric('gauge', 'netwatch_docker_up', 'Whether the Docker engine answers (1) or not (0)', [], (s, emit) => emit({}, s.docker.state === 'connected' ? 1 : 0));
	return registry;
}

export interface MetricsServer {
	readonly server: Server;
	/** `http://127.0.0.1:9464/metrics` */
	readonly url: string;
}

/** Serve the registry at /metrics; resolves once listening, rejects with a one-line reason. */
export function serveMetrics(registry: Registry<OpenMetricsContentType>, address: MetricsAddress): Promise<MetricsServer> {
	const server = createServer((req, res) => {
		if (req.method !== 'GET' || req.url?.replace(/\?.*/, '') !== '/metrics') {
			res.writeHead(404, {'Content-Type': 'text/plain'}).end('netwatch serves /metrics only\n');
			return;
		}
		registry.metrics().then(
			text => res.writeHead(200, {'Content-Type': registry.contentType}).end(text),
			(error: Error) => res.writeHead(500, {'Content-Type': 'text/plain'}).end(`${error.message}\n`),
		);
	});
	const where = `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
	return new Promise((resolve, reject) => {
		server.once('error', (error: NodeJS.ErrnoException) => {
			const why = error.code === 'EADDRINUSE' ? 'the port is in use' : error.code === 'EADDRNOTAVAIL' ? 'no such address here' : error.message;
			reject(new Error(`cannot serve metrics on ${where}: ${why}`));
		});
		server.listen({host: address.host === '' ? undefined : address.host, port: address.port}, () => resolve({server, url: `http://${where}/metrics`}));
	});
}
