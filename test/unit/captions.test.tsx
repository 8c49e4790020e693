/**
 * Captions (`--captions FILE`): the line read from the file, sanitised; the bar, wrapped to two
 * lines; and a caption recorded and read back with its time.
 */
import {mkdtempSync, rmSync, writeFileSync, appendFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {renderToString} from 'ink';
import {afterAll, describe, expect, it} from 'vitest';
import {CaptionCollector, lastCaption} from '../../src/collectors/captions.js';
import {Encoder} from '../../src/record/format.js';
import {readRecording} from '../../src/record/reader.js';
import type {Action} from '../../src/store/actions.js';
import {Dashboard, dashboardModel} from '../../src/views/Dashboard.js';
import {captionLines} from '../../src/views/panes/Caption.js';
import {makeTheme, ThemeContext} from '../../src/views/theme.js';
import {initialUiState} from '../../src/views/ui-state.js';
import {fixtureActions, fixtureStore} from '../helpers/snapshots.js';

const dir = mkdtempSync(join(tmpdir(), 'netwatch-captions-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const STEP = '2. web2 is the same server, also --net=host, on the same port. The host has only one port 8080.';

describe('the caption file', () => {
	it('gives its last non-empty line', () => {
		expect(lastCaption('1. one\n2. two\n\n')).toBe('2. two');
		expect(lastCaption('')).toBeNull();
		expect(lastCaption('\r\n  \n')).toBeNull();
	});

	it('is untrusted: escape sequences are removed and controls shown as �', () => {
		expect(lastCaption('\u001b]0;owned\u0007step \u001b[2Jone\u0008\n')).toBe('step one�');
		expect(lastCaption('a\u202eb\tc')).toBe('a�b c');
	});

	it('is followed as lines are appended, and each new line is dispatched once', async () => {
		const file = join(dir, 'follow.txt');
		const seen: Action[] = [];
		let wake: () => void = () => undefined;
		const collector = new CaptionCollector(file, action => {
			seen.push(action);
			wake();
		});
		const next = () => new Promise<void>(resolve => (wake = resolve));
		// no file yet: no caption, and nothing dispatched
		collector.start();
		expect(seen).toEqual([]);
		try {
			let arrived = next();
			writeFileSync(file, '1. first\n');
			await arrived;
			arrived = next();
			appendFileSync(file, '2. second\n');
			await arrived;
		} finally {
			collector.stop();
		}
		expect(seen).toEqual([
			{type: 'caption', text: '1. first'},
			{type: 'caption', text: '2. second'},
		]);
	});
});

describe('the caption bar', () => {
	it('wraps to at most two lines of the width, a space each side, and cuts the rest with …', () => {
		const lines = captionLines(STEP, 60);
		expect(lines).toHaveLength(2);
		for (const l of lines) expect(l).toHaveLength(60);
		expect(lines[0]).toBe(' 2. web2 is the same server, also --net=host, on the same   ');
		expect(lines[1]!.trimEnd()).toBe(' port. The host has only one port 8080.');
		const long = captionLines(`${STEP} ${STEP}`, 60);
		expect(long).toHaveLength(2);
		expect(long[1]).toMatch(/… $/);
		expect(captionLines(null, 60)).toEqual([]);
	});

	it('sits under the top line, and the panes give it room', () => {
		const snapshot = fixtureStore().getSnapshot();
		const render = (caption: string | null) => {
			const model = dashboardModel({...snapshot, caption}, initialUiState(), {columns: 60, rows: 30});
			const text = renderToString(
				<ThemeContext.Provider value={makeTheme({color: false, ascii: false})}>
					<Dashboard model={model} keysAvailable />
				</ThemeContext.Provider>,
				{columns: 60},
			);
			return text.split('\n');
		};
		const plain = render(null);
		const lines = render(STEP);
		// the frame is one column narrower than the terminal
		expect(lines.slice(1, 3)).toEqual(captionLines(STEP, 59).map(l => l.trimEnd()));
		expect(lines[3]).toMatch(/^╭/);
		// the frame is as tall as without the caption
		expect(lines).toHaveLength(plain.length);
		expect(lines[0]).toBe(plain[0]);
	});
});

describe('a recorded caption', () => {
	it('is read back as it was dispatched, at its time', () => {
		const encoder = new Encoder(1000);
		const actions: Action[] = [...fixtureActions(), {type: 'caption', text: STEP}];
		const header = JSON.stringify({netwatch: 'recording', version: 2, started: '2026-11-28T03:00:00.000Z', interval: 1, hostname: 'vm', netwatchVersion: '0.1.0'});
		const lines = actions.map((a, i) => JSON.stringify(encoder.encode(a, 1000 + i * 10)));
		const recording = readRecording(`${header}\n${lines.join('\n')}\n`);
		expect(recording.damage).toBeNull();
		expect(recording.actions.at(-1)).toEqual({t: (actions.length - 1) * 10, action: {type: 'caption', text: STEP}});
	});

	it('with a wrong shape, is damage', () => {
		const header = JSON.stringify({netwatch: 'recording', version: 2, started: '2026-11-28T03:00:00.000Z', interval: 1, hostname: 'vm', netwatchVersion: '0.1.0'});
		const recording = readRecording(`${header}\n{"t":5,"a":{"type":"caption","text":7}}\n`);
		expect(recording.damage).toBe('line 2 is damaged (not a recorded action)');
	});
});
