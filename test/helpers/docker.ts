/**
 * The test bed: real containers and networks on the real engine, each labelled with this run's
 * id, and removed after every test, whether it passed or not. Tests drive Docker with the
 * docker CLI; netwatch itself only ever reads.
 */
import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {createServer} from 'node:net';
import {promisify} from 'node:util';
import {afterEach} from 'vitest';

const exec = promisify(execFile);

export const IMAGE = process.env['NETWATCH_TEST_IMAGE'] ?? 'netwatch/busybox:latest';
export const LABEL = 'io.netwatch.test';

/** Run a command; its stdout, trimmed. Throws with stderr in the message. */
export async function sh(file: string, args: readonly string[], timeout = 60_000): Promise<string> {
	try {
		const {stdout} = await exec(file, args, {timeout, maxBuffer: 64 * 1024 * 1024});
		return stdout.trim();
	} catch (error) {
		const e = error as {stderr?: string; message: string};
		throw new Error(`${file} ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
	}
}

export const docker = (...args: string[]): Promise<string> => sh('docker', args);

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 15_000, everyMs = 100): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value) return value;
		} catch (error) {
			last = error;
		}
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
		await new Promise(r => setTimeout(r, everyMs));
	}
}

/** A TCP port above 8000 that nothing listens on, on any address of the host. */
export async function freePort(): Promise<number> {
	for (let attempt = 0; attempt < 50; attempt++) {
		const port = 18_000 + Math.floor(Math.random() * 20_000);
		const ok = await new Promise<boolean>(resolve => {
			const server = createServer();
			server.once('error', () => resolve(false));
			server.listen({port, host: '::', ipv6Only: false}, () => server.close(() => resolve(true)));
		});
		if (ok) return port;
	}
	throw new Error('no free port found');
}

/**
 * The first port of `from`..`to` that nothing listens on at 127.0.0.1: for servers a test runs
 * (sshd, Prometheus, netwatch's --metrics), in the range of ports given to the test run.
 */
export async function freeLoopbackPort(from: number, to: number): Promise<number> {
	for (let port = from; port <= to; port++) {
		const free = await new Promise<boolean>(resolve => {
			const server = createServer();
			server.once('error', () => resolve(false));
			server.listen({port, host: '127.0.0.1'}, () => server.close(() => resolve(true)));
		});
		if (free) return port;
	}
	throw new Error(`no free port from ${from} to ${to}`);
}

export interface Container {
	readonly id: string;
	readonly name: string;
}

/** Containers, networks and veth pairs of one test, cleaned up after it. */
export class Testbed {
	readonly run = randomBytes(4).toString('hex');
	private readonly links: string[] = [];
	private swarmInitialised = false;
	/** `swarm init` made docker_gwbridge, and `swarm leave` keeps it: it goes too. */
	private gwbridgeMade = false;
	/** Compose projects brought up, and their files: `down -v` at cleanup. */
	private readonly projects = new Map<string, string>();

	/** A unique name for this run: `nwt-<run>-<suffix>`. */
	name(suffix: string): string {
		return `nwt-${this.run}-${suffix}`;
	}

	/** docker run -d with the test label; `args` go before the image, `command` after it. */
	async container(suffix: string, args: readonly string[], command: readonly string[]): Promise<Container> {
		const name = this.name(suffix);
		const id = await docker('run', '-d', '--name', name, '--label', `${LABEL}=${this.run}`, ...args, IMAGE, ...command);
		return {id, name};
	}

	/** docker create (not started), labelled. */
	async created(suffix: string, args: readonly string[], command: readonly string[]): Promise<Container> {
		const name = this.name(suffix);
		const id = await docker('create', '--name', name, '--label', `${LABEL}=${this.run}`, ...args, IMAGE, ...command);
		return {id, name};
	}

	async network(suffix: string, args: readonly string[]): Promise<string> {
		const name = this.name(suffix);
		await docker('network', 'create', '--label', `${LABEL}=${this.run}`, ...args, name);
		return name;
	}

	/** A veth pair of our own, up, for a macvlan parent (never the host's real NIC). */
	async vethPair(): Promise<{parent: string; peer: string}> {
		const parent = `nwt${this.run.slice(0, 5)}a`;
		const peer = `nwt${this.run.slice(0, 5)}b`;
		await sh('ip', ['link', 'add', parent, 'type', 'veth', 'peer', 'name', peer]);
		this.links.push(parent);
		await sh('ip', ['link', 'set', parent, 'up']);
		await sh('ip', ['link', 'set', peer, 'up']);
		return {parent, peer};
	}

	/**
	 * `docker service create --detach` with the test label on the service and its containers;
	 * `args` go before the image, `command` after it. Removed at cleanup, before the swarm is left.
	 */
	async service(suffix: string, args: readonly string[], command: readonly string[]): Promise<Container> {
		const name = this.name(suffix);
		const label = `${LABEL}=${this.run}`;
		// no registry here: the image is the local one, its digest not looked up
		const id = await docker('service', 'create', '--detach', '--quiet', '--no-resolve-image', '--name', name, '--label', label, '--container-label', label, ...args, IMAGE, ...command);
		return {id, name};
	}

	/** A single-node swarm for overlay networks; left again at cleanup if this test made it. */
	async swarm(): Promise<void> {
		const state = await docker('info', '--format', '{{.Swarm.LocalNodeState}}');
		if (state === 'active') return;
		this.gwbridgeMade = (await docker('network', 'ls', '-q', '--filter', 'name=^docker_gwbridge$')) === '';
		await docker('swarm', 'init', '--advertise-addr', '127.0.0.1');
		this.swarmInitialised = true;
	}

	/**
	 * `docker-compose -p <project> -f <file> …` (the real Compose, 1.29), with this run's label
	 * and `env` in the environment the Compose files read. The project is taken down at cleanup.
	 */
	async compose(project: string, file: string, args: readonly string[], env: Record<string, string> = {}): Promise<string> {
		this.projects.set(project, file);
		try {
			const {stdout} = await exec('docker-compose', ['--ansi', 'never', '-p', project, '-f', file, ...args], {
				timeout: 120_000,
				env: {...process.env, NETWATCH_TEST_RUN: this.run, NETWATCH_TEST_IMAGE: IMAGE, ...env},
			});
			return stdout.trim();
		} catch (error) {
			const e = error as {stderr?: string; message: string};
			throw new Error(`docker-compose ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
		}
	}

	async inspect<T = Record<string, unknown>>(name: string): Promise<T> {
		return (JSON.parse(await docker('inspect', name)) as T[])[0]!;
	}

	async pid(name: string): Promise<number> {
		return Number(await docker('inspect', '-f', '{{.State.Pid}}', name));
	}

	async cleanup(): Promise<void> {
		const label = `label=${LABEL}=${this.run}`;
		// a service first, or its tasks' containers come back
		const services = this.swarmInitialised || (await docker('info', '--format', '{{.Swarm.ControlAvailable}}')) === 'true' ? (await docker('service', 'ls', '-q', '--filter', label)).split('\n').filter(Boolean) : [];
		if (services.length > 0) {
			await docker('service', 'rm', ...services);
			// the manager removes their containers itself: wait for it, rather than race it
			await waitFor('the services\' containers removed', async () => (await docker('ps', '-aq', '--filter', label, '--filter', 'label=com.docker.swarm.service.id')) === '', 60_000, 250);
		}
		for (const [project, file] of this.projects) await sh('docker-compose', ['--ansi', 'never', '-p', project, '-f', file, 'down', '-v', '--timeout', '1'], 120_000).catch(() => undefined);
		this.projects.clear();
		const containers = (await docker('ps', '-aq', '--filter', label)).split('\n').filter(Boolean);
		if (containers.length > 0) await docker('rm', '-f', ...containers);
		const networks = (await docker('network', 'ls', '-q', '--filter', label)).split('\n').filter(Boolean);
		if (networks.length > 0) await docker('network', 'rm', ...networks);
		for (const link of this.links.splice(0)) await sh('ip', ['link', 'del', link]).catch(() => undefined);
		if (this.swarmInitialised) {
			await docker('swarm', 'leave', '--force');
			this.swarmInitialised = false;
			if (this.gwbridgeMade) await docker('network', 'rm', 'docker_gwbridge');
			this.gwbridgeMade = false;
		}
	}
}

/** A test bed that is cleaned after each test of the file that calls this. */
export function useTestbed(): Testbed {
	const bed = new Testbed();
	afterEach(async () => {
		await bed.cleanup();
	});
	return bed;
}
