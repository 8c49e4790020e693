/**
 * The OpenMetrics text of a snapshot built from captured fixtures: the kernel's counters as
 * counters, each interface once, labels from the containers, every kind of diagnosis.
 */
import {describe, expect, it} from 'vitest';
import {metricsRegistry} from '../../src/output/metrics.js';
import {fixtureStore} from '../helpers/snapshots.js';

describe('metricsRegistry', () => {
	it('serves the snapshot as OpenMetrics counters and gauges', async () => {
		const store = fixtureStore();
		const snapshot = store.getSnapshot();
		const text = await metricsRegistry(() => snapshot).metrics();
		const lines = text.split('\n');
		expect(lines.at(-2)).toBe('# EOF');
		expect(lines).toContain('# TYPE netwatch_interface_receive_bytes counter');

		// every host interface once, with the kernel's own count
		for (const i of snapshot.host.interfaces) {
			const series = lines.filter(l => l.startsWith('netwatch_interface_receive_bytes_total{namespace="host",') && l.includes(`interface="${i.name}"}`));
			expect(series, i.name).toHaveLength(1);
			expect(series[0]!.endsWith(` ${i.rxBytes}`)).toBe(true);
		}
		// a container's own interfaces, but lo, with its name and network mode
		const own = snapshot.containers.find(c => c.interfacesFrom === 'own' && c.interfaces.some(i => i.name === 'eth0'))!;
		const eth0 = own.interfaces.find(i => i.name === 'eth0')!;
		expect(lines).toContain(
			`netwatch_interface_transmit_packets_total{namespace="container",container="${own.name}",compose_project="",network_mode="${own.networkMode}",interface="eth0"} ${eth0.txPackets}`,
		);
		expect(lines.some(l => l.includes(`container="${own.name}"`) && l.includes('interface="lo"'))).toBe(false);
		// a kind of diagnosis with none open is 0, not absent
		expect(lines).toContain('netwatch_diagnoses_open{kind="EADDRINUSE"} 0');
		expect(lines).toContain(`netwatch_containers{state="running"} ${snapshot.counts.running}`);
	});
});
