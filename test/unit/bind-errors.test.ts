/**
 * Every line of the EADDRINUSE table in docker-and-linux.md §4 (most captured from the real
 * servers on this project's machines), with the port each must give, or none.
 */
import {describe, expect, it} from 'vitest';
import {findBindFailure, matchBindFailure} from '../../src/parsers/bind-errors.js';
import {portsFromCommand} from '../../src/parsers/command-port.js';
import {logLines} from '../../src/parsers/docker-logs.js';
import {fixtureBytes} from '../helpers/fixtures.js';

const TABLE: readonly (readonly [server: string, line: string, port: number | null, address?: string])[] = [
	['nginx 1.22', 'nginx: [emerg] bind() to 0.0.0.0:18480 failed (98: Address already in use)', 18480, '0.0.0.0'],
	['nginx 1.22, error log', '2026/11/28 02:06:45 [emerg] 4114#4114: bind() to [::]:18480 failed (98: Address already in use)', 18480, '::'],
	['nginx, giving up', 'nginx: [emerg] still could not bind()', null],
	['Apache 2.4', '(98)Address already in use: AH00072: make_sock: could not bind to address [::]:18480', 18480, '::'],
	['Apache 2.4, IPv4', '(98)Address already in use: AH00072: make_sock: could not bind to address 0.0.0.0:18480', 18480, '0.0.0.0'],
	['Apache 2.2', '(98)Address already in use: make_sock: could not bind to address 0.0.0.0:80', 80, '0.0.0.0'],
	['Node 20', 'Error: listen EADDRINUSE: address already in use :::18476', 18476, '::'],
	['Node 20, IPv4', 'Error: listen EADDRINUSE: address already in use 127.0.0.1:18476', 18476, '127.0.0.1'],
	['Node 9', 'Error: listen EADDRINUSE :::3000', 3000],
	['Python socket', 'OSError: [Errno 98] Address already in use', null],
	['uvicorn', "ERROR:    [Errno 98] error while attempting to bind on address ('127.0.0.1', 18480): address already in use", 18480, '127.0.0.1'],
	['gunicorn', "[2026-11-28 02:06:45 +0000] [1] [ERROR] Connection in use: ('127.0.0.1', 18480)", 18480, '127.0.0.1'],
	['gunicorn, giving up', "[2026-11-28 02:06:50 +0000] [1] [ERROR] Can't connect to ('127.0.0.1', 18480)", 18480, '127.0.0.1'],
	['Flask', 'Port 5000 is in use by another program. Either identify and stop that program, or start the server with a different port.', 5000],
	['Go net/http', 'listen tcp :8080: bind: address already in use', 8080, ''],
	['Redis 7.0', '1:M 28 Nov 2026 02:06:45.123 # Warning: Could not create server TCP listening socket *:18480: bind: Address already in use', 18480, '*'],
	['Redis 7.0, aborting', '1:M 28 Nov 2026 02:06:45.123 # Failed listening on port 18480 (TCP), aborting.', 18480],
	['PostgreSQL 15, bind', '2026-11-28 02:06:45.123 UTC [1] LOG:  could not bind IPv4 address "127.0.0.1": Address already in use', null],
	['PostgreSQL 15, hint', '2026-11-28 02:06:45.123 UTC [1] HINT:  Is another postmaster already running on port 18477? If not, wait a few seconds and retry.', 18477],
	['MariaDB 10.11', '2026-11-28  2:06:45 0 [ERROR] Can\'t start server: Bind on TCP/IP port. Got error: 98: Address already in use', null],
	['MariaDB 10.11, port', '2026-11-28  2:06:45 0 [ERROR] Do you already have another server running on port: 18480 ?', 18480],
	['MySQL 8', '2026-11-28T02:06:45.123Z 0 [ERROR] [MY-010262] [Server] Can\'t start server: Bind on TCP/IP port: Address already in use', null],
	['MySQL 8, port', '2026-11-28T02:06:45.123Z 0 [ERROR] [MY-010257] [Server] Do you already have another mysqld server running on port: 3306 ?', 3306],
	['busybox httpd', 'httpd: bind: Address already in use', null],
	['busybox nc', 'nc: bind: Address already in use', null],
	['Java 17', 'Exception in thread "main" java.net.BindException: Address already in use', null],
	['older JDK', 'java.net.BindException: Address already in use (Bind failed)', null],
	['Spring Boot', 'Web server failed to start. Port 8080 was already in use.', 8080],
	['Caddy 2.6', 'Error: loading initial config: loading new config: http app module: start: listening on :18480: listen tcp :18480: bind: address already in use', 18480],
	['Traefik v2/v3', 'command traefik error: error while building entryPoint web: error preparing server: error opening listener: listen tcp :80: bind: address already in use', 80],
	['Traefik v1.7', 'level=fatal msg="Error preparing server: error opening listener: listen tcp :80: bind: address already in use"', 80],
	['HAProxy 2.6', '[ALERT]    (4167) : Binding [haproxy.cfg:9] for frontend fe_web: cannot bind socket (Address already in use) for [0.0.0.0:18480]', 18480, '0.0.0.0'],
	['HAProxy 2.3', '[ALERT] 331/020645 (1) : Starting frontend fe_web: cannot bind socket [0.0.0.0:80]', 80, '0.0.0.0'],
	['Docker, published port taken', 'driver failed programming external connectivity on endpoint nw-p2 (7568ad8b): Bind for 127.0.0.1:18472 failed: port is already allocated', 18472, '127.0.0.1'],
	['Docker 26, host process', 'driver failed programming external connectivity on endpoint nw-p2 (7568ad8b): Error starting userland proxy: listen tcp4 127.0.0.1:8090: bind: address already in use', 8090, '127.0.0.1'],
	['Docker 27', 'driver failed programming external connectivity on endpoint web (0123abcd): failed to bind port 0.0.0.0:8080/tcp: Error starting userland proxy: listen tcp4 0.0.0.0:8080: bind: address already in use', 8080, '0.0.0.0'],
	['Docker 28', 'driver failed programming external connectivity on endpoint web (0123abcd): failed to bind host port for 0.0.0.0:8080:172.17.0.2:80/tcp: address already in use', 8080, '0.0.0.0'],
];

describe('matchBindFailure', () => {
	it.each(TABLE.map(([server, line, port, address]) => ({server, line, port, address})))('$server', ({line, port, address}) => {
		const failure = matchBindFailure(line);
		expect(failure).not.toBeNull();
		expect(failure!.port).toBe(port);
		if (address !== undefined) expect(failure!.address).toBe(address);
		expect(failure!.inferred).toBe(false);
	});

	it('marks Docker publishing failures, and reads the protocol from Go-style lines', () => {
		expect(matchBindFailure(TABLE.find(t => t[0] === 'Docker, published port taken')![1])!.publish).toBe(true);
		expect(matchBindFailure(TABLE.find(t => t[0] === 'Docker 28')![1])!.publish).toBe(true);
		expect(matchBindFailure('listen udp :5353: bind: address already in use')!.proto).toBe('udp');
		expect(matchBindFailure('listen tcp6 [::]:8080: bind: address already in use')).toMatchObject({proto: 'tcp', port: 8080, address: '::'});
		expect(matchBindFailure('nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)')!.publish).toBe(false);
	});

	it('names the busybox program, for its default port', () => {
		expect(matchBindFailure('httpd: bind: Address already in use')).toMatchObject({rule: 'busybox', program: 'httpd'});
		expect(matchBindFailure('nc: bind: Address already in use')).toMatchObject({rule: 'busybox', program: 'nc'});
	});

	it('infers from supervisord only as a candidate', () => {
		const lines = [
			"2019-12-26 04:57:29,621 INFO spawned: 'httpd' with pid 6",
			'2019-12-26 04:57:29,664 INFO exited: httpd (exit status 1; not expected)',
			'2019-12-26 04:57:36,798 INFO gave up: httpd entered FATAL state, too many start retries too quickly',
		];
		expect(matchBindFailure(lines[0]!)).toBeNull();
		expect(matchBindFailure(lines[1]!)).toMatchObject({rule: 'supervisord', inferred: true, program: 'httpd', port: null});
		expect(matchBindFailure(lines[2]!)).toMatchObject({rule: 'supervisord', inferred: true, program: 'httpd'});
		expect(matchBindFailure('INFO exited: web (exit status 0; expected)')).toBeNull();
	});

	it.each([
		'Listening on port 8080',
		'Server running at http://0.0.0.0:3000/',
		'listening on [::]:80, pid 7',
		'2026/11/28 02:06:45 [notice] 1#1: start worker processes, bind() to 0.0.0.0:80 ok',
		'LOG:  listening on IPv4 address "0.0.0.0", port 5432',
		'Ready to accept connections tcp on port 6379',
		'Tomcat started on port(s): 8080 (http)',
		'INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)',
		'[INFO] Listening at: http://0.0.0.0:8000 (1)',
		'mysqld: ready for connections. Version: 8.0  port: 3306',
		'nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)',
		'WARN exited: web (exit status 0; expected)',
		// PostgreSQL's last word, alone, does not say why: its earlier lines do
		'2026-11-28 02:06:45.123 UTC [1] FATAL:  could not create any TCP/IP sockets',
	])('does not match a line that merely mentions a port: %s', line => {
		expect(matchBindFailure(line)).toBeNull();
	});
});

describe('findBindFailure', () => {
	it('prefers the line that names the port, and a real failure over an inference', () => {
		const apache = [
			'(98)Address already in use: AH00072: make_sock: could not bind to address [::]:80',
			'(98)Address already in use: AH00072: make_sock: could not bind to address 0.0.0.0:80',
			'no listening sockets available, shutting down',
			'AH00015: Unable to open logs',
		];
		expect(findBindFailure(apache)).toMatchObject({rule: 'apache', port: 80, address: '0.0.0.0'});
		const mixed = ['INFO exited: web (exit status 1; not expected)', 'httpd: bind: Address already in use', 'INFO gave up: web entered FATAL state, too many start retries too quickly'];
		expect(findBindFailure(mixed)).toMatchObject({rule: 'busybox', line: 'httpd: bind: Address already in use'});
		expect(findBindFailure(['all good', 'still good'])).toBeNull();
	});

	it('reads the captured log of the second host-mode httpd, multiplexed and with a TTY', () => {
		const plain = logLines(fixtureBytes('docker/logs-h2-multiplexed.bin'), false);
		expect(plain).toEqual(['httpd: bind: Address already in use']);
		const tty = logLines(fixtureBytes('docker/logs-tty-raw.bin'), true);
		expect(tty).toEqual(['httpd: bind: Address already in use']);
		expect(findBindFailure(plain)).toMatchObject({rule: 'busybox', program: 'httpd', port: null});
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
