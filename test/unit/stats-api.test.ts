import {describe, expect, it} from 'vitest';
import {rowsFromStats} from '../../src/collectors/stats-api.js';
import {fixtureJson} from '../helpers/fixtures.js';

describe('rowsFromStats', () => {
	it('turns the networks of a one-shot stats answer into counter rows', () => {
		const stats = fixtureJson<{networks: unknown}>('docker/stats-one-shot.json');
		expect(rowsFromStats(stats.networks)).toEqual([
			{name: 'eth0', rxBytes: 646, rxPackets: 7, rxErrors: 0, rxDropped: 0, txBytes: 0, txPackets: 0, txErrors: 0, txDropped: 0},
		]);
	});

	it('gives nothing for host and none mode, where the key is absent', () => {
		expect(rowsFromStats(undefined)).toEqual([]);
	});
});
