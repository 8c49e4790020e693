/**
 * Where the Docker engine is, decided the way the docker CLI decides it: `-H`/`--host`, else
 * DOCKER_HOST (unix://, tcp://, ssh://, or a bare host:port meaning tcp), else the default
 * socket. Pure: the environment comes in as an argument. A CLI context, which names an address
 * of its own, is read in context.ts and resolved here too.
 */
import {homedir} from 'node:os';
import {join} from 'node:path';

export type Endpoint =
	| {readonly kind: 'unix'; readonly socketPath: string; readonly url: string}
	| {
			readonly kind: 'tcp';
			readonly host: string;
			readonly port: number;
			readonly tls: boolean;
			/** With TLS: where ca.pem, cert.pem and key.pem are (DOCKER_CERT_PATH, else configDir). */
			readonly certDir: string | null;
			readonly url: string;
	  }
	| {
			readonly kind: 'ssh';
			readonly host: string;
			/** null when the address has none: ~/.ssh/config's Port applies */
			readonly port: number | null;
			/** null when the address has none: ~/.ssh/config's User applies */
			readonly username: string | null;
			readonly url: string;
	  };

export const DEFAULT_SOCKET = '/var/run/docker.sock';

export interface EndpointEnv {
	readonly DOCKER_HOST?: string | undefined;
	readonly DOCKER_TLS_VERIFY?: string | undefined;
	readonly DOCKER_CERT_PATH?: string | undefined;
	readonly DOCKER_CONFIG?: string | undefined;
	readonly HOME?: string | undefined;
}

/** The docker CLI's folder: $DOCKER_CONFIG, else ~/.docker (config.json, contexts, certificates). */
export function configDir(env: EndpointEnv): string {
	return env.DOCKER_CONFIG || join(env.HOME ?? homedir(), '.docker');
}

export class EndpointError extends Error {}

/**
 * @param host the `-H` flag or DOCKER_HOST; undefined or '' for the default socket
 * @param socketExists used to prefer Docker Desktop's per-user socket when it is there
 * @param where who gave `host`, for errors; `--host` by default
 */
export function resolveEndpoint(host: string | undefined, env: EndpointEnv, socketExists: (path: string) => boolean, where = '--host'): Endpoint {
	const value = (host ?? env.DOCKER_HOST ?? '').trim();
	const tlsVerify = env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0';
	const given = host === undefined ? `DOCKER_HOST=${value}` : where === '--host' ? `--host=${value}` : `${where}: ${value}`;
	const bad = (why: string): EndpointError =>
		new EndpointError(`${given} is not a Docker address (${why}): use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host`);

	if (value === '' || value === 'unix://') {
		const userSocket = join(env.HOME ?? homedir(), '.docker', 'run', 'docker.sock');
		const socketPath = socketExists(userSocket) ? userSocket : DEFAULT_SOCKET;
		return {kind: 'unix', socketPath, url: `unix://${socketPath}`};
	}
	if (value.startsWith('unix://')) {
		const socketPath = value.slice('unix://'.length);
		if (!socketPath.startsWith('/')) throw bad('the socket path must be absolute');
		return {kind: 'unix', socketPath, url: value};
	}
	const withScheme = value.includes('://') ? value : `tcp://${value}`;
	let url: URL;
	try {
		url = new URL(withScheme);
	} catch {
		throw bad('it does not parse as an address');
	}
	const scheme = url.protocol.replace(/:$/, '');
	const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
	if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
		throw bad('it has a path or query');
	}
	if (scheme === 'tcp') {
		const tls = tlsVerify || url.port === '2376';
		const port = url.port === '' ? (tls ? 2376 : 2375) : Number(url.port);
		const h = hostname === '' ? 'localhost' : hostname;
		const certDir = tls ? env.DOCKER_CERT_PATH || configDir(env) : null;
		return {kind: 'tcp', host: h, port, tls, certDir, url: `tcp://${h.includes(':') ? `[${h}]` : h}:${port}`};
	}
	if (scheme === 'ssh') {
		if (hostname === '') throw bad('the ssh host is empty');
		const port = url.port === '' ? null : Number(url.port);
		const username = url.username === '' ? null : decodeURIComponent(url.username);
		return {kind: 'ssh', host: hostname, port, username, url: `ssh://${username ? `${username}@` : ''}${hostname}${port !== null ? `:${port}` : ''}`};
	}
	throw bad(`unknown scheme ${scheme}://`);
}
