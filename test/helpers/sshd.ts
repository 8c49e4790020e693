/**
 * A real OpenSSH server for a test, on 127.0.0.1 with a port, host keys, an authorised client
 * key and known_hosts of its own, all in a temporary folder, and a client config file (`ssh -F`)
 * that uses them. Its far side is this machine, whose docker CLI has `docker system
 * dial-stdio`. Debian's openssh-server is installed by scripts/docker-engine (as .ci/run runs it).
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir, userInfo} from 'node:os';
import {join} from 'node:path';
import {freeLoopbackPort, sh} from './docker.js';

export const SSHD = '/usr/sbin/sshd';

export interface Sshd {
	readonly port: number;
	readonly dir: string;
	/** A client config: `Host nwt-alias` is this server; every host gets the key and known_hosts below. */
	readonly config: string;
	/** known_hosts holding the server's key, one holding another key, and an empty one. */
	readonly knownHosts: {readonly right: string; readonly wrong: string; readonly none: string};
	/** `SHA256:…` of the key the server shows. */
	readonly fingerprint: string;
	readonly alias: string;
	stop(): Promise<void>;
}

async function keypair(path: string): Promise<string> {
	await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'netwatch-test', '-f', path]);
	return readFileSync(`${path}.pub`, 'utf8').trim();
}

/** Start sshd; it is stopped by `stop()`, and at once if it does not come up. */
export async function startSshd(ports: readonly [number, number] = [8220, 8299]): Promise<Sshd> {
	if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: run scripts/docker-engine up (it installs openssh-server)`);
	// sshd's privilege separation folder, which Debian's service would make
	mkdirSync('/run/sshd', {recursive: true, mode: 0o755});
	const dir = mkdtempSync(join(tmpdir(), 'netwatch-sshd-'));
	let child: ChildProcess | undefined;
	const stop = async (): Promise<void> => {
		if (child && child.exitCode === null && child.signalCode === null) {
			const gone = new Promise(resolve => child!.once('exit', resolve));
			child.kill('SIGTERM');
			await gone;
		}
		rmSync(dir, {recursive: true, force: true});
	};
	try {
		const hostKey = await keypair(join(dir, 'host_key'));
		const otherKey = await keypair(join(dir, 'other_host_key'));
		const clientKey = await keypair(join(dir, 'client_key'));
		const port = await freeLoopbackPort(...ports);
		writeFileSync(join(dir, 'authorized_keys'), `${clientKey}\n`);
		writeFileSync(
			join(dir, 'sshd_config'),
			[
				`Port ${port}`,
				'ListenAddress 127.0.0.1',
				`HostKey ${join(dir, 'host_key')}`,
				`AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
				`PidFile ${join(dir, 'sshd.pid')}`,
				'StrictModes no',
				'UsePAM no',
				'PasswordAuthentication no',
				'KbdInteractiveAuthentication no',
				'PermitRootLogin prohibit-password',
				`AllowUsers ${userInfo().username}`,
				'',
			].join('\n'),
		);
		const hostPattern = `[127.0.0.1]:${port}`;
		const knownHosts = {right: join(dir, 'known_hosts'), wrong: join(dir, 'known_hosts_wrong'), none: join(dir, 'known_hosts_none')};
		writeFileSync(knownHosts.right, `${hostPattern} ${hostKey}\n`);
		writeFileSync(knownHosts.wrong, `${hostPattern} ${otherKey}\n`);
		writeFileSync(knownHosts.none, '');
		const alias = 'nwt-alias';
		const config = join(dir, 'ssh_config');
		writeFileSync(
			config,
			[
				`Host ${alias}`,
				'  HostName 127.0.0.1',
				`  Port ${port}`,
				'Host *',
				`  User ${userInfo().username}`,
				`  IdentityFile ${join(dir, 'client_key')}`,
				'  IdentitiesOnly yes',
				'  IdentityAgent none',
				`  UserKnownHostsFile ${knownHosts.right}`,
				'  GlobalKnownHostsFile /dev/null',
				'  StrictHostKeyChecking yes',
				'',
			].join('\n'),
		);
		const fingerprint = /(SHA256:\S+)/.exec(await sh('ssh-keygen', ['-l', '-f', join(dir, 'host_key.pub')]))![1]!;

		// -D: in the foreground, a child of this test; -e: its log on stderr, where "listening" shows
		const server = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {stdio: ['ignore', 'ignore', 'pipe']});
		child = server;
		await new Promise<void>((resolve, reject) => {
			let log = '';
			const timer = setTimeout(() => reject(new Error(`sshd did not listen within 10 s: ${log}`)), 10_000);
			server.stderr!.on('data', (chunk: Buffer) => {
				log += chunk.toString();
				if (/Server listening on 127\.0\.0\.1 port/.test(log)) {
					clearTimeout(timer);
					resolve();
				}
			});
			server.once('exit', code => {
				clearTimeout(timer);
				reject(new Error(`sshd exited with ${code}: ${log}`));
			});
		});
		return {port, dir, config, knownHosts, fingerprint, alias, stop};
	} catch (error) {
		await stop();
		throw error;
	}
}
