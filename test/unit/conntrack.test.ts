import {describe, expect, it} from 'vitest';
import {isDnat, parseConntrack} from '../../src/parsers/conntrack.js';
import {fixture} from '../helpers/fixtures.js';

describe('parseConntrack', () => {
	const entries = parseConntrack(fixture('proc/conntrack.txt'));

	it('reads the TCP entries with both tuples, and leaves other protocols out', () => {
		expect(entries.every(e => e.proto === 'tcp' && e.family === 4)).toBe(true);
		// 13 lines, two of them IGMP ("unknown")
		expect(entries).toHaveLength(11);
		const syn = entries.find(e => e.state === 'SYN_SENT')!;
		expect(syn).toMatchObject({
			unreplied: true,
			original: {src: '172.18.0.3', dst: '172.18.0.2', sport: 52586, dport: 7000},
			reply: {src: '172.18.0.2', dst: '172.18.0.3', sport: 7000, dport: 52586},
		});
	});

	it("finds Docker's DNAT of a published port, and only that", () => {
		const dnat = entries.filter(isDnat);
		expect(dnat).toEqual([
			{
				family: 4,
				proto: 'tcp',
				state: 'ESTABLISHED',
				unreplied: false,
				original: {src: '172.17.0.1', dst: '172.17.0.1', sport: 46628, dport: 8403},
				reply: {src: '172.17.0.2', dst: '172.17.0.1', sport: 80, dport: 46628},
			},
		]);
		// the same, found without building the others
		expect(parseConntrack(fixture('proc/conntrack.txt'), {dnatOnly: true})).toEqual(dnat);
	});

	it('reads an entry offloaded to hardware, which the kernel writes without its timeout', () => {
		// the fixture's DNAT line, as ct_seq_show writes it when IPS_OFFLOAD is set
		const line = fixture('proc/conntrack.txt').split('\n').find(l => l.includes('dport=8403'))!;
		const offloaded = line.replace(/^(ipv4 +2 tcp +6) \d+ /, '$1 ');
		expect(offloaded).not.toBe(line);
		expect(parseConntrack(offloaded)).toEqual(parseConntrack(line));
	});

	it('skips lines it cannot read', () => {
		expect(parseConntrack('ipv4 2 tcp 6 10 ESTABLISHED src=1.2.3.4\n\ngarbage')).toEqual([]);
	});
});
