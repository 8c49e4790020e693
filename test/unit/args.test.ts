import {describe, expect, it} from 'vitest';
import {parseCommandLine, UsageError} from '../../src/cli/args.js';

function usageError(argv: string[]): string {
	try {
		parseCommandLine(argv);
	} catch (error) {
		expect(error).toBeInstanceOf(UsageError);
		return (error as Error).message;
	}
	throw new Error('expected a usage error');
}

describe('parseCommandLine', () => {
	it('has sensible defaults', () => {
		expect(parseCommandLine([])).toEqual({
			command: 'watch', interval: 1, json: false, once: false, record: null, captions: null, theme: 'dark', present: false, focus: null, bell: false,
			color: true, ascii: false, bits: false, plain: false, metrics: null, engines: [{}], allContexts: false,
			scope: {projects: [], labels: []}, remoteNetwatch: 'netwatch', agent: false,
		});
	});

	it('reads every option, short forms included', () => {
		expect(parseCommandLine(['-i', '0.5', '--json', '--once', '--record', 'x.ndjson', '--captions', 'c.txt', '-H', 'tcp://h:2375', '--bell', '--bits', '--ascii', '--no-color', '--theme', 'light', '--plain', '--present', '--focus', 'web2'])).toEqual({
			command: 'watch', interval: 0.5, json: true, once: true, record: 'x.ndjson', captions: 'c.txt', theme: 'light', present: true, focus: 'web2', bell: true,
			color: false, ascii: true, bits: true, plain: true, metrics: null, engines: [{host: 'tcp://h:2375'}], allContexts: false,
			scope: {projects: [], labels: []}, remoteNetwatch: 'netwatch', agent: false,
		});
		expect(parseCommandLine(['--interval=2'])).toMatchObject({interval: 2});
		expect(parseCommandLine(['-c', 'rootless'])).toMatchObject({engines: [{context: 'rootless'}]});
		expect(parseCommandLine(['--context=rootless'])).toMatchObject({engines: [{context: 'rootless'}]});
	});

	it('reads --metrics ADDR:PORT, and refuses what is not one, or --once beside it', () => {
		expect(parseCommandLine(['--metrics', '127.0.0.1:9464'])).toMatchObject({metrics: {host: '127.0.0.1', port: 9464}});
		expect(parseCommandLine(['--metrics=[::1]:9464'])).toMatchObject({metrics: {host: '::1', port: 9464}});
		expect(parseCommandLine(['--metrics', ':9464', '--json'])).toMatchObject({metrics: {host: '', port: 9464}, json: true});
		for (const bad of ['9464', 'host:', 'host:0', 'host:70000', '::1:9464']) {
			expect(usageError(['--metrics', bad])).toBe(`--metrics needs ADDR:PORT (127.0.0.1:9464, [::1]:9464 or :9464), not '${bad}'`);
		}
		expect(usageError(['--metrics', ':9464', '--once'])).toBe('--metrics serves until stopped: not with --once');
	});

	it('reads how to reach netwatch on an ssh:// engine\'s host, and --agent alone with -i', () => {
		expect(parseCommandLine(['-H', 'ssh://box', '--remote-netwatch', '/opt/bin/netwatch'])).toMatchObject({remoteNetwatch: '/opt/bin/netwatch'});
		expect(parseCommandLine(['-H', 'ssh://box', '--engine-api'])).toMatchObject({remoteNetwatch: null});
		expect(usageError(['--remote-netwatch', 'x', '--engine-api'])).toBe('give --remote-netwatch or --engine-api, not both');
		expect(usageError(['--remote-netwatch', ' '])).toBe('--remote-netwatch needs a command');
		expect(parseCommandLine(['--agent', '-i', '2'])).toMatchObject({agent: true, interval: 2});
		expect(usageError(['--agent', '--json'])).toBe('--agent takes only -i, not --json');
	});

	it('reads several engines: -H or -c again, or --contexts all; one recording or metrics server each', () => {
		expect(parseCommandLine(['-H', 'unix:///a.sock', '-H', 'ssh://box', '-H', 'ssh://box'])).toMatchObject({engines: [{host: 'unix:///a.sock'}, {host: 'ssh://box'}], allContexts: false});
		expect(parseCommandLine(['-c', 'a', '--context', 'b'])).toMatchObject({engines: [{context: 'a'}, {context: 'b'}]});
		expect(parseCommandLine(['--contexts', 'all'])).toMatchObject({engines: [{}], allContexts: true});
		expect(usageError(['--contexts', 'prod'])).toBe("--contexts takes 'all', not 'prod': name contexts with -c");
		expect(usageError(['--contexts', 'all', '-c', 'a'])).toBe('give --contexts all, or name engines with -H or -c, not both');
		expect(usageError(['-H', 'ssh://a', '-H', 'ssh://b', '--record', 'x'])).toBe('--record keeps one engine: give one -H or -c');
		expect(usageError(['-c', 'a', '-c', 'b', '--metrics', ':9464'])).toBe('--metrics serves one engine: run one netwatch per host, and let Prometheus scrape each');
	});

	it('honours NO_COLOR', () => {
		expect(parseCommandLine([], {NO_COLOR: '1'})).toMatchObject({color: false});
		expect(parseCommandLine([], {NO_COLOR: ''})).toMatchObject({color: true});
	});

	it('answers help and version', () => {
		expect(parseCommandLine(['--help'])).toEqual({command: 'help'});
		expect(parseCommandLine(['-h'])).toEqual({command: 'help'});
		expect(parseCommandLine(['-V'])).toEqual({command: 'version'});
		expect(parseCommandLine(['replay', '--help'])).toEqual({command: 'help'});
	});

	it('reads replay', () => {
		expect(parseCommandLine(['replay', 'demo.ndjson', '--speed', '4'])).toMatchObject({command: 'replay', file: 'demo.ndjson', speed: 4, cast: null});
	});

	it('takes the theme from COLORFGBG unless --theme says', () => {
		expect(parseCommandLine([], {COLORFGBG: '0;15'})).toMatchObject({theme: 'light'});
		expect(parseCommandLine([], {COLORFGBG: '0;default;7'})).toMatchObject({theme: 'light'});
		expect(parseCommandLine([], {COLORFGBG: '15;0'})).toMatchObject({theme: 'dark'});
		expect(parseCommandLine([], {COLORFGBG: '15;8'})).toMatchObject({theme: 'dark'});
		expect(parseCommandLine([], {COLORFGBG: 'nonsense'})).toMatchObject({theme: 'dark'});
		expect(parseCommandLine(['--theme', 'dark'], {COLORFGBG: '0;15'})).toMatchObject({theme: 'dark'});
		expect(parseCommandLine(['replay', 'f', '--present', '--focus', 'web2'], {COLORFGBG: '0;15'})).toMatchObject({theme: 'light', present: true, focus: 'web2'});
		expect(usageError(['--theme', 'blue'])).toBe("--theme must be light or dark, not 'blue'");
		expect(usageError(['--focus='])).toBe('--focus needs a container name');
	});

	it('reads replay --cast, its size (120x36 unless told) and its idle limit', () => {
		expect(parseCommandLine(['replay', 'd.ndjson', '--cast', 'd.cast'])).toMatchObject({cast: 'd.cast', size: {columns: 120, rows: 36}, idleLimit: null});
		expect(parseCommandLine(['replay', 'd.ndjson', '--cast', 'd.cast', '--size', '100x30', '--idle-limit', '1.5'])).toMatchObject({size: {columns: 100, rows: 30}, idleLimit: 1.5});
		expect(usageError(['replay', 'd.ndjson', '--size', '100x30'])).toBe('--size and --idle-limit go with --cast');
		expect(usageError(['replay', 'd.ndjson', '--cast', 'd.cast', '--size', '100'])).toBe("--size must be COLUMNSxROWS, from 60x15 to 1000x500, not '100'");
		expect(usageError(['replay', 'd.ndjson', '--cast', 'd.cast', '--size', '59x30'])).toMatch(/from 60x15/);
		expect(usageError(['replay', 'd.ndjson', '--cast', 'd.cast', '--idle-limit', '0'])).toMatch(/--idle-limit must be a number from 0.1/);
		expect(usageError(['replay', 'd.ndjson', '--cast', ' '])).toBe('--cast needs a file name');
	});

	it('explains bad input in one line', () => {
		expect(usageError(['--frobnicate'])).toBe("unknown option '--frobnicate'");
		expect(usageError(['-x'])).toBe("unknown option '-x'");
		expect(usageError(['--interval'])).toBe("option '-i, --interval <value>' needs a value");
		expect(usageError(['-i', 'fast'])).toBe("--interval must be a number from 0.2 to 60, not 'fast'");
		expect(usageError(['-i', '0'])).toMatch(/from 0.2 to 60/);
		expect(usageError(['extra'])).toBe("unexpected argument 'extra'");
		expect(usageError(['--json=yes'])).toMatch(/takes no value/);
		expect(usageError(['-H', 'unix:///x', '-c', 'rootless'])).toBe('give --host or --context, not both');
		expect(usageError(['--context='])).toBe('--context needs a name');
		expect(usageError(['replay'])).toBe('replay needs a FILE to play');
		expect(usageError(['replay', 'f', '--speed', '-1'])).toMatch(/needs a value/);
		expect(usageError(['replay', 'f', '--speed=-1'])).toMatch(/--speed must be a number/);
	});
});
