/** Errors and warnings, at the top of the dashboard, until each is acknowledged with `a`. No blinking. */
import type {Alert} from '../../model.js';
import {ago} from '../../util/format.js';
import {alertTone} from '../rows.js';
import {RowText} from '../RowText.js';
import {Pane} from './Pane.js';

export interface AlertBannerProps {
	readonly alerts: readonly Alert[];
	readonly width: number;
	readonly height: number;
	readonly shown: number;
	readonly now: number;
}

export function AlertBanner({alerts, width, height, shown, now}: AlertBannerProps) {
	const list = alerts.slice(0, shown);
	const more = alerts.length - list.length;
	const title = `⚠ ${alerts.length} alert${alerts.length === 1 ? '' : 's'} · a acknowledges the first`;
	const line = (a: Alert) => (
		<RowText
			key={a.id}
			row={[
				[a.resolved ? 'resolved: ' : '', 'good'],
				[a.message, alertTone(a)],
				[`${a.count > 1 ? `  ×${a.count}` : ''}  ${ago(a.detectedAt, now)} ago`, 'dim'],
			]}
		/>
	);
	// no room for a frame: the first alert, on one line
	if (height < 4) return list[0] ? line(list[0]) : null;
	return (
		<Pane width={width} height={height} title={title} titleTone="bad" alarm strong>
			{list.map(line)}
			{more > 0 && height - 3 > list.length ? <RowText row={[[`… and ${more} more`, 'dim']]} /> : null}
		</Pane>
	);
}
