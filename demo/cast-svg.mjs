#!/usr/bin/env node
// An asciicast (from `netwatch replay FILE --cast OUT.cast`) as an animated SVG, for the README:
// the cast is played through a terminal emulator (@xterm/headless), each screen it shows
// becomes a frame, and CSS steps through the frames at the cast's times, in a loop. A row that
// appears in many frames is drawn once and reused, which keeps the file small.
//
//   node demo/cast-svg.mjs CAST OUT.svg [--hold SECONDS]
//   (the last frame stays SECONDS before the loop starts again, default 5; needs the dev dependencies)
import {readFileSync, writeFileSync} from 'node:fs';
import xterm from '@xterm/headless';
import {H, rowSvg, svgOpen} from './svg.mjs';

const [input, out, ...rest] = process.argv.slice(2);
if (!input || !out) {
	console.error('usage: node demo/cast-svg.mjs CAST OUT.svg [--hold SECONDS]');
	process.exit(2);
}
const hold = rest[0] === '--hold' ? Number(rest[1]) : 5;
const [first, ...lines] = readFileSync(input, 'utf8').trimEnd().split('\n');
const header = JSON.parse(first);
if (header.version !== 2) throw new Error(`${input} is not an asciicast v2 file`);
const {width: cols, height: rows} = header;
const term = new xterm.Terminal({cols, rows, allowProposedApi: true});
const write = data => new Promise(resolve => term.write(data, resolve));

/** Distinct rows, each drawn once: its SVG -> its id. */
const rowIds = new Map();
/** Frames: when each starts (seconds), and its rows' ids. */
const frames = [];
const screen = () =>
	Array.from({length: rows}, (_, y) => {
		const svg = rowSvg(term, y, 0);
		if (!rowIds.has(svg)) rowIds.set(svg, `r${rowIds.size}`);
		return rowIds.get(svg);
	});

const events = lines.map(line => JSON.parse(line)).filter(([, code]) => code === 'o');
for (let i = 0; i < events.length; i++) {
	const [time, , data] = events[i];
	await write(data);
	// a frame is what the screen shows once every event of that moment is in
	if (events[i + 1]?.[0] === time) continue;
	const ids = screen();
	if (frames.length > 0 && frames.at(-1).ids.join() === ids.join()) continue;
	frames.push({time, ids});
}
const total = frames.at(-1).time + hold;
const pct = t => ((100 * t) / total).toFixed(3);
// the film: every frame one under the other, moved up one frame at each frame's time
const keyframes = frames.map((f, i) => `${pct(f.time)}%{transform:translateY(${-i * rows * H}px)}`).join('');
const defs = [...rowIds].filter(([svg]) => svg !== '').map(([svg, id]) => `<g id="${id}">${svg}</g>`).join('\n');
// a blank row needs no <use>
const blank = rowIds.get('');
const film = frames.map((f, i) => `<g transform="translate(0 ${i * rows * H})">${f.ids.map((id, y) => (id === blank ? '' : `<use xlink:href="#${id}" y="${y * H}"/>`)).join('')}</g>`).join('\n');
const svg = `${svgOpen(cols, rows)}
<style>#film{animation:film ${total.toFixed(3)}s steps(1,end) infinite}@keyframes film{${keyframes}100%{transform:translateY(${-(frames.length - 1) * rows * H}px)}}</style>
<defs>
${defs}
</defs>
<g id="film">
${film}
</g>
</svg>
`;
writeFileSync(out, svg);
console.log(`wrote ${out}: ${frames.length} frames, ${total.toFixed(1)} s, ${svg.length} bytes`);
