import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {chooseContext, contextNames, contextPaths, locateEngine, parseContextMeta, parseCurrentContext, type Files} from '../../src/docker/context.js';
import {EndpointError} from '../../src/docker/endpoint.js';
import {fixture} from '../helpers/fixtures.js';

const DIR = '/home/ops/.docker';

/**
 * A docker config directory as `docker --config DIR context create …` left it (see
 * test/fixtures/README.md): config.json, and each context's meta.json under its hash.
 * `pem` lists the contexts whose TLS folder holds certificates.
 */
function configDirectory(options: {config?: string | null; pem?: readonly string[]} = {}): Files {
	const files = new Map<string, string>();
	const config = options.config === undefined ? fixture('docker/context/config.json') : options.config;
	if (config !== null) files.set(join(DIR, 'config.json'), config);
	for (const name of ['rootless', 'over-ssh', 'remote-tls', 'insecure']) {
		files.set(contextPaths(DIR, name).meta, fixture(`docker/context/meta-${name}.json`));
	}
	for (const name of options.pem ?? []) files.set(join(contextPaths(DIR, name).tls, 'ca.pem'), '');
	return {exists: path => files.has(path), read: path => files.get(path) ?? null};
}

const env = {HOME: '/home/ops'};

describe('the files of docker contexts', () => {
	it('finds a context under the SHA-256 of its name, where the docker CLI put it', () => {
		expect(contextPaths(DIR, 'rootless')).toEqual({
			meta: `${DIR}/contexts/meta/12b961af5feb3e9d39f93b2cefb9a1a944f18d02cca0cac2f04f5a982240605f/meta.json`,
			tls: `${DIR}/contexts/tls/12b961af5feb3e9d39f93b2cefb9a1a944f18d02cca0cac2f04f5a982240605f/docker`,
		});
		expect(contextPaths(DIR, 'remote-tls').tls).toBe(`${DIR}/contexts/tls/23c8f454b38298f642b47a0456a0e58c24d1b48f79c40bd9bddac2451cd459e8/docker`);
	});

	it("reads config.json's current context, and goes on without a config.json that does not parse", () => {
		expect(parseCurrentContext(fixture('docker/context/config.json'))).toBe('rootless');
		expect(parseCurrentContext('{"auths": {}}')).toBeNull();
		expect(parseCurrentContext('{"currentContext": ""}')).toBeNull();
		expect(parseCurrentContext('{"currentContext": ')).toBeNull();
		expect(parseCurrentContext('null')).toBeNull();
	});

	it("reads a context's docker endpoint from its meta.json", () => {
		expect(parseContextMeta(fixture('docker/context/meta-rootless.json'))).toEqual({name: 'rootless', host: 'unix:///run/user/1000/docker.sock', skipTLSVerify: false});
		expect(parseContextMeta(fixture('docker/context/meta-over-ssh.json'))).toEqual({name: 'over-ssh', host: 'ssh://deploy@build.example:2222', skipTLSVerify: false});
		expect(parseContextMeta(fixture('docker/context/meta-insecure.json'))).toMatchObject({skipTLSVerify: true});
		expect(parseContextMeta('{"Name":"k8s","Metadata":{},"Endpoints":{"kubernetes":{}}}')).toBeNull();
		expect(parseContextMeta('{"Name":')).toBeNull();
	});

	it('--contexts all: every context as docker context ls lists them, default first, then by name', () => {
		const texts = ['rootless', 'over-ssh', 'remote-tls', 'insecure'].map(name => fixture(`docker/context/meta-${name}.json`));
		expect(contextNames([...texts, 'not json'])).toEqual(['default', 'insecure', 'over-ssh', 'remote-tls', 'rootless']);
		expect(contextNames([])).toEqual(['default']);
	});
});

describe('which context', () => {
	it('decides as the docker CLI does: --context, then -H or DOCKER_HOST, then DOCKER_CONTEXT, then config.json', () => {
		expect(chooseContext({context: 'a', host: 'unix:///x'}, {DOCKER_HOST: 'unix:///y', DOCKER_CONTEXT: 'b'}, 'c')).toEqual({name: 'a', from: '--context'});
		expect(chooseContext({host: 'unix:///x'}, {DOCKER_CONTEXT: 'b'}, 'c')).toBeNull();
		expect(chooseContext({}, {DOCKER_HOST: 'unix:///y', DOCKER_CONTEXT: 'b'}, 'c')).toBeNull();
		expect(chooseContext({}, {DOCKER_CONTEXT: 'b'}, 'c')).toEqual({name: 'b', from: 'DOCKER_CONTEXT'});
		expect(chooseContext({}, {}, 'c')).toEqual({name: 'c', from: 'config.json'});
		expect(chooseContext({}, {}, null)).toBeNull();
	});

	it('takes the context called "default" to mean DOCKER_HOST or the default socket', () => {
		expect(chooseContext({context: 'default'}, {}, 'c')).toBeNull();
		expect(chooseContext({}, {DOCKER_CONTEXT: 'default'}, 'c')).toBeNull();
		expect(chooseContext({}, {}, 'default')).toBeNull();
	});
});

describe('locateEngine', () => {
	it("follows config.json's current context to its socket", () => {
		expect(locateEngine({}, env, configDirectory())).toEqual({
			endpoint: {kind: 'unix', socketPath: '/run/user/1000/docker.sock', url: 'unix:///run/user/1000/docker.sock'},
			context: 'rootless',
		});
	});

	it('reads $DOCKER_CONFIG instead of ~/.docker', () => {
		const files = configDirectory();
		// the same files, found under /etc/dc only
		const there = (p: string): string => (p.startsWith('/etc/dc/') ? p.replace('/etc/dc', DIR) : '/nowhere');
		const moved: Files = {exists: p => files.exists(there(p)), read: p => files.read(there(p))};
		expect(locateEngine({}, {...env, DOCKER_CONFIG: '/etc/dc'}, moved).context).toBe('rootless');
		expect(locateEngine({}, env, moved).context).toBeNull();
	});

	it('leaves the contexts alone when -H or DOCKER_HOST names an engine, or there is no config.json', () => {
		expect(locateEngine({host: 'unix:///run/d.sock'}, env, configDirectory())).toMatchObject({endpoint: {socketPath: '/run/d.sock'}, context: null});
		expect(locateEngine({}, {...env, DOCKER_HOST: 'tcp://127.0.0.1:2375'}, configDirectory())).toMatchObject({endpoint: {kind: 'tcp', port: 2375}, context: null});
		expect(locateEngine({}, env, configDirectory({config: null}))).toMatchObject({endpoint: {socketPath: '/var/run/docker.sock'}, context: null});
	});

	it('reaches an ssh context, and a tcp context with TLS from its own certificates', () => {
		expect(locateEngine({context: 'over-ssh'}, env, configDirectory())).toMatchObject({
			endpoint: {kind: 'ssh', host: 'build.example', port: 2222, username: 'deploy'},
			context: 'over-ssh',
		});
		expect(locateEngine({}, {...env, DOCKER_CONTEXT: 'remote-tls'}, configDirectory({pem: ['remote-tls']})).endpoint).toEqual({
			kind: 'tcp',
			host: '10.0.0.5',
			port: 2376,
			tls: true,
			certDir: contextPaths(DIR, 'remote-tls').tls,
			url: 'tcp://10.0.0.5:2376',
		});
	});

	it.each([
		[{context: 'nope'}, {}, /^context "nope" \(from --context\) does not exist in \/home\/ops\/\.docker: see 'docker context ls'$/],
		[{}, {DOCKER_CONTEXT: 'nope'}, /^context "nope" \(from DOCKER_CONTEXT\) does not exist/],
		[{context: 'insecure'}, {}, /^context "insecure" \(from --context\) skips TLS verification, which netwatch does not do: /],
	])('%j %j: one line that says which context, who named it, and what to do', (flags, extra, message) => {
		expect(() => locateEngine(flags, {...env, ...extra}, configDirectory())).toThrow(EndpointError);
		expect(() => locateEngine(flags, {...env, ...extra}, configDirectory())).toThrow(message);
	});

	it("says so when config.json's current context is gone", () => {
		const files = configDirectory({config: '{"currentContext": "gone"}'});
		expect(() => locateEngine({}, env, files)).toThrow(/^context "gone" \(from config\.json\) does not exist/);
	});

	it("names the context when its address is not one", () => {
		const files = configDirectory();
		const broken: Files = {...files, read: p => (p === contextPaths(DIR, 'rootless').meta ? '{"Name":"rootless","Endpoints":{"docker":{"Host":"tcp://h:abc"}}}' : files.read(p))};
		expect(() => locateEngine({}, env, broken)).toThrow(/^context "rootless" \(from config\.json\): tcp:\/\/h:abc is not a Docker address/);
	});
});
