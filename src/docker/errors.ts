/** One-line explanations of why Docker cannot be used, each with a hint. */
import type {Endpoint} from './endpoint.js';
import {HostKeyError} from './ssh.js';

interface ErrorLike {
	code?: unknown;
	statusCode?: unknown;
	message?: unknown;
	json?: unknown;
}

function oneLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
}

/** Any failure to talk to Docker -> one line that says what is wrong and what to do. */
export function explainDockerError(error: unknown, endpoint: Endpoint): string {
	if (error instanceof HostKeyError) return `ssh to ${endpoint.url}: ${error.message}`;
	const e = (error ?? {}) as ErrorLike;
	const code = typeof e.code === 'string' ? e.code : '';
	const message = oneLine(typeof e.message === 'string' ? e.message : String(error));
	const where = endpoint.kind === 'unix' ? endpoint.socketPath : endpoint.url;
	switch (code) {
		case 'ENOENT':
			return `no Docker socket at ${where}: is the Docker engine running? (start dockerd, or set DOCKER_HOST)`;
		case 'EACCES':
		case 'EPERM':
			return `permission denied on ${where}: run as root or join the docker group`;
		case 'ECONNREFUSED':
			if (endpoint.kind === 'unix') return `nothing answers on ${where}: the Docker engine is not running (start dockerd)`;
			if (endpoint.kind === 'ssh') return `connection refused by ${where}: is sshd listening there? (ssh said: ${message})`;
			return `connection refused by ${where}: is dockerd listening there? (check DOCKER_HOST)`;
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return `cannot resolve the host in ${where}: check DOCKER_HOST`;
		case 'ETIMEDOUT':
		case 'ECONNRESET':
		case 'EPIPE':
			return `the connection to ${where} was lost (${code}): is the Docker engine restarting?`;
		case 'ENOTSOCK':
			return `${where} is not a socket: check DOCKER_HOST`;
		default:
			break;
	}
	if (typeof e.statusCode === 'number') {
		const json = (e.json ?? {}) as {message?: unknown};
		const detail = typeof json.message === 'string' ? oneLine(json.message) : message;
		return `Docker at ${where} answered ${e.statusCode}: ${detail}`;
	}
	if (/socket hang up|aborted/i.test(message)) {
		return `the connection to ${where} was lost: is the Docker engine restarting?`;
	}
	if (/certificate|self[- ]signed|SSL|TLS/i.test(message)) {
		return `TLS with ${where} failed: ${message} (check DOCKER_CERT_PATH and DOCKER_TLS_VERIFY)`;
	}
	if (endpoint.kind === 'ssh') {
		return `ssh to ${where} failed: ${message} (see what 'ssh ${endpoint.host} docker version' says)`;
	}
	if (/timeout|timed out/i.test(message) || message === '') {
		return `no answer from ${where} in time: check DOCKER_HOST and that dockerd is running`;
	}
	return `cannot talk to Docker at ${where}: ${message}`;
}
