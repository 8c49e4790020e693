#!/usr/bin/env node
// Render the dashboard at the alert moment of the shipped recording to an SVG, from the screen
// of a terminal emulator: `netwatch replay` runs in a pseudo-terminal (node-pty), its output
// goes through @xterm/headless, and every cell is drawn with its colours. No Docker needed.
//
//   node demo/screenshot.mjs [RECORDING] [OUT.svg]
//   (defaults: demo/port-conflict.ndjson, demo/screenshot.svg; needs the dev dependencies)
import {writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import xterm from '@xterm/headless';
import * as pty from 'node-pty';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const recording = process.argv[2] ?? here('./port-conflict.ndjson');
const out = process.argv[3] ?? here('./screenshot.svg');
const COLS = 160;
const ROWS = 48;

const term = new xterm.Terminal({cols: COLS, rows: ROWS, allowProposedApi: true});
const env = {...process.env, TERM: 'xterm-256color', COLORTERM: 'truecolor'};
delete env.CI;
const child = pty.spawn(here('../bin/netwatch.js'), ['replay', recording, '--speed', '8'], {cols: COLS, rows: ROWS, env});
let parsed = Promise.resolve();
child.onData(data => {
	parsed = parsed.then(() => new Promise(resolve => term.write(data, resolve)));
});

const screenText = () => {
	const b = term.buffer.active;
	return Array.from({length: ROWS}, (_, y) => b.getLine(y)?.translateToString(true) ?? '').join('\n');
};

// wait for the alert, then pause the replay on it
const deadline = Date.now() + 60_000;
for (;;) {
	await parsed;
	if (/could not bind|already in use/.test(screenText())) break;
	if (Date.now() > deadline) throw new Error('the alert never showed up in the replay');
	await new Promise(r => setTimeout(r, 50));
}
child.write(' ');
await new Promise(r => setTimeout(r, 500));
await parsed;

// the 16 colours of a dark terminal theme, then the 256-colour cube and greys
const PALETTE = ['#1e1e2e', '#e5534b', '#57ab5a', '#c69026', '#539bf5', '#b083f0', '#39c5cf', '#c9d1d9', '#636e7b', '#ff938a', '#6bc46d', '#daaa3f', '#6cb6ff', '#dcbdfb', '#56d4dd', '#f0f6fc'];
for (let i = 16; i < 232; i++) {
	const v = i - 16;
	const c = [Math.floor(v / 36), Math.floor(v / 6) % 6, v % 6].map(n => (n ? n * 40 + 55 : 0));
	PALETTE.push(`#${c.map(n => n.toString(16).padStart(2, '0')).join('')}`);
}
for (let i = 232; i < 256; i++) PALETTE.push(`#${((i - 232) * 10 + 8).toString(16).padStart(2, '0').repeat(3)}`);
const FG = '#c9d1d9';
const BG = '#0d1117';

const color = (cell, fg) => {
	const mode = fg ? (cell.isFgDefault() ? 'default' : cell.isFgRGB() ? 'rgb' : 'palette') : cell.isBgDefault() ? 'default' : cell.isBgRGB() ? 'rgb' : 'palette';
	const value = fg ? cell.getFgColor() : cell.getBgColor();
	if (mode === 'default') return fg ? FG : BG;
	if (mode === 'rgb') return `#${value.toString(16).padStart(6, '0')}`;
	return PALETTE[value] ?? (fg ? FG : BG);
};
const escape = text => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const W = 8.4;
const H = 18;
const parts = [];
const buffer = term.buffer.active;
for (let y = 0; y < ROWS; y++) {
	const line = buffer.getLine(y);
	if (!line) continue;
	let run = null;
	const flush = () => {
		if (!run) return;
		if (run.bg !== BG) parts.push(`<rect x="${(run.x * W).toFixed(1)}" y="${y * H}" width="${(run.text.length * W).toFixed(1)}" height="${H}" fill="${run.bg}"/>`);
		if (run.text.trim() !== '') {
			parts.push(`<text x="${(run.x * W).toFixed(1)}" y="${y * H + 13}" fill="${run.fg}"${run.bold ? ' font-weight="bold"' : ''} textLength="${(run.text.length * W).toFixed(1)}" lengthAdjust="spacingAndGlyphs">${escape(run.text)}</text>`);
		}
		run = null;
	};
	for (let x = 0; x < COLS; x++) {
		const cell = line.getCell(x);
		if (!cell || cell.getWidth() === 0) continue;
		let fg = color(cell, true);
		let bg = color(cell, false);
		if (cell.isInverse()) [fg, bg] = [bg === BG ? BG : bg, fg];
		const bold = cell.isBold() !== 0;
		const ch = cell.getChars() || ' ';
		if (run && run.fg === fg && run.bg === bg && run.bold === bold) run.text += ch;
		else {
			flush();
			run = {x, fg, bg, bold, text: ch};
		}
	}
	flush();
}
const svg = `<svg xmlns="http://www.w3.org/2000/svg" xml:space="preserve" width="${COLS * W}" height="${ROWS * H}" viewBox="0 0 ${COLS * W} ${ROWS * H}" font-family="'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="14">
<rect width="100%" height="100%" fill="${BG}"/>
${parts.join('\n')}
</svg>
`;
writeFileSync(out, svg);
child.write('q');
await new Promise(r => setTimeout(r, 300));
child.kill();
console.log(`wrote ${out} (${svg.length} bytes)`);
process.exit(0);
