/**
 * The top line: host, Docker endpoint and version (or why not), counts, alerts, clock, pause.
 * When it is too long, the Docker part gives way (down to DOCKER_MIN columns), so that the
 * counts, the alerts and the clock show. (RowText sanitises.)
 */
import stringWidth from 'string-width';
import type {Snapshot} from '../../store/snapshot.js';
import {cell, clock} from '../../util/format.js';
import {sanitize} from '../../util/sanitize.js';
import {RowText} from '../RowText.js';
import {engineLabel} from '../describe.js';
import type {Row, Segment} from '../rows.js';

export interface ReplayStatus {
	readonly speed: number;
	readonly paused: boolean;
	/** Where it stopped reading, when the file is damaged. */
	readonly damage: string | null;
	readonly finished: boolean;
}

export interface HeaderProps {
	readonly snapshot: Snapshot;
	readonly alerts: number;
	readonly paused: boolean;
	readonly replay?: ReplayStatus | undefined;
	readonly width: number;
}

/** The Docker part keeps at least this much of itself. */
const DOCKER_MIN = 12;

function dockerSegment(s: Snapshot): Segment {
	const d = s.docker;
	if (d.state === 'reconnecting') return [`Docker: reconnecting… (${d.error ?? ''})`, 'warn'];
	if (d.error) return [`Docker: ${d.error}`, 'bad'];
	if (d.state === 'connecting') return ['Docker: connecting…', 'dim'];
	return [`Docker ${d.version ?? '?'} ${engineLabel(d)}`, 'plain'];
}

export function headerRow({snapshot: s, alerts, paused, replay, width}: HeaderProps): Row {
	const segments: Segment[] = [];
	if (replay) segments.push([`REPLAY ×${replay.speed}${replay.paused ? ' (paused)' : ''}`, 'warn'], ['  ', 'plain']);
	segments.push(['netwatch', 'accent'], [`  ${s.hostname}`, 'plain']);
	segments.push(['  ', 'plain']);
	const docker = segments.push(dockerSegment(s)) - 1;
	segments.push([`  ${s.counts.running} running · ${s.counts.stopped} stopped`, 'plain']);
	if (alerts > 0) segments.push([`  ⚠ ${alerts} alert${alerts === 1 ? '' : 's'}`, 'bad']);
	segments.push([`  ${s.at > 0 ? clock(s.at) : '--:--:--'}`, 'plain']);
	if (paused) segments.push(['  PAUSED (p resumes)', 'warn']);
	if (replay?.damage) segments.push([`  ${replay.damage}`, 'bad']);
	else if (replay?.finished) segments.push(['  end of recording', 'dim']);
	// measured as shown: each segment sanitised on its own, as RowText does
	const over = segments.reduce((sum, [text]) => sum + stringWidth(sanitize(text)), 0) - width;
	if (over > 0) {
		const [text, tone] = segments[docker]!;
		const shown = stringWidth(sanitize(text));
		segments[docker] = [cell(text, Math.max(Math.min(DOCKER_MIN, shown), shown - over)), tone];
	}
	return segments;
}

export function Header(props: HeaderProps) {
	return <RowText row={headerRow(props)} />;
}
