/**
 * Where every pane goes, from the terminal's size. Pure numbers, so that each layout can be
 * tested without rendering.
 *
 * The frame is kept one row shorter than the terminal: Ink 6 clears the whole screen on every
 * frame that is as tall as the terminal. It is also one column narrower: Ink rewrites a changed
 * line as the line plus "erase to end of line", and after a full-width line the cursor sits on
 * the last column, so the erase would take that column's character with it.
 */

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 15;
/** From this width the host and container panes sit side by side. */
export const WIDE_COLUMNS = 120;
/** Alerts shown in the banner at most; more are counted. */
export const BANNER_ALERTS = 3;

export interface LayoutInput {
	readonly columns: number;
	readonly rows: number;
	readonly showEvents: boolean;
	/** Alerts waiting in the banner. */
	readonly alerts: number;
	/** Lines of the caption bar (`--captions`). */
	readonly caption?: number;
	/** Blank lines (and columns) between the panes: 1 for `--present`. */
	readonly gap?: number;
	/** Rows each pane would like: its list's length. */
	readonly hostRows: number;
	readonly containerRows: number;
	readonly tableRows: number;
	/** Host and container panes one above the other at any width (connection lists want the width). */
	readonly stacked?: boolean;
}

export interface PaneBox {
	readonly width: number;
	/** Outer height, borders included. */
	readonly height: number;
}

export interface Layout {
	readonly tooSmall: boolean;
	readonly wide: boolean;
	/** Blank lines and columns between the panes. */
	readonly gap: number;
	/** Lines given to the caption bar: fewer than asked on a terminal too short for it. */
	readonly caption: number;
	readonly width: number;
	/** The whole frame. */
	readonly height: number;
	/** Rows of the alert banner, borders included, and how many alerts it lists. */
	readonly banner: number;
	readonly bannerAlerts: number;
	readonly host: PaneBox;
	readonly container: PaneBox;
	readonly table: PaneBox;
	readonly events: PaneBox;
}

const BORDER = 2;
/** A pane's border, title and column header; the interface panes also have a banner line. */
const TABLE_CHROME = BORDER + 2;
const IFACE_CHROME = BORDER + 3;

/** The smallest pane: its border and one row. */
const SMALLEST = BORDER + 1;

/** Heights that add up to exactly `total`: each its minimum, the rest in proportion to what each wants. */
function split(total: number, wants: readonly number[], wanted: readonly number[]): number[] {
	// on a short terminal the minimums themselves must shrink, the largest first
	const mins = [...wanted];
	while (mins.reduce((a, b) => a + b, 0) > total) {
		const largest = mins.indexOf(Math.max(...mins));
		if (mins[largest]! <= SMALLEST) break;
		mins[largest]! -= 1;
	}
	const out = mins.map(m => m);
	let left = total - out.reduce((a, b) => a + b, 0);
	const extra = wants.map((w, i) => Math.max(0, w - mins[i]!));
	const extraTotal = extra.reduce((a, b) => a + b, 0);
	if (left <= 0 || extraTotal === 0) {
		out[out.length - 1]! += Math.max(0, left);
		return out;
	}
	const give = extra.map(e => Math.min(e, Math.floor((left * e) / extraTotal)));
	for (let i = 0; i < out.length; i++) out[i]! += give[i]!;
	left -= give.reduce((a, b) => a + b, 0);
	// what is still left goes to whoever wants more, the last pane (the list) first
	for (let i = out.length - 1; i >= 0 && left > 0; i--) {
		const more = Math.min(left, Math.max(0, wants[i]! - out[i]!));
		out[i]! += more;
		left -= more;
	}
	out[out.length - 1]! += left;
	return out;
}

/** `split`, and never more than `total` even when the minimums cannot shrink further. */
function fit(total: number, wants: readonly number[], mins: readonly number[]): number[] {
	const out = split(total, wants, mins);
	let over = out.reduce((a, b) => a + b, 0) - total;
	for (let i = out.length - 1; i >= 0 && over > 0; i--) {
		const cut = Math.min(over, out[i]!);
		out[i]! -= cut;
		over -= cut;
	}
	return out;
}

/** The widths of the host and container panes: side by side from WIDE_COLUMNS (`gap` apart), else each the full width. */
export function paneWidths(columns: number, gap = 0): {readonly host: number; readonly container: number} {
	const width = columns - 1;
	if (columns < WIDE_COLUMNS) return {host: width, container: width};
	const host = Math.floor((width - gap) / 2);
	return {host, container: width - gap - host};
}

export function computeLayout(input: LayoutInput): Layout {
	const width = input.columns - 1;
	const height = input.rows - 1;
	const none: PaneBox = {width: 0, height: 0};
	if (input.columns < MIN_COLUMNS || input.rows < MIN_ROWS) {
		return {tooSmall: true, wide: false, gap: 0, caption: 0, width, height, banner: 0, bannerAlerts: 0, host: none, container: none, table: none, events: none};
	}
	const wide = input.columns >= WIDE_COLUMNS && !input.stacked;
	// a short terminal lists one alert; a very short one gives it one bare line
	const roomy = input.rows >= 24;
	const bannerAlerts = roomy ? BANNER_ALERTS : 1;
	// its title, a line per alert, and "… and N more", in a border
	const banner = input.alerts === 0 ? 0 : input.rows < 20 ? 1 : 1 + Math.min(input.alerts, bannerAlerts) + (roomy && input.alerts > bannerAlerts ? 1 : 0) + BORDER;
	let gap = input.gap ?? 0;
	// on a short terminal the event log gives its room to the panes; sooner when they need room between them
	const tall = input.rows - (gap > 0 ? 6 : 0);
	const eventLines = !input.showEvents ? 0 : tall >= 36 ? 6 : tall >= 30 ? 4 : wide && tall >= 20 ? 2 : 0;
	const events: PaneBox = eventLines === 0 ? none : {width, height: eventLines + BORDER};
	// header and footer are one line each
	const free = height - 2 - banner - events.height;
	// the caption, then the room between the panes, give way before the panes shrink below their smallest
	const smallest = SMALLEST * (wide ? 2 : 3);
	const caption = Math.max(0, Math.min(input.caption ?? 0, free - smallest));
	// under the interface panes (and between them, one above the other), above the events
	let gaps = gap * ((wide ? 1 : 2) + (events.height > 0 ? 1 : 0));
	if (free - caption - gaps < smallest) [gap, gaps] = [0, 0];
	const rest = Math.max(0, free - caption - gaps);
	const hostWants = input.hostRows + IFACE_CHROME;
	const containerWants = input.containerRows + IFACE_CHROME;
	const tableWants = input.tableRows + TABLE_CHROME;
	const common = {tooSmall: false, wide, gap, caption, width, height, banner, bannerAlerts, events};
	if (wide) {
		const [top, table] = fit(rest, [Math.max(hostWants, containerWants), tableWants], [IFACE_CHROME + 2, TABLE_CHROME + 2]);
		const widths = paneWidths(input.columns, gap);
		return {
			...common,
			host: {width: widths.host, height: top!},
			container: {width: widths.container, height: top!},
			table: {width, height: table!},
		};
	}
	const [host, container, table] = fit(rest, [hostWants, containerWants, tableWants], [IFACE_CHROME + 1, IFACE_CHROME + 1, TABLE_CHROME + 1]);
	return {...common, host: {width, height: host!}, container: {width, height: container!}, table: {width, height: table!}};
}
