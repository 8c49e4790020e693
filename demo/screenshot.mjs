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
import {rowSvg, svgOpen} from './svg.mjs';

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

const svg = `${svgOpen(COLS, ROWS)}
${Array.from({length: ROWS}, (_, y) => rowSvg(term, y)).filter(Boolean).join('\n')}
</svg>
`;
writeFileSync(out, svg);
child.write('q');
await new Promise(r => setTimeout(r, 300));
child.kill();
console.log(`wrote ${out} (${svg.length} bytes)`);
process.exit(0);
