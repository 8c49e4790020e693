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
			command: 'watch', interval: 1, json: false, once: false, record: null, bell: false,
			color: true, ascii: false, bits: false, plain: false, metrics: null, host: undefined, context: undefined,
			scope: {projects: [], labels: []},
		});
	});

	it('reads every option, short forms included', () => {
		expect(parseCommandLine(['-i', '0.5', '--json', '--once', '--record', 'x.ndjson', '-H', 'tcp://h:2375', '--bell', '--bits', '--ascii', '--no-color', '--plain'])).toEqual({
			command: 'watch', interval: 0.5, json: true, once: true, record: 'x.ndjson', bell: true,
			color: false, ascii: true, bits: true, plain: true, metrics: null, host: 'tcp://h:2375', context: undefined,
			scope: {projects: [], labels: []},
		});
		expect(parseCommandLine(['--interval=2'])).toMatchObject({interval: 2});
		expect(parseCommandLine(['-c', 'rootless'])).toMatchObject({host: undefined, context: 'rootless'});
		expect(parseCommandLine(['--context=rootless'])).toMatchObject({context: 'rootless'});
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
		expect(parseCommandLine(['replay', 'demo.ndjson', '--speed', '4'])).toMatchObject({command: 'replay', file: 'demo.ndjson', speed: 4});
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
