/**
 * `--metrics`: a real Prometheus (Debian's package, installed by scripts/docker-engine) scrapes
 * netwatch on 127.0.0.1 and answers queries on what it scraped: a container's packet counters
 * with its labels, the port it listens on, an open diagnosis of its kind. netwatch runs with
 * --json beside it, and alone, as a service with no terminal.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {freeLoopbackPort, useTestbed, waitFor} from '../helpers/docker.js';
import {BIN, childEnv, JsonStream, netwatch} from '../helpers/netwatch.js';

const bed = useTestbed();
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
	for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Sample {
	readonly metric: Record<string, string>;
	readonly value: [number, string];
}

/** Prometheus on 127.0.0.1, scraping `target` every second, with its data in a folder of its own. */
async function startPrometheus(target: string): Promise<{query(promql: string): Promise<Sample[]>}> {
	const dir = mkdtempSync(join(tmpdir(), 'netwatch-prometheus-'));
	const port = await freeLoopbackPort(8240, 8299);
	writeFileSync(
		join(dir, 'prometheus.yml'),
		['global:', '  scrape_interval: 1s', 'scrape_configs:', '  - job_name: netwatch', '    static_configs:', `      - targets: ['${target}']`, ''].join('\n'),
	);
	const child: ChildProcess = spawn(
		'prometheus',
		[`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
		{stdio: 'ignore'},
	);
	cleanups.push(async () => {
		if (child.exitCode === null && child.signalCode === null) {
			const gone = new Promise(resolve => child.once('exit', resolve));
			child.kill('SIGTERM');
			await gone;
		}
		rmSync(dir, {recursive: true, force: true});
	});
	const api = `http://127.0.0.1:${port}`;
	await waitFor('Prometheus to be ready', async () => (await fetch(`${api}/-/ready`)).ok, 30_000, 200);
	return {
		async query(promql) {
			const answer = (await (await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as {status: string; data: {result: Sample[]}};
			if (answer.status !== 'success') throw new Error(`${promql}: ${JSON.stringify(answer)}`);
			return answer.data.result;
		},
	};
}

/** Wait until Prometheus answers `promql` with a sample that `test` accepts. */
function answered(prometheus: {query(promql: string): Promise<Sample[]>}, promql: string, test: (s: Sample) => boolean = () => true): Promise<Sample> {
	return waitFor(`Prometheus to answer ${promql}`, async () => (await prometheus.query(promql)).find(test), 30_000, 250);
}

describe('--metrics', () => {
	it('Prometheus scrapes it: packet counters labelled by container, Compose project and network mode; listening ports; diagnoses by kind', async () => {
		// five pings to the bridge's gateway (its default route), then an HTTP server on 8080:
		// traffic and a listening port
		const c = await bed.container('metrics', ['--label', 'com.docker.compose.project=nwtproj'], [
			'sh',
			'-c',
			'ping -c 5 -i 0.2 $(ip route | awk "/default/ {print \\$3}") >/dev/null; httpd -f -p 8080 -h /www',
		]);
		const port = await freeLoopbackPort(8240, 8299);
		const stream = new JsonStream(['--metrics', `127.0.0.1:${port}`]);
		cleanups.push(async () => void (await stream.stop()));
		// --json goes on beside it
		await stream.until('our container in a snapshot', s => s.snapshots().some(x => x.containers.some(y => y.id === c.id)));
		const prometheus = await startPrometheus(`127.0.0.1:${port}`);

		expect((await answered(prometheus, 'up{job="netwatch"}')).value[1]).toBe('1');
		const sent = await answered(
			prometheus,
			`netwatch_interface_transmit_packets_total{namespace="container",container="${c.name}",interface="eth0"}`,
			s => Number(s.value[1]) >= 5,
		);
		expect(sent.metric).toMatchObject({compose_project: 'nwtproj', network_mode: 'bridge'});
		// the same packets, seen from the host's end of its veth: received there
		const veth = await answered(prometheus, `netwatch_interface_receive_packets_total{namespace="host",container="${c.name}"}`, s => Number(s.value[1]) >= 5);
		expect(veth.metric['interface']).toMatch(/^veth/);
		// counters, not rates: Prometheus takes the rate itself
		await answered(prometheus, `rate(netwatch_interface_transmit_bytes_total{container="${c.name}",namespace="container"}[10s])`);
		const listening = await answered(prometheus, `netwatch_listening_sockets{container="${c.name}",port="8080",proto="tcp"}`);
		expect(listening.value[1]).toBe('1');
		// a diagnosis: a second web server on the host network, on the port the first one holds
		const webPort = await freeLoopbackPort(8240, 8299);
		const web = ['httpd', '-f', '-p', String(webPort), '-h', '/www'];
		const web1 = await bed.container('web1', ['--net=host'], web);
		await stream.until('web1 listening', s => s.snapshots().at(-1)!.host.listening.some(l => l.port === webPort && l.container?.id === web1.id));
		const web2 = await bed.container('web2', ['--net=host'], web);
		await stream.until('the alert', s => s.alerts().some(a => a.containerId === web2.id));
		await answered(prometheus, 'netwatch_diagnoses_open{kind="EADDRINUSE"}', s => Number(s.value[1]) >= 1);
		expect(stream.stderr).toBe('');
	});

	it('alone, with no terminal: says where once, serves until stopped, status 0; a port in use is one line, status 1', async () => {
		const port = await freeLoopbackPort(8240, 8299);
		const child = spawn(BIN, ['--metrics', `127.0.0.1:${port}`], {env: childEnv(), stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		const exited = new Promise<number | null>(resolve => child.once('close', resolve));
		cleanups.push(() => void child.kill('SIGKILL'));
		// served at once; Docker up once the engine has answered
		const text = await waitFor('the metrics, with Docker up', async () => {
			const r = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => null);
			const body = r?.ok ? await r.text() : '';
			return /^netwatch_docker_up 1$/m.test(body) && body;
		});
		expect(text.endsWith('# EOF\n')).toBe(true);

		const taken = await netwatch(['--metrics', `127.0.0.1:${port}`, '--json']);
		expect(taken.code).toBe(1);
		expect(taken.stderr).toBe(`netwatch: cannot serve metrics on 127.0.0.1:${port}: the port is in use\n`);

		child.kill('SIGTERM');
		expect(await exited).toBe(0);
		expect(stdout).toBe('');
		expect(stderr).toBe(`netwatch: serving OpenMetrics at http://127.0.0.1:${port}/metrics until stopped\n`);
	});
});
