/**
 * ssh:// through the system's ssh: the command line built as the docker CLI builds it, and
 * ssh's stderr read into one line (real captured stderr; see test/fixtures/README.md).
 */
import {describe, expect, it} from 'vitest';
import {agentMismatch} from '../../src/collectors/agent.js';
import {HostKeyError, sshCommand, sshFailure, SshError} from '../../src/docker/ssh.js';
import {VERSION} from '../../src/record/format.js';
import {fixture} from '../helpers/fixtures.js';

const FINGERPRINT = 'SHA256:a8kUno3E+kPuYQGldJlPgyPLJWcCgzOpFJ69+Jt73l8';
const target = {host: '127.0.0.1', port: 8230, username: null};

describe('sshCommand', () => {
	it('runs docker system dial-stdio on the far side, in batch mode, with only the user and port the address gives', () => {
		expect(sshCommand({host: 'box', port: null, username: null}, undefined)).toEqual([
			'ssh',
			['-T', '-v', '-o', 'BatchMode=yes', '--', 'box', 'docker', 'system', 'dial-stdio'],
		]);
		expect(sshCommand({host: 'box', port: 2222, username: 'ops'}, undefined)[1]).toEqual([
			'-T', '-v', '-o', 'BatchMode=yes', '-l', 'ops', '-p', '2222', '--', 'box', 'docker', 'system', 'dial-stdio',
		]);
	});

	it('takes the ssh and its options from NETWATCH_SSH_COMMAND, split as a shell splits them', () => {
		const [file, args] = sshCommand({host: 'alias', port: null, username: null}, `/usr/bin/ssh -F '/tmp/my config' -o ProxyJump=bastion`);
		expect(file).toBe('/usr/bin/ssh');
		expect(args.slice(0, 4)).toEqual(['-F', '/tmp/my config', '-o', 'ProxyJump=bastion']);
		expect(args.slice(-5)).toEqual(['--', 'alias', 'docker', 'system', 'dial-stdio']);
	});
});

describe('netwatch on the far side', () => {
	it('is run with --agent and the interval, in place of dial-stdio', () => {
		expect(sshCommand({host: 'box', port: null, username: null}, undefined, ['node /opt/netwatch/bin/netwatch.js', '--agent', '-i', '1'])[1].slice(-6)).toEqual([
			'--',
			'box',
			'node /opt/netwatch/bin/netwatch.js',
			'--agent',
			'-i',
			'1',
		]);
	});

	it('serves when its format is one this netwatch reads; a newer one is named, with both versions', () => {
		const header = (version: number) => ({netwatch: 'recording' as const, version, started: '2026-12-03T06:00:00.000Z', interval: 1, hostname: 'box', netwatchVersion: '9.1.0'});
		expect(agentMismatch(header(VERSION), '0.1.0', 'box')).toBeNull();
		expect(agentMismatch(header(1), '0.1.0', 'box')).toBeNull();
		expect(agentMismatch(header(VERSION + 1), '0.1.0', 'box')).toBe(
			`netwatch 9.1.0 on box writes format ${VERSION + 1}, and this netwatch (0.1.0) reads up to ${VERSION}: install the same netwatch on both ends`,
		);
	});
});

describe('sshFailure', () => {
	it('a changed host key: names the host and the key it was shown', () => {
		const error = sshFailure(fixture('ssh/stderr-changed.txt'), target);
		expect(error).toBeInstanceOf(HostKeyError);
		expect(error!.message).toBe(
			`the host key of [127.0.0.1]:8230 has changed: it is now ssh-ed25519 ${FINGERPRINT}, not the one in known_hosts, so ssh refused it (someone may pose as the Docker host; if the key changed on purpose, run ssh-keygen -R [127.0.0.1]:8230)`,
		);
	});

	it.each(['unknown', 'unknown-ask'])('an unknown host key (%s): names the host and the key it was shown', name => {
		const error = sshFailure(fixture(`ssh/stderr-${name}.txt`), target);
		expect(error).toBeInstanceOf(HostKeyError);
		expect(error!.message).toMatch(new RegExp(`^the host key of \\[127\\.0\\.0\\.1\\]:8230 is not known: ssh-ed25519 ${FINGERPRINT.replace(/[+]/g, '\\+')}; `));
	});

	it('a refused connection: what ssh said, as ECONNREFUSED; nothing said, nothing to report', () => {
		const error = sshFailure(fixture('ssh/stderr-refused.txt'), target);
		expect(error).toBeInstanceOf(SshError);
		expect(error).toMatchObject({code: 'ECONNREFUSED', message: 'ssh: connect to host 127.0.0.1 port 8230: Connection refused'});
		expect(sshFailure('OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026\ndebug1: Exit status 0\n', target)).toBeNull();
	});
});
