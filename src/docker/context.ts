/**
 * Docker CLI contexts (`docker context use rootless`), read the way the docker CLI reads them,
 * so that netwatch watches the engine that `docker ps` shows.
 *
 * Which context: `--context`; else none when `-H` or DOCKER_HOST names an engine; else
 * DOCKER_CONTEXT; else `currentContext` in $DOCKER_CONFIG/config.json (default ~/.docker).
 * The context called "default" is the engine that DOCKER_HOST or the default socket names.
 *
 * A context is two places under $DOCKER_CONFIG/contexts, each named by the SHA-256 of the
 * context's name: `meta/<hash>/meta.json` ({"Name", "Endpoints": {"docker": {"Host",
 * "SkipTLSVerify"}}}) and, for TLS, `tls/<hash>/docker/` with ca.pem, cert.pem and key.pem.
 *
 * The parsers and the choice are pure; `locateEngine` reads files through the `Files` it is given.
 */
import {createHash} from 'node:crypto';
import {join} from 'node:path';
import {configDir, EndpointError, resolveEndpoint, type Endpoint, type EndpointEnv} from './endpoint.js';

export const DEFAULT_CONTEXT = 'default';

export interface ContextEnv extends EndpointEnv {
	readonly DOCKER_CONTEXT?: string | undefined;
}

/** Who named the context: it is said in errors, so that a user knows what to change. */
export type ContextSource = '--context' | 'DOCKER_CONTEXT' | 'config.json';

export interface ContextChoice {
	readonly name: string;
	readonly from: ContextSource;
}

export interface EngineFlags {
	/** `--context` */
	readonly context?: string | undefined;
	/** `-H` */
	readonly host?: string | undefined;
}

/** The context named by the flags, the environment or config.json, in the docker CLI's order. */
function namedContext(flags: EngineFlags, env: ContextEnv, currentContext: string | null): ContextChoice | null {
	if (flags.context) return {name: flags.context, from: '--context'};
	if (flags.host !== undefined || (env.DOCKER_HOST ?? '') !== '') return null;
	if (env.DOCKER_CONTEXT) return {name: env.DOCKER_CONTEXT, from: 'DOCKER_CONTEXT'};
	if (currentContext) return {name: currentContext, from: 'config.json'};
	return null;
}

/** The context to use, or null for the default one (DOCKER_HOST, or the default socket). */
export function chooseContext(flags: EngineFlags, env: ContextEnv, currentContext: string | null): ContextChoice | null {
	const chosen = namedContext(flags, env, currentContext);
	return chosen && chosen.name !== DEFAULT_CONTEXT ? chosen : null;
}

/**
 * `currentContext` of a config.json, or null. The docker CLI warns about a config.json that
 * does not parse and goes on without it; so does this.
 */
export function parseCurrentContext(text: string): string | null {
	try {
		const config: unknown = JSON.parse(text);
		const current = (config as {currentContext?: unknown} | null)?.currentContext;
		return typeof current === 'string' && current !== '' ? current : null;
	} catch {
		return null;
	}
}

export interface ContextMeta {
	readonly name: string;
	/** The docker endpoint's address: unix://, tcp:// or ssh://. */
	readonly host: string;
	readonly skipTLSVerify: boolean;
}

/** A context's meta.json; null when it is not one or has no docker endpoint. */
export function parseContextMeta(text: string): ContextMeta | null {
	let meta: unknown;
	try {
		meta = JSON.parse(text);
	} catch {
		return null;
	}
	const m = meta as {Name?: unknown; Endpoints?: {docker?: {Host?: unknown; SkipTLSVerify?: unknown}}} | null;
	const docker = m?.Endpoints?.docker;
	if (typeof m?.Name !== 'string' || typeof docker?.Host !== 'string' || docker.Host === '') return null;
	return {name: m.Name, host: docker.Host, skipTLSVerify: docker.SkipTLSVerify === true};
}

/** Every context's name, as `docker context ls` lists them: the default one first, then the others by name. */
export function contextNames(metaTexts: readonly string[]): string[] {
	const names = metaTexts.flatMap(text => parseContextMeta(text)?.name ?? []).filter(n => n !== DEFAULT_CONTEXT);
	return [DEFAULT_CONTEXT, ...[...new Set(names)].sort()];
}

/** Where a context's meta.json and its TLS files are. */
export function contextPaths(dir: string, name: string): {readonly meta: string; readonly tls: string} {
	const hash = createHash('sha256').update(name).digest('hex');
	return {meta: join(dir, 'contexts', 'meta', hash, 'meta.json'), tls: join(dir, 'contexts', 'tls', hash, 'docker')};
}

/** The file reads `locateEngine` needs. `read` returns null for a file that cannot be read. */
export interface Files {
	exists(path: string): boolean;
	read(path: string): string | null;
}

export interface Engine {
	readonly endpoint: Endpoint;
	/** The context it came from; null for the default one. */
	readonly context: string | null;
}

/**
 * The engine to watch, decided as the docker CLI decides it: a context when one is chosen,
 * else `-H`, DOCKER_HOST or the default socket. Throws an EndpointError, one line with a hint,
 * when the choice cannot be followed.
 */
export function locateEngine(flags: EngineFlags, env: ContextEnv, files: Files): Engine {
	const dir = configDir(env);
	const configText = flags.context || flags.host !== undefined ? null : files.read(join(dir, 'config.json'));
	const choice = chooseContext(flags, env, configText === null ? null : parseCurrentContext(configText));
	if (choice === null) return {endpoint: resolveEndpoint(flags.host, env, files.exists), context: null};

	const where = `context "${choice.name}" (from ${choice.from})`;
	const paths = contextPaths(dir, choice.name);
	const text = files.read(paths.meta);
	if (text === null) throw new EndpointError(`${where} does not exist in ${dir}: see 'docker context ls'`);
	const meta = parseContextMeta(text);
	if (meta === null) throw new EndpointError(`${where} has no Docker endpoint in ${paths.meta}: see 'docker context inspect ${choice.name}'`);
	if (meta.skipTLSVerify) {
		throw new EndpointError(`${where} skips TLS verification, which netwatch does not do: give the context the engine's CA (docker context update --docker ca=…)`);
	}
	// TLS when the context holds certificates, as the docker CLI decides it for a context
	const tls = ['ca.pem', 'cert.pem', 'key.pem'].some(name => files.exists(join(paths.tls, name)));
	const contextEnv: EndpointEnv = {HOME: env.HOME, DOCKER_TLS_VERIFY: tls ? '1' : undefined, DOCKER_CERT_PATH: paths.tls};
	return {endpoint: resolveEndpoint(meta.host, contextEnv, files.exists, where), context: choice.name};
}
