/**
 * Docker Engine payloads -> the model: GET /containers/{id}/json and GET /networks/{id}.
 * Written against API 1.41 (Engine 20.10) and checked for what later versions removed
 * (the top-level NetworkSettings.IPAddress is gone in 1.52, so only `Networks` is read).
 */
import type {ComposeInfo, ContainerInfo, HealthInfo, ContainerNetwork, ContainerState, NetworkInfo, PortBinding, SocketProto} from '../model.js';

import {sanitize} from '../util/sanitize.js';
import {labelsOf, num, obj, str, strings, time} from './json-fields.js';

const STATES: readonly ContainerState[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

/** `80/tcp` -> [80, 'tcp'] */
function portKey(key: string): [number, SocketProto] | null {
	const [port, proto = 'tcp'] = key.split('/');
	const n = Number(port);
	// sctp: netwatch reads no SCTP sockets, so it says nothing of those ports
	if (!Number.isInteger(n) || n <= 0 || (proto !== 'tcp' && proto !== 'udp')) return null;
	return [n, proto];
}

/**
 * `{"80/tcp":[{"HostIp":"127.0.0.1","HostPort":"18472"}]}` -> bindings. An empty HostPort asks
 * Docker for an ephemeral port: nothing is bound yet, so it is left out, unless `requested`.
 */
export function parsePortMap(value: unknown, requested = false): PortBinding[] {
	const out: PortBinding[] = [];
	for (const [key, bindings] of Object.entries(obj(value))) {
		const parsed = portKey(key);
		if (!parsed || !Array.isArray(bindings)) continue;
		for (const b of bindings) {
			const hostPort = Number(str(obj(b)['HostPort']));
			if (!Number.isInteger(hostPort) || hostPort < 0 || (hostPort === 0 && !requested)) continue;
			out.push({hostIp: str(obj(b)['HostIp']), hostPort, containerPort: parsed[0], proto: parsed[1]});
		}
	}
	return out;
}

function parseNetworks(value: unknown): ContainerNetwork[] {
	return Object.entries(obj(value)).map(([name, raw]) => {
		const n = obj(raw);
		return {
			name,
			id: str(n['NetworkID']),
			ipAddress: str(n['IPAddress']),
			prefixLen: num(n['IPPrefixLen']) ?? 0,
			macAddress: str(n['MacAddress']),
			// Docker adds the short id to every container's aliases: that says nothing new
			aliases: strings(n['Aliases']).filter(a => !/^[0-9a-f]{12}$/.test(a)),
		};
	});
}

/** A probe's output is kept this long at most (Docker keeps 4 KiB of it). */
export const HEALTH_OUTPUT_MAX = 200;
const HEALTH_STATUSES: readonly HealthInfo['status'][] = ['starting', 'healthy', 'unhealthy'];

/** State.Health -> the status and the last probe; null when the container has no health check. */
function parseHealth(value: unknown): HealthInfo | null {
	const h = obj(value);
	const status = str(h['Status']) as HealthInfo['status'];
	if (!HEALTH_STATUSES.includes(status)) return null;
	const log = Array.isArray(h['Log']) ? h['Log'] : [];
	const last = obj(log[log.length - 1]);
	// untrusted: whatever the probe printed, on one line
	const output = sanitize(str(last['Output'])).trim();
	return {
		status,
		failingStreak: num(h['FailingStreak']) ?? 0,
		lastOutput: output.length > HEALTH_OUTPUT_MAX ? `${[...output].slice(0, HEALTH_OUTPUT_MAX - 1).join('')}…` : output,
		lastExitCode: num(last['ExitCode']),
		lastCheckAt: time(last['End']),
	};
}

const COMPOSE = 'com.docker.compose.';

/** A container's Compose labels -> who it is in its project, or null when Compose did not make it. */
export function parseComposeLabels(labels: Readonly<Record<string, string>>): ComposeInfo | null {
	const project = labels[`${COMPOSE}project`];
	const service = labels[`${COMPOSE}service`];
	if (!project || !service) return null;
	const number = Number(labels[`${COMPOSE}container-number`]);
	return {
		project,
		service,
		number: Number.isInteger(number) && number > 0 ? number : null,
		// v1 writes True/False, v2 True/False too; anything else is not a one-off
		oneoff: (labels[`${COMPOSE}oneoff`] ?? '').toLowerCase() === 'true',
		configHash: labels[`${COMPOSE}config-hash`] || null,
	};
}

/** GET /containers/{id}/json -> ContainerInfo, or null if it is not a container at all. */
export function parseContainerInspect(raw: unknown): ContainerInfo | null {
	const c = obj(raw);
	const id = str(c['Id']);
	if (id === '') return null;
	const state = obj(c['State']);
	const config = obj(c['Config']);
	const hostConfig = obj(c['HostConfig']);
	const settings = obj(c['NetworkSettings']);
	const status = str(state['Status']) as ContainerState;
	const error = str(state['Error']);
	// an exit code means something once the process has ended, or when a start failed (128)
	const ended = status === 'exited' || status === 'dead' || status === 'restarting' || (status === 'created' && error !== '');
	const pid = num(state['Pid']);
	const exposed = Object.keys(obj(config['ExposedPorts']))
		.map(portKey)
		.filter((p): p is [number, SocketProto] => p !== null)
		.map(([port, proto]) => ({port, proto}));
	const labels = labelsOf(config['Labels']);
	return {
		id,
		name: str(c['Name']).replace(/^\//, ''),
		image: str(config['Image']) || str(c['Image']),
		state: STATES.includes(status) ? status : 'created',
		exitCode: ended ? num(state['ExitCode']) : null,
		oomKilled: state['OOMKilled'] === true,
		error,
		restartCount: num(c['RestartCount']) ?? 0,
		startedAt: time(state['StartedAt']),
		finishedAt: time(state['FinishedAt']),
		pid: pid !== null && pid > 0 ? pid : null,
		rawNetworkMode: str(hostConfig['NetworkMode']) || 'default',
		networks: parseNetworks(settings['Networks']),
		ports: parsePortMap(settings['Ports']),
		requestedPorts: parsePortMap(hostConfig['PortBindings'], true),
		user: str(config['User']),
		exposedPorts: exposed,
		command: [...strings(config['Entrypoint']), ...strings(config['Cmd'])],
		tty: config['Tty'] === true,
		labels,
		compose: parseComposeLabels(labels),
		health: parseHealth(state['Health']),
	};
}

/** GET /networks/{id} -> NetworkInfo */
export function parseNetworkInspect(raw: unknown): NetworkInfo | null {
	const n = obj(raw);
	const id = str(n['Id']);
	if (id === '') return null;
	const driver = str(n['Driver']);
	const options = obj(n['Options']);
	const explicitBridge = str(options['com.docker.network.bridge.name']);
	return {
		id,
		name: str(n['Name']),
		driver,
		parent: str(options['parent']) || null,
		// Docker names a bridge network's device br-<first 12 hex of the id> unless told otherwise
		bridge: driver === 'bridge' ? explicitBridge || `br-${id.slice(0, 12)}` : null,
	};
}
