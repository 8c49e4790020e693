/**
 * ssh:// engines through the system's OpenSSH, as the docker CLI reaches them: a real sshd on
 * 127.0.0.1 whose far side runs `docker system dial-stdio` against the real engine. The client
 * uses only the test's own config file (`ssh -F`, given in NETWATCH_SSH_COMMAND), with its
 * own key and known_hosts: the right host key works, a Host alias works, and a host key that
 * is unknown or not the one known_hosts holds stops netwatch with one line and status 3.
 *
 * With netwatch on the far side (`--remote-netwatch`, here this build), the view is its own:
 * the host's sockets and their owners, over the same ssh. Without it, or with one that cannot
 * serve this one, the engine API, and the header says why.
 *
 * Several engines in one view: the local socket and the same engine again through sshd. Every
 * record says its engine; a link that drops is made again while the other engine goes on; the
 * dashboard has a host bar, and keys switch engines.
 */
import {chmod, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {freePort, sh, useTestbed, waitFor} from '../helpers/docker.js';
import {BIN, JsonStream, netwatch, type OnceDocument} from '../helpers/netwatch.js';
import {PtyScreen, TTY_REPORT, TTY_REPORT_END} from '../helpers/pty.js';
import {startSshd, type Sshd} from '../helpers/sshd.js';

/** This build, as the far side runs it. */
const HERE = `${process.execPath} ${BIN}`;
const LOCAL = 'unix:///var/run/docker.sock';

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

describe('netwatch on the host, over the same ssh', () => {
	const here = HERE;
	const seeing = (stream: JsonStream, id: string): OnceDocument | undefined => stream.snapshots().find(x => x.containers.some(c => c.id === id));

	it('runs there with --agent: the host\'s own sockets and their owners, and the header says whose view it is', async () => {
		const {version} = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string};
		const port = await freePort();
		const web = await bed.container('agent-web', ['--network', 'host'], ['httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', '/www']);
		const pid = await bed.pid(web.name);
		const bridged = await bed.container('agent-bridged', [], ['sleep', '300']);
		const stream = new JsonStream(['-H', `ssh://${sshd.alias}`, '--remote-netwatch', here], sshEnv());
		try {
			// the engine API has no sockets and no /proc: a listener with its owner, and a bridged
			// container's counters read in its namespace, can only be the host's own view
			const seen = await stream.until(
				'our host-network server, its socket owned, and the bridged container read from /proc',
				w =>
					w.snapshots().find(x => {
						const owned = x.containers.find(c => c.id === web.id)?.listening.some(l => l.port === port && l.pid === pid);
						return owned && x.containers.find(c => c.id === bridged.id)?.source === 'proc';
					}),
				30_000,
			);
			expect(seen.docker).toMatchObject({endpoint: `ssh://${sshd.alias}`, state: 'connected', error: null, local: false, agent: version, agentNote: null});
			const late = await bed.container('agent-late', [], ['sleep', '300']);
			await stream.sawEvent(late.id, 'start');
		} finally {
			await stream.stop();
		}
		expect(stream.stderr).toBe('');
		// the agent on the far side ends with the link
		await waitFor('the agent to end', async () => (await sh('pgrep', ['-f', '--', `${BIN} --agent`]).catch(() => '')) === '');
	});

	it('not installed there: the engine API, and the header says so', async () => {
		const first = await bed.container('no-agent', [], ['sleep', '300']);
		const stream = new JsonStream(['-H', `ssh://${sshd.alias}`, '--remote-netwatch', '/nonexistent/netwatch'], sshEnv());
		try {
			const seen = await stream.until('our container, through the engine API', w => seeing(w, first.id), 30_000);
			expect(seen.docker).toMatchObject({state: 'connected', agent: null, agentNote: `/nonexistent/netwatch is not on ${sshd.alias}`});
		} finally {
			await stream.stop();
		}
		expect(stream.stderr).toBe('');
	});

	it('a netwatch there that writes a newer format: both versions named, and the engine API', async () => {
		// a stand-in for a later netwatch: its first line, as a later version would write it, then it waits for ssh to close
		const dir = await mkdtemp(join(tmpdir(), 'nwt-agent-'));
		const later = join(dir, 'netwatch');
		const header = JSON.stringify({netwatch: 'recording', version: 99, started: new Date().toISOString(), interval: 1, hostname: 'later', netwatchVersion: '99.0.0'});
		await writeFile(later, `#!/bin/sh\necho '${header}'\nexec cat >/dev/null\n`);
		await chmod(later, 0o755);
		const first = await bed.container('newer-agent', [], ['sleep', '300']);
		const stream = new JsonStream(['-H', `ssh://${sshd.alias}`, '--remote-netwatch', later], sshEnv());
		try {
			const seen = await stream.until('our container, through the engine API', w => seeing(w, first.id), 30_000);
			expect(seen.docker.agent).toBeNull();
			expect(seen.docker.agentNote).toMatch(new RegExp(`^netwatch 99\\.0\\.0 on ${sshd.alias} writes format 99, and this netwatch \\(\\S+\\) reads up to \\d+: install the same netwatch on both ends$`));
		} finally {
			await stream.stop();
			await rm(dir, {recursive: true, force: true});
		}
	});
});

describe('several engines in one view', () => {
	it('--json: each record says its engine; a link that drops is made again on its own, and the other engine goes on', async () => {
		const remote = `ssh://${sshd.alias}`;
		const first = await bed.container('two', [], ['sleep', '300']);
		const stream = new JsonStream(['-H', LOCAL, '-H', remote, '--remote-netwatch', HERE], sshEnv());
		try {
			for (const host of [LOCAL, remote]) {
				await stream.until(`our container, on ${host}`, w => w.snapshots().find(x => x.engine === host && x.containers.some(c => c.id === first.id)), 30_000);
			}
			// the link to the second engine drops: netwatch's ssh processes are killed
			await sh('pkill', ['-f', sshd.config]);
			await stream.until('the drop, said on stderr', w => w.stderr.includes(`${remote}: the link to netwatch on ${sshd.alias} dropped`), 30_000);
			const mark = stream.records.length;
			await stream.until('two more samples of the first engine', w => w.records.slice(mark).filter(r => r.type === 'snapshot' && r.engine === LOCAL).length >= 2);
			// and the second comes back by itself, with what happened meanwhile
			const late = await bed.container('two-late', [], ['sleep', '300']);
			await stream.until('the second engine back, with the late container', w => w.snapshots().find(x => x.engine === remote && x.docker.state === 'connected' && x.containers.some(c => c.id === late.id)), 30_000);
			for (const host of [LOCAL, remote]) await stream.until(`the late container's start, on ${host}`, w => w.events().find(e => (e as {engine?: string}).engine === host && e.id === late.id && e.action === 'start'));
			expect(stream.records.every(r => r.engine === LOCAL || r.engine === remote)).toBe(true);
		} finally {
			await stream.stop();
		}
	});

	it('--json --once: one document per engine, each named', async () => {
		const r = await netwatch(['-H', LOCAL, '-H', `ssh://${sshd.alias}`, '--engine-api', '--json', '--once'], sshEnv());
		expect(r.code, r.stderr).toBe(0);
		const docs = r.stdout.trim().split('\n').map(line => JSON.parse(line) as OnceDocument);
		expect(docs.map(d => [d.engine, d.docker.endpoint, d.docker.state])).toEqual([
			[LOCAL, LOCAL, 'connected'],
			[`ssh://${sshd.alias}`, `ssh://${sshd.alias}`, 'connected'],
		]);
	});

	it('the dashboard: a host bar with each engine; 2, [ and ] switch the view', async () => {
		const remote = `ssh://${sshd.alias}`;
		const screen = new PtyScreen(['-H', LOCAL, '-H', remote, '--engine-api'], {cols: 160, rows: 48, env: sshEnv()});
		try {
			const bar = new RegExp(`^1 \\[${LOCAL.replace(/\//g, '\\/')}\\] ✓ .*2 ${remote.replace(/\//g, '\\/')} ✓`, 'm');
			await screen.waitFor(bar, 30_000);
			expect((await screen.lines())[0]).toContain(`Docker 20.10`);
			screen.press('2');
			await screen.waitFor(s => s.split('\n')[0]!.includes(remote) && s.includes(`2 [${remote}]`));
			screen.press('[');
			await screen.waitFor(s => s.split('\n')[0]!.includes(LOCAL) && s.includes(`1 [${LOCAL}]`));
			screen.press(']');
			await screen.waitFor(s => s.includes(`2 [${remote}]`));
		} finally {
			screen.dispose();
		}
	});
});
