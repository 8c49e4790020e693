/**
 * ssh:// engines through the system's OpenSSH, as the docker CLI reaches them: a real sshd on
 * 127.0.0.1 whose far side runs `docker system dial-stdio` against the real engine. The client
 * uses only the test's own config file (`ssh -F`, given in NETWATCH_SSH_COMMAND), with its
 * own key and known_hosts: the right host key works, a Host alias works, and a host key that
 * is unknown or not the one known_hosts holds stops netwatch with one line and status 3.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {sh, useTestbed, waitFor} from '../helpers/docker.js';
import {JsonStream, netwatch} from '../helpers/netwatch.js';
import {PtyScreen, TTY_REPORT, TTY_REPORT_END} from '../helpers/pty.js';
import {startSshd, type Sshd} from '../helpers/sshd.js';

const bed = useTestbed();
let sshd: Sshd;

beforeAll(async () => {
	sshd = await startSshd();
});

afterAll(async () => {
	await sshd?.stop();
});

/** The environment that makes netwatch's ssh use the test's config, and one known_hosts of the test's. */
function sshEnv(knownHosts = sshd.knownHosts.right): Record<string, string | undefined> {
	return {NETWATCH_SSH_COMMAND: `ssh -F ${sshd.config} -o UserKnownHostsFile=${knownHosts}`, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined};
}

describe('ssh:// through OpenSSH', () => {
	it('with the right host key: the engine behind sshd, its containers and its events, by address and by a Host alias', async () => {
		const first = await bed.container('over-ssh', [], ['sleep', '300']);
		for (const [i, host] of [`ssh://127.0.0.1:${sshd.port}`, `ssh://${sshd.alias}`].entries()) {
			const stream = new JsonStream(['-H', host], sshEnv());
			try {
				// the same engine as the local socket: it lists our container
				const seen = await stream.until('our container, over ssh', w => w.snapshots().find(x => x.containers.some(c => c.id === first.id)), 30_000);
				expect(seen.docker).toMatchObject({endpoint: host, state: 'connected', error: null, local: false});
				// and the events stream comes through ssh too
				const late = await bed.container(`late${i}`, [], ['sleep', '300']);
				await stream.sawEvent(late.id, 'start');
			} finally {
				await stream.stop();
			}
			expect(stream.stderr).toBe('');
		}
		// netwatch gone, its ssh processes end with it
		await waitFor('the ssh processes to end', async () => (await sh('pgrep', ['-f', sshd.config]).catch(() => '')) === '');
	});

	it.each([
		['changed', () => sshd.knownHosts.wrong, /has changed: it is now ssh-ed25519 (SHA256:\S+), not the one in known_hosts/],
		['unknown', () => sshd.knownHosts.none, /is not known: ssh-ed25519 (SHA256:\S+); ssh refused it/],
	])('a host key that is %s: one line naming the host and the fingerprint, status 3, in every mode', async (_, knownHosts, says) => {
		const host = `ssh://127.0.0.1:${sshd.port}`;
		const named = `[127.0.0.1]:${sshd.port}`;
		for (const args of [['--json', '--once'], ['--json'], ['--plain']]) {
			const r = await netwatch(['-H', host, ...args], sshEnv(knownHosts()));
			expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
			const lines = r.stderr.trimEnd().split('\n').filter(l => !l.includes('plain output'));
			expect(lines).toHaveLength(1);
			expect(lines[0]).toMatch(says);
			expect(says.exec(lines[0]!)![1]).toBe(sshd.fingerprint);
			expect(lines[0]).toContain(named);
		}
	});

	it('the dashboard, on a changed host key: ends with the line and status 3, the terminal restored', async () => {
		const env = sshEnv(sshd.knownHosts.wrong);
		const screen = new PtyScreen([], {cols: 160, rows: 48, env, shell: `bin/netwatch.js -H ssh://${sshd.alias}; echo "STATUS=$?"; ${TTY_REPORT}`});
		try {
			const text = await screen.waitFor(TTY_REPORT_END, 20_000);
			expect(text).toContain('STATUS=3');
			expect(text).toContain(`netwatch: ssh to ssh://${sshd.alias}: the host key of [127.0.0.1]:${sshd.port} has changed: it is now ssh-ed25519 ${sshd.fingerprint}`);
			expect(screen.inAlternateScreen()).toBe(false);
			expect(screen.cursorShown()).toBe(true);
			expect(text).toMatch(/(^|\s)icanon(\s|$)/m);
		} finally {
			screen.dispose();
		}
	});
});
