/**
 * os-release(5): the OS's name, as `NAME VERSION_ID` (`Debian GNU/Linux 12`), else PRETTY_NAME.
 * Lines are `KEY=value`, the value bare or in single or double quotes with shell escapes.
 */
import {sanitize} from '../util/sanitize.js';

function fields(text: string): Map<string, string> {
	const found = new Map<string, string>();
	for (const line of text.split('\n')) {
		const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
		if (!match) continue;
		const raw = match[2]!;
		const quoted = /^(["'])(.*)\1$/.exec(raw);
		found.set(match[1]!, quoted ? (quoted[1] === '"' ? quoted[2]!.replace(/\\([\\"$`])/g, '$1') : quoted[2]!) : raw);
	}
	return found;
}

/** The OS's name, or null when the file names none. */
export function parseOsRelease(text: string): string | null {
	const f = fields(text);
	const name = f.get('NAME') ? [f.get('NAME'), f.get('VERSION_ID')].filter(Boolean).join(' ') : f.get('PRETTY_NAME');
	return name ? sanitize(name) : null;
}
