import {describe, expect, it} from 'vitest';
import {computeLayout} from '../../src/views/layout.js';

const base = {showEvents: true, alerts: 0, hostRows: 14, containerRows: 2, tableRows: 10};

describe('computeLayout', () => {
	it('fills exactly one row less than the terminal, and one column less, at every size', () => {
		for (let columns = 60; columns <= 220; columns += 7) {
			for (let rows = 15; rows <= 80; rows += 3) {
				for (const [alerts, caption, gap] of [[0, 0, 0], [1, 2, 0], [5, 1, 1], [1, 2, 1]] as const) {
					for (const tableRows of [0, 10, 500]) {
						const l = computeLayout({...base, columns, rows, alerts, tableRows, caption, gap});
						const top = l.wide ? l.host.height : l.host.height + l.container.height;
						// the blank lines of --present: under the interface panes, between them one above the other, above the events
						const gaps = l.gap * ((l.wide ? 1 : 2) + (l.events.height > 0 ? 1 : 0));
						expect(l.caption).toBeLessThanOrEqual(caption);
						expect(l.gap).toBeLessThanOrEqual(gap);
						// header + caption + banner + panes + table + events + footer
						expect(1 + l.caption + l.banner + top + l.table.height + l.events.height + gaps + 1, `${columns}x${rows}`).toBe(rows - 1);
						expect(l.width).toBe(columns - 1);
						if (l.wide) expect(l.host.width + l.gap + l.container.width).toBe(columns - 1);
						expect([l.host.height, l.container.height, l.table.height].every(h => h >= 3)).toBe(true);
					}
				}
			}
		}
	});

	it('keeps the caption and the room between panes where there is room, and gives them up where there is not', () => {
		expect(computeLayout({...base, columns: 100, rows: 30, caption: 2, gap: 1})).toMatchObject({caption: 2, gap: 1});
		expect(computeLayout({...base, columns: 60, rows: 15, alerts: 1, caption: 2, gap: 1})).toMatchObject({caption: 2, gap: 0});
	});

	it('is wide from 120 columns, too small below 60x15', () => {
		expect(computeLayout({...base, columns: 120, rows: 40}).wide).toBe(true);
		expect(computeLayout({...base, columns: 119, rows: 40}).wide).toBe(false);
		expect(computeLayout({...base, columns: 59, rows: 40}).tooSmall).toBe(true);
		expect(computeLayout({...base, columns: 80, rows: 14}).tooSmall).toBe(true);
		expect(computeLayout({...base, columns: 60, rows: 15}).tooSmall).toBe(false);
	});

	it('gives the event log its room back on short terminals, and shows it on tall ones', () => {
		expect(computeLayout({...base, columns: 100, rows: 24}).events.height).toBe(0);
		expect(computeLayout({...base, columns: 160, rows: 48}).events.height).toBe(8);
		expect(computeLayout({...base, columns: 160, rows: 48, showEvents: false}).events.height).toBe(0);
	});

	it('lists three alerts at most, and counts the rest', () => {
		// title, alert lines, "… and N more", border
		expect(computeLayout({...base, columns: 160, rows: 48, alerts: 5})).toMatchObject({banner: 1 + 3 + 1 + 2, bannerAlerts: 3});
		expect(computeLayout({...base, columns: 160, rows: 48, alerts: 1})).toMatchObject({banner: 1 + 1 + 2, bannerAlerts: 3});
	});
});
