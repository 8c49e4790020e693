/**
 * The plain-text report: what netwatch prints once when stdout is not a terminal (or with
 * `--once`). No colour, no escape sequences; every text cell is sanitised.
 */
import type {Snapshot} from '../store/snapshot.js';
import {cell, clock, formatRate, formatTotal, type RateUnit} from '../util/format.js';
import {engineLabel, interfaceLabel, modeLabel, portsLabel, stateLabel} from '../views/describe.js';

function row(cells: readonly string[]): string {
	return cells.join('  ').trimEnd();
}

export function plainReport(s: Snapshot, unit: RateUnit = 'bytes'): string {
	const lines: string[] = [];
	const docker = s.docker.error
		? `Docker: ${s.docker.error}`
		: `Docker ${s.docker.version ?? '?'} at ${engineLabel(s.docker)}`;
	lines.push(
		cell(
			`netwatch  ${s.hostname}  ${docker}  ${s.counts.running} running, ${s.counts.stopped} stopped  ${clock(s.at)}`,
			200,
		).trimEnd(),
	);
	const open = s.alerts.filter(a => !a.resolved);
	if (open.length > 0) {
		lines.push('', 'ALERTS');
		for (const a of open) lines.push(cell(`! ${a.message}${a.count > 1 ? ` (x${a.count})` : ''}`, 200).trimEnd());
	}

	lines.push('', row(['HOST INTERFACE'.padEnd(28), 'STATE'.padEnd(8), 'RX/s'.padStart(10), 'TX/s'.padStart(10), 'RX'.padStart(8), 'TX'.padStart(8)]));
	for (const i of s.host.interfaces) {
		lines.push(
			row([
				cell(interfaceLabel(i), 28),
				cell(i.state, 8),
				formatRate(i.rxRate, unit),
				formatRate(i.txRate, unit),
				formatTotal(i.rxBytes, unit),
				formatTotal(i.txBytes, unit),
			]),
		);
	}

	lines.push(
		'',
		row([
			'CONTAINER'.padEnd(20),
			'IMAGE'.padEnd(20),
			'STATE'.padEnd(14),
			'NETWORK'.padEnd(18),
			'LISTENING'.padEnd(16),
			'RX/s'.padStart(10),
			'TX/s'.padStart(10),
			'RESTARTS',
		]),
	);
	for (const c of s.containers) {
		const shared = c.interfacesFrom === 'host' ? '(host)' : c.interfacesFrom === 'container' ? '(shared)' : null;
		lines.push(
			row([
				cell(c.name, 20),
				cell(c.image, 20),
				cell(stateLabel(c), 14),
				cell(modeLabel(c), 18),
				cell(portsLabel(c.listening), 16),
				shared ? cell(shared, 10, 'right') : formatRate(c.rxRate, unit),
				shared ? cell(shared, 10, 'right') : formatRate(c.txRate, unit),
				String(c.restartCount),
			]),
		);
	}
	if (s.containers.length === 0) lines.push(s.docker.error ? '(Docker not reachable)' : '(no containers)');
	return `${lines.join('\n')}\n`;
}
