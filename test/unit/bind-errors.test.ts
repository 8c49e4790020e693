/**
 * The bind-error matcher against the corpus of real lines in test/fixtures/bind-errors (each
 * entry names its server, version and how it was captured), and the behaviours the corpus
 * cannot show on its own.
 */
import {describe, expect, it} from 'vitest';
import {findBindFailure, matchBindFailure} from '../../src/parsers/bind-errors.js';
import {portsFromCommand} from '../../src/parsers/command-port.js';
import {logLines} from '../../src/parsers/docker-logs.js';
import {corpus, fixtureBytes} from '../helpers/fixtures.js';

interface Positive {
	readonly server: string;
	readonly version: string;
	readonly kind: string;
	readonly port: number | null;
	/** false where the lines do not state the error at all (a server that only says it failed). */
	readonly errorInLines?: boolean;
	readonly lines: readonly string[];
}
interface Negative {
	readonly program: string;
	readonly lines: readonly string[];
}

const positives = corpus<Positive>('bind-errors/positives.jsonl');
const negatives = corpus<Negative>('bind-errors/negatives.jsonl');

describe('the corpus', () => {
	const results = positives.map(p => ({p, found: findBindFailure(p.lines)}));
	const right = results.filter(({p, found}) => found?.kind === p.kind && found.port === p.port);
	const stated = results.filter(({p}) => p.errorInLines !== false);

	it('holds at least 30 servers and 60 negatives', () => {
		expect(new Set(positives.map(p => p.server)).size).toBeGreaterThanOrEqual(30);
		expect(negatives.length).toBeGreaterThanOrEqual(60);
	});

	it('precision: every failure it claims is of the right kind, and no healthy line is one', () => {
		const wrong = results.filter(({p, found}) => found !== null && found.kind !== p.kind).map(({p, found}) => `${p.server}: ${found!.kind}`);
		expect(wrong).toEqual([]);
		const falseAlarms = negatives.filter(n => findBindFailure(n.lines) !== null).map(n => `${n.program}: ${findBindFailure(n.lines)!.line}`);
		expect(falseAlarms).toEqual([]);
	});

	it('recall: at least 95% of the failures whose lines state the error, with the right port', () => {
		const statedRight = right.filter(({p}) => p.errorInLines !== false).length;
		const missed = stated.filter(r => !right.includes(r)).map(({p, found}) => `${p.server} ${p.kind} ${p.port}: ${found ? `${found.kind} ${found.port}` : 'missed'}`);
		expect(statedRight / stated.length, missed.join('\n')).toBeGreaterThanOrEqual(0.95);
	});
});

describe('matchBindFailure', () => {
	it('tells the three errors apart', () => {
		expect(matchBindFailure('[ALERT]    (4167) : Binding [haproxy.cfg:9] for frontend fe: cannot bind socket (Permission denied) for [0.0.0.0:80]')).toMatchObject({kind: 'EACCES', port: 80});
		expect(matchBindFailure('(13)Permission denied: AH00072: make_sock: could not bind to address [::]:80')).toMatchObject({kind: 'EACCES', port: 80, rule: 'apache'});
		expect(matchBindFailure('LOG:  could not bind IPv4 address "10.9.9.9": Cannot assign requested address')).toMatchObject({kind: 'EADDRNOTAVAIL'});
		expect(matchBindFailure('Error: Address in use')).toBeNull();
		expect(matchBindFailure('thread main panicked: Os { code: 98, kind: AddrInUse, message: "Address in use" }')).toMatchObject({kind: 'EADDRINUSE'});
	});

	it('marks Docker publishing failures, and reads the protocol from Go-style lines', () => {
		expect(matchBindFailure('driver failed programming external connectivity on endpoint nw-p2 (7568ad8b): Bind for 127.0.0.1:18472 failed: port is already allocated')).toMatchObject({publish: true, port: 18472});
		expect(matchBindFailure('listen udp :5353: bind: address already in use')!.proto).toBe('udp');
		expect(matchBindFailure('listen tcp6 [::]:8080: bind: address already in use')).toMatchObject({proto: 'tcp', port: 8080, address: '::'});
	});

	it('says which failures a rule of their own recognises: only those are claimed of a running container', () => {
		expect(matchBindFailure('httpd: bind: Address in use')).toMatchObject({rule: 'perror', program: 'httpd', specific: true});
		expect(matchBindFailure('nc: bind: Address already in use')).toMatchObject({rule: 'netcat', program: 'nc', specific: true});
		expect(matchBindFailure('bind failed: Address already in use')).toMatchObject({rule: 'errno', specific: false});
	});

	it('infers from supervisord only as a candidate', () => {
		expect(matchBindFailure('2019-12-26 04:57:29,664 INFO exited: httpd (exit status 1; not expected)')).toMatchObject({rule: 'supervisord', inferred: true, specific: false, program: 'httpd'});
		expect(matchBindFailure('INFO exited: web (exit status 0; expected)')).toBeNull();
	});

	it.each([
		// a sentence that quotes the error is not the error
		"signup rejected: the email address was already in use",
		"test 'address already in use' passed",
		// an outgoing connection
		'connect() to 10.0.0.1:80 failed (99: Cannot assign requested address) while connecting to upstream',
		// a unix socket is not a port
		'Error: listen EADDRINUSE: address already in use /tmp/app.sock',
		'nginx: [emerg] bind() to unix:/run/app.sock failed (98: Address already in use)',
		// a file that cannot be opened
		'open /etc/app/config.yaml: permission denied',
	])('is not fooled by %s', line => {
		expect(matchBindFailure(line)).toBeNull();
	});
});

describe('findBindFailure', () => {
	it('takes the port from a neighbouring line of the same failure', () => {
		expect(findBindFailure(['Unhandled exception. System.IO.IOException: Failed to bind to address http://[::]:80: address already in use.'])).toMatchObject({port: 80});
		expect(findBindFailure(['2026-12-02 11:02:02 [error] could not bind listener', '  cause: Address already in use', '  address: 0.0.0.0:18950'])).toMatchObject({kind: 'EADDRINUSE', port: 18950});
	});

	it('forgets a failure the same log shows overcome', () => {
		const retried = ["[ERROR] Connection in use: ('0.0.0.0', 8000)", '[ERROR] Retrying in 1 second.', '[INFO] Listening at: http://0.0.0.0:8000 (1)'];
		expect(findBindFailure(retried)).toBeNull();
		expect(findBindFailure(retried.slice(0, 2))).toMatchObject({rule: 'gunicorn', port: 8000});
	});

	it('prefers a real failure to an inference, and one that names the port', () => {
		const mixed = ['INFO exited: web (exit status 1; not expected)', 'httpd: bind: Address already in use', 'INFO gave up: web entered FATAL state, too many start retries too quickly'];
		expect(findBindFailure(mixed)).toMatchObject({rule: 'perror', line: 'httpd: bind: Address already in use'});
		expect(findBindFailure(['all good', 'still good'])).toBeNull();
	});

	it('reads the captured log of the second host-mode httpd, multiplexed and with a TTY', () => {
		const plain = logLines(fixtureBytes('docker/logs-h2-multiplexed.bin'), false);
		expect(plain).toEqual(['httpd: bind: Address already in use']);
		expect(logLines(fixtureBytes('docker/logs-tty-raw.bin'), true)).toEqual(plain);
		expect(findBindFailure(plain)).toMatchObject({rule: 'perror', program: 'httpd', port: null});
	});
});

describe('portsFromCommand', () => {
	it.each([
		[['httpd', '-f', '-p', '8080', '-h', '/www'], [8080]],
		[['httpd', '-f', '-p', '127.0.0.1:8081'], [8081]],
		[['httpd', '-f', '-h', '/www'], [80]],
		[['uvicorn', 'app:app', '--port', '8000'], [8000]],
		[['uvicorn', 'app:app', '--port=8001'], [8001]],
		[['gunicorn', '-b', '0.0.0.0:8000', 'app:app'], [8000]],
		[['/usr/local/bin/server', '-listen', ':9090'], [9090]],
		[['redis-server', '--port', '6380'], [6380]],
		[['sh', '-c', 'while true; do httpd -f -p 8080 -h /www; sleep 1; done'], [8080]],
		[['/bin/sh', '-c', 'exec nc -l -p 9000'], [9000]],
		[['sh', '-c', 'echo boom; exit 1'], []],
		[['nginx', '-g', 'daemon off;'], []],
		[['sleep', '300'], []],
	])('%j -> %j', (argv, ports) => {
		expect(portsFromCommand(argv).map(p => p.port)).toEqual(ports);
	});

	it('knows a UDP listener', () => {
		expect(portsFromCommand(['nc', '-u', '-l', '-p', '5353'])).toEqual([{port: 5353, proto: 'udp', program: 'nc'}]);
	});
});
