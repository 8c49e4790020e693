/**
 * The plain-text report: what netwatch prints once when stdout is not a terminal (or with
 * `--once`). No colour, no escape sequences; every text cell is sanitised.
 */
import type {Snapshot} from '../store/snapshot.js';
import stringWidth from 'string-width';
import {cell, clock, formatRate, formatTotal, type RateUnit} from '../util/format.js';
import {sanitize} from '../util/sanitize.js';
import {engineLabel, interfaceLabel, modeLabel, portsLabel, stateLabel} from '../views/describe.js';

/** A column: its heading, its width when cut to fit, and which side it is aligned to. */
interface Column {
	readonly title: string;
	readonly width: number;
	readonly align?: 'left' | 'right';
}

/**
 * Rows under their headings, two spaces apart. Cut to the columns' widths, or (`whole`) each
 * column as wide as its widest value, as `docker ps --no-trunc` prints them.
 */
function table(columns: readonly Column[], rows: readonly (readonly string[])[], whole: boolean): string[] {
	const widths = columns.map((c, i) => (whole ? Math.max(c.title.length, ...rows.map(r => stringWidth(sanitize(r[i] ?? '')))) : c.width));
	const line = (cells: readonly string[]): string => cells.map((text, i) => cell(text, widths[i]!, columns[i]!.align)).join('  ').trimEnd();
	return [line(columns.map(c => c.title)), ...rows.map(line)];
}

export interface PlainOptions {
	readonly unit?: RateUnit;
	/** Whole values, never cut (stdout is not a terminal). */
	readonly whole?: boolean;
}

export function plainReport(s: Snapshot, {unit = 'bytes', whole = false}: PlainOptions = {}): string {
	const long = (text: string): string => (whole ? sanitize(text) : cell(text, 200).trimEnd());
	const docker = s.docker.error ? `Docker: ${s.docker.error}` : `Docker ${s.docker.version ?? '?'} at ${engineLabel(s.docker)}`;
	const lines = [long(`netwatch  ${s.hostname}  ${docker}  ${s.counts.running} running, ${s.counts.stopped} stopped  ${clock(s.at)}`)];
	const open = s.alerts.filter(a => !a.resolved);
	if (open.length > 0) {
		lines.push('', 'ALERTS');
		for (const a of open) lines.push(long(`! ${a.message}${a.count > 1 ? ` (x${a.count})` : ''}`));
	}
	const rate = (title: string): Column => ({title, width: 10, align: 'right'});
	const total = (title: string): Column => ({title, width: 8, align: 'right'});
	lines.push(
		'',
		...table(
			[{title: 'HOST INTERFACE', width: 28}, {title: 'STATE', width: 8}, rate('RX/s'), rate('TX/s'), total('RX'), total('TX')],
			s.host.interfaces.map(i => [interfaceLabel(i), i.state, formatRate(i.rxRate, unit), formatRate(i.txRate, unit), formatTotal(i.rxBytes, unit), formatTotal(i.txBytes, unit)]),
			whole,
		),
	);
	const shared = (c: Snapshot['containers'][number]): string | null => (c.interfacesFrom === 'host' ? '(host)' : c.interfacesFrom === 'container' ? '(shared)' : null);
	lines.push(
		'',
		...table(
			[{title: 'CONTAINER', width: 20}, {title: 'IMAGE', width: 20}, {title: 'STATE', width: 14}, {title: 'NETWORK', width: 18}, {title: 'LISTENING', width: 16}, rate('RX/s'), rate('TX/s'), {title: 'RESTARTS', width: 8}],
			s.containers.map(c => [
				c.name,
				c.image,
				stateLabel(c),
				modeLabel(c),
				portsLabel(c),
				shared(c) ?? formatRate(c.rxRate, unit),
				shared(c) ?? formatRate(c.txRate, unit),
				String(c.restartCount),
			]),
			whole,
		),
	);
	if (s.containers.length === 0) lines.push(s.docker.error ? '(Docker not reachable)' : '(no containers)');
	return `${lines.join('\n')}\n`;
}
