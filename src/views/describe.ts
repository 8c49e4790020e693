/**
 * Plain words for what a snapshot says: network modes, ports, states, events. Pure, shared by
 * the dashboard and the plain-text table. Nothing here is sanitised: callers put the result
 * through `cell` (or Ink's <Text> via `cell`) before it is shown.
 */
import type {ContainerView, InterfaceView} from '../store/snapshot.js';
import {isQuietAction} from '../parsers/docker-events.js';
import type {EventEntry} from '../store/state.js';
import type {DockerStatus} from '../model.js';
import {textWidth} from '../util/format.js';

/**
 * `unix:///run/user/1000/docker.sock (context rootless)`: where the engine is, and who said so;
 * for an ssh:// engine, whether netwatch on its host or the engine API alone tells about it.
 */
export function engineLabel(d: DockerStatus): string {
	const where = d.context ? `${d.endpoint} (context ${d.context})` : d.endpoint;
	if (d.agent) return `${where} via netwatch ${d.agent} there`;
	return d.agentNote ? `${where}, engine API only: ${d.agentNote}` : where;
}

/** `host`, `bridge`, `none`, `container:web1`, `fxmac (macvlan)`, `appnet` (a user bridge). */
export function modeLabel(c: ContainerView): string {
	if (c.networkKind !== 'network') return c.networkMode;
	return c.networkDriver && c.networkDriver !== 'bridge' ? `${c.networkMode} (${c.networkDriver})` : c.networkMode;
}

/** The title of a container's pane: its name, its mode, and its labels (as far as they fit). */
export function containerTitle(c: ContainerView): string {
	const mode = c.networkKind === 'host' ? 'host network' : c.networkKind === 'container' ? c.networkMode : modeLabel(c);
	const labels = Object.entries(c.labels).map(([k, v]) => (v === '' ? k : `${k}=${v}`));
	return `${c.name} · ${mode}${labels.length > 0 ? ` · ${labels.join(', ')}` : ''}`;
}

/** The one line, in plain words, above a container's interfaces. */
export function modeBanner(c: ContainerView): string {
	if (c.interfacesFrom === 'none' && c.state !== 'running') {
		return `${stateLabel(c)}: no network namespace while it is not running`;
	}
	switch (c.networkKind) {
		case 'host':
			return "shares the host's network namespace: these are the host's interfaces";
		case 'none':
			return 'no network: loopback only';
		case 'container':
			return `shares ${c.sharesNetnsWith?.name ?? '?'}'s network namespace: these are its interfaces`;
		case 'bridge':
		case 'network': {
			const linked = c.interfaces.filter(i => i.peer !== null);
			if (c.networkDriver === 'macvlan' || c.networkDriver === 'ipvlan') {
				const eth = linked[0];
				const parent = c.networkDevice ?? eth?.peer?.name ?? '?';
				return `${eth?.name ?? 'eth0'} sits on the host's ${parent} with a MAC of its own: no bridge, no NAT`;
			}
			if (c.networkDriver === 'overlay') {
				const gw = linked[0];
				return `overlay network ${c.networkMode} (VXLAN across hosts)${gw ? `; ${gw.name} ⇄ ${gw.peer!.name} on docker_gwbridge` : ''}`;
			}
			const eth = linked[0];
			if (eth?.peer) return `${eth.name} ⇄ ${eth.peer.name} on ${c.networkDevice ?? 'its bridge'}`;
			return 'a network namespace of its own';
		}
	}
}

/** The one line above the host's interfaces. */
export function hostBanner(interfaces: readonly InterfaceView[]): string {
	const veths = interfaces.filter(i => i.kind === 'veth');
	const owned = veths.filter(i => i.container !== null).length;
	return `the host's network namespace: ${interfaces.length} interfaces, ${veths.length} veths (${owned} to containers)`;
}

/**
 * `127.0.0.1:18080→80/tcp 8080/tcp`: the distinct ports a container listens on, each with the
 * host ports that publish it, as `docker ps` shows them; then a published port with nothing
 * listening behind it, marked, where its namespace was read (so that nothing is a fact).
 */
export function portsLabel(c: Pick<ContainerView, 'listening' | 'ports' | 'netns'>): string {
	const published = (port: number, proto: string): string[] =>
		c.ports.filter(p => p.containerPort === port && p.proto === proto).map(p => `${p.hostIp === '' ? '0.0.0.0' : p.hostIp}:${p.hostPort}`);
	const label = (port: number, proto: string): string => {
		const hosts = published(port, proto);
		return `${hosts.length > 0 ? `${hosts.join(',')}→` : ''}${port}/${proto}`;
	};
	const listened = new Set<string>();
	const out: string[] = [];
	for (const l of [...c.listening].sort((a, b) => a.port - b.port)) {
		const key = `${l.port}/${l.proto}`;
		if (listened.has(key)) continue;
		listened.add(key);
		out.push(label(l.port, l.proto));
	}
	if (c.netns !== null) {
		const idle = new Set(c.ports.filter(p => !listened.has(`${p.containerPort}/${p.proto}`)).map(p => `${p.containerPort}/${p.proto}`));
		for (const key of idle) {
			const [port, proto] = key.split('/') as [string, string];
			out.push(`${label(Number(port), proto)} (nothing listens)`);
		}
	}
	return out.join(' ');
}

/** `running`, `exited (1)`, `created: port is already allocated` */
export function stateLabel(c: ContainerView): string {
	if (c.state === 'running' || c.state === 'paused') return c.state;
	if (c.oomKilled) return `${c.state} (OOM)`;
	if (c.exitCode !== null && c.state !== 'created') return `${c.state} (${c.exitCode})`;
	if (c.state === 'created' && c.error !== '') return 'created (start failed)';
	return c.state;
}

const SIGNALS: Record<string, string> = {'1': 'HUP', '2': 'INT', '9': 'KILL', '15': 'TERM'};

/** `die exit 1`, `kill SIGTERM`, `connect bridge`, `oom` */
export function eventLabel(entry: EventEntry): string {
	const {action, attributes: a} = entry.event;
	const verb = action.replace(/^(exec_\w+|health_status):\s*/, '$1 ');
	if (action === 'die') return `die exit ${a['exitCode'] ?? '?'}`;
	if (action === 'kill' && a['signal']) return `kill SIG${SIGNALS[a['signal']] ?? a['signal']}`;
	if (entry.event.kind === 'network' && a['name']) return `${verb} ${a['name']}`;
	return verb;
}

/** How an event should look: red for trouble, green for a start. */
export function eventTone(entry: EventEntry): 'bad' | 'good' | 'plain' {
	const {action, attributes} = entry.event;
	if (action === 'oom') return 'bad';
	if (action === 'die' && attributes['exitCode'] !== '0') return 'bad';
	if (action.startsWith('health_status: unhealthy')) return 'bad';
	if (action === 'start') return 'good';
	return 'plain';
}

/** Events worth a line in the log: containers and networks, without exec and health noise. */
export function isShownEvent(entry: EventEntry): boolean {
	const {kind, action} = entry.event;
	if (kind !== 'container' && kind !== 'network') return false;
	return !isQuietAction(action) && action !== 'health_status: running';
}

/** `vethdf6190c → web1`, or the name alone. */
export function interfaceLabel(i: InterfaceView): string {
	return i.container ? `${i.name} → ${i.container.name}` : i.name;
}

/** interfaceLabel's width in columns, measured by part (the arrow takes one): the names are mostly ASCII, the arrow never. */
export function interfaceLabelWidth(i: InterfaceView): number {
	return i.container ? textWidth(i.name) + 3 + textWidth(i.container.name) : textWidth(i.name);
}
