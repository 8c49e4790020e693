import {describe, expect, it} from 'vitest';
import {LogLineReader, logLines} from '../../src/parsers/docker-logs.js';
import {fixtureBytes} from '../helpers/fixtures.js';

function frame(stream: 1 | 2, text: string): Buffer {
	const payload = Buffer.from(text);
	const header = Buffer.alloc(8);
	header[0] = stream;
	header.writeUInt32BE(payload.length, 4);
	return Buffer.concat([header, payload]);
}

describe('LogLineReader', () => {
	it('demultiplexes frames cut at any byte, header included, each stream with its own lines', () => {
		const body = Buffer.concat([fixtureBytes('docker/logs-h2-multiplexed.bin'), frame(1, 'second line\nthird '), frame(2, 'err\n'), frame(1, 'part\n')]);
		for (let cut = 1; cut < body.length; cut++) {
			const reader = new LogLineReader(false);
			const lines = [...reader.push(body.subarray(0, cut)), ...reader.push(body.subarray(cut)), ...reader.end()];
			expect(lines).toEqual(['httpd: bind: Address already in use', 'second line', 'err', 'third part']);
		}
	});

	it('reads a TTY stream raw, with \\r\\n line ends', () => {
		const reader = new LogLineReader(true);
		expect(reader.push(fixtureBytes('docker/logs-tty-raw.bin'))).toEqual(['httpd: bind: Address already in use']);
	});

	it('cuts a line longer than the bound, and goes on with the next', () => {
		const huge = 'x'.repeat(1_000_000);
		const reader = new LogLineReader(false, 100);
		const out: string[] = [];
		const body = frame(2, `${huge}\nafter\n`);
		for (let i = 0; i < body.length; i += 4096) out.push(...reader.push(body.subarray(i, i + 4096)));
		expect(out).toEqual(['x'.repeat(100), 'after']);
	});

	it('keeps a multi-byte character whole across frames', () => {
		const bytes = Buffer.from('café\n');
		// the é is two bytes, and the first frame ends between them
		const split = Buffer.concat([
			Buffer.from([1, 0, 0, 0, 0, 0, 0, 4]),
			bytes.subarray(0, 4),
			Buffer.from([1, 0, 0, 0, 0, 0, 0, bytes.length - 4]),
			bytes.subarray(4),
		]);
		expect(logLines(split, false)).toEqual(['café']);
	});
});
