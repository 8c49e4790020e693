import {describe, expect, it} from 'vitest';
import {EndpointError, resolveEndpoint} from '../../src/docker/endpoint.js';
import {explainDockerError} from '../../src/docker/errors.js';

const none = () => false;

describe('resolveEndpoint', () => {
	it('uses the default socket when nothing is set', () => {
		expect(resolveEndpoint(undefined, {HOME: '/nonexistent'}, none)).toEqual({kind: 'unix', socketPath: '/var/run/docker.sock', url: 'unix:///var/run/docker.sock'});
	});

	it("prefers Docker Desktop's per-user socket when it exists", () => {
		const e = resolveEndpoint(undefined, {HOME: '/home/u'}, p => p === '/home/u/.docker/run/docker.sock');
		expect(e).toMatchObject({kind: 'unix', socketPath: '/home/u/.docker/run/docker.sock'});
	});

	it('reads DOCKER_HOST, and -H wins over it', () => {
		expect(resolveEndpoint(undefined, {DOCKER_HOST: 'unix:///run/d.sock'}, none)).toMatchObject({kind: 'unix', socketPath: '/run/d.sock'});
		expect(resolveEndpoint('tcp://10.0.0.1:2375', {DOCKER_HOST: 'unix:///run/d.sock'}, none)).toMatchObject({kind: 'tcp', host: '10.0.0.1', port: 2375, tls: false});
	});

	it('reads tcp like the docker CLI: bare host:port, default ports, TLS', () => {
		expect(resolveEndpoint(undefined, {DOCKER_HOST: 'localhost:2375'}, none)).toMatchObject({kind: 'tcp', host: 'localhost', port: 2375});
		expect(resolveEndpoint(undefined, {DOCKER_HOST: 'tcp://'}, none)).toMatchObject({kind: 'tcp', host: 'localhost', port: 2375});
		expect(resolveEndpoint(undefined, {DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '1'}, none)).toMatchObject({port: 2376, tls: true});
		expect(resolveEndpoint(undefined, {DOCKER_HOST: 'tcp://h:2376'}, none)).toMatchObject({tls: true});
		expect(resolveEndpoint(undefined, {DOCKER_HOST: 'tcp://[::1]:2375'}, none)).toMatchObject({host: '::1', url: 'tcp://[::1]:2375'});
	});

	it('finds TLS certificates as the docker CLI does: DOCKER_CERT_PATH, else $DOCKER_CONFIG, else ~/.docker', () => {
		const tls = {DOCKER_HOST: 'tcp://h', DOCKER_TLS_VERIFY: '1', HOME: '/home/u'};
		expect(resolveEndpoint(undefined, tls, none)).toMatchObject({certDir: '/home/u/.docker'});
		expect(resolveEndpoint(undefined, {...tls, DOCKER_CONFIG: '/etc/dc'}, none)).toMatchObject({certDir: '/etc/dc'});
		expect(resolveEndpoint(undefined, {...tls, DOCKER_CONFIG: '/etc/dc', DOCKER_CERT_PATH: '/certs'}, none)).toMatchObject({certDir: '/certs'});
		expect(resolveEndpoint(undefined, {DOCKER_HOST: 'tcp://h:2375', HOME: '/home/u'}, none)).toMatchObject({tls: false, certDir: null});
	});

	it('reads ssh with user and port', () => {
		expect(resolveEndpoint(undefined, {DOCKER_HOST: 'ssh://ops@box:2222'}, none)).toEqual({kind: 'ssh', host: 'box', port: 2222, username: 'ops', url: 'ssh://ops@box:2222'});
		expect(resolveEndpoint(undefined, {DOCKER_HOST: 'ssh://box'}, none)).toMatchObject({port: null, username: null});
	});

	it.each([
		['foo://bar', /unknown scheme foo:\/\//],
		['tcp://127.0.0.1:abc', /does not parse/],
		['ssh://', /ssh host is empty|does not parse/],
		['unix://relative.sock', /must be absolute/],
		['tcp://h:2375/path', /path or query/],
		[':::', /does not parse/],
	])('rejects %s with a one-line reason and the forms it takes', (value, why) => {
		let error: unknown;
		try {
			resolveEndpoint(undefined, {DOCKER_HOST: value}, none);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(EndpointError);
		const message = (error as Error).message;
		expect(message).toMatch(why);
		expect(message).toContain(`DOCKER_HOST=${value}`);
		expect(message).toContain('unix:///path/to/docker.sock');
		expect(message).not.toContain('\n');
	});
});

describe('explainDockerError', () => {
	const unix = resolveEndpoint(undefined, {HOME: '/x'}, none);
	const tcp = resolveEndpoint('tcp://127.0.0.1:1', {}, none);

	// error shapes as dockerode reports them (design notes, §2)
	it.each([
		[{code: 'ENOENT', syscall: 'connect'}, unix, /no Docker socket at \/var\/run\/docker\.sock.*start dockerd/],
		[{code: 'EACCES', syscall: 'connect'}, unix, /permission denied on \/var\/run\/docker\.sock: run as root or join the docker group/],
		[{code: 'ECONNREFUSED', errno: -111}, unix, /nothing answers on \/var\/run\/docker\.sock/],
		[{code: 'ECONNREFUSED', errno: -111}, tcp, /connection refused by tcp:\/\/127\.0\.0\.1:1.*DOCKER_HOST/],
		[{statusCode: 500, message: '(HTTP code 500) server error - boom ', json: {message: 'boom'}}, unix, /answered 500: boom/],
		[new Error('socket hang up'), unix, /was lost/],
	])('explains %o in one line with a hint', (error, endpoint, expected) => {
		const text = explainDockerError(error, endpoint);
		expect(text).toMatch(expected);
		expect(text).not.toContain('\n');
	});
});
