// Drawing a terminal emulator's screen (@xterm/headless) as SVG: each row a run of cells of the
// same colours, with its background. Shared by demo/screenshot.mjs and demo/cast-svg.mjs.

/** A cell's width and height in the picture. */
export const W = 8.4;
export const H = 18;

// the 16 colours of a dark terminal theme, then the 256-colour cube and greys
const PALETTE = ['#1e1e2e', '#e5534b', '#57ab5a', '#c69026', '#539bf5', '#b083f0', '#39c5cf', '#c9d1d9', '#636e7b', '#ff938a', '#6bc46d', '#daaa3f', '#6cb6ff', '#dcbdfb', '#56d4dd', '#f0f6fc'];
for (let i = 16; i < 232; i++) {
	const v = i - 16;
	const c = [Math.floor(v / 36), Math.floor(v / 6) % 6, v % 6].map(n => (n ? n * 40 + 55 : 0));
	PALETTE.push(`#${c.map(n => n.toString(16).padStart(2, '0')).join('')}`);
}
for (let i = 232; i < 256; i++) PALETTE.push(`#${((i - 232) * 10 + 8).toString(16).padStart(2, '0').repeat(3)}`);
export const FG = '#c9d1d9';
export const BG = '#0d1117';

function color(cell, fg) {
	const mode = fg ? (cell.isFgDefault() ? 'default' : cell.isFgRGB() ? 'rgb' : 'palette') : cell.isBgDefault() ? 'default' : cell.isBgRGB() ? 'rgb' : 'palette';
	const value = fg ? cell.getFgColor() : cell.getBgColor();
	if (mode === 'default') return fg ? FG : BG;
	if (mode === 'rgb') return `#${value.toString(16).padStart(6, '0')}`;
	return PALETTE[value] ?? (fg ? FG : BG);
}

const escape = text => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Row `y` of the terminal's screen as SVG elements, drawn at height `top`. */
export function rowSvg(term, y, top = y * H) {
	const buffer = term.buffer.active;
	const line = buffer.getLine(buffer.viewportY + y);
	if (!line) return '';
	const parts = [];
	let run = null;
	const flush = () => {
		if (!run) return;
		if (run.bg !== BG) parts.push(`<rect x="${(run.x * W).toFixed(1)}" y="${top}" width="${(run.text.length * W).toFixed(1)}" height="${H}" fill="${run.bg}"/>`);
		if (run.text.trim() !== '') {
			parts.push(`<text x="${(run.x * W).toFixed(1)}" y="${top + 13}" fill="${run.fg}"${run.bold ? ' font-weight="bold"' : ''} textLength="${(run.text.length * W).toFixed(1)}" lengthAdjust="spacingAndGlyphs">${escape(run.text)}</text>`);
		}
		run = null;
	};
	for (let x = 0; x < term.cols; x++) {
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
	return parts.join('');
}

/** The opening tag of a picture of `cols`×`rows` cells, and its background. */
export function svgOpen(cols, rows) {
	return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xml:space="preserve" width="${cols * W}" height="${rows * H}" viewBox="0 0 ${cols * W} ${rows * H}" font-family="'DejaVu Sans Mono', Menlo, Consolas, monospace" font-size="14">
<rect width="100%" height="100%" fill="${BG}"/>`;
}
