/**
 * The ports a container's command line says it will listen on: `httpd -p 8080`, `--port=8000`,
 * `-listen :8080`, `-b 0.0.0.0:8000`, also inside `sh -c "..."`. For when the error message does
 * not name the port (busybox, Python, Java). Pure.
 */
import {basename} from 'node:path';
import {parse, type ParseEntry} from 'shell-quote';
import type {SocketProto} from '../model.js';

export interface CommandPort {
	readonly port: number;
	readonly proto: SocketProto;
	/** The program the flag belongs to (`httpd`). */
	readonly program: string;
}

/** Flags whose value is a port or an address with a port. */
const PORT_FLAGS = new Set(['-p', '--port', '-port', '--listen-port', '--http-port', '-http-port']);
const ADDRESS_FLAGS = new Set(['-listen', '--listen', '-b', '--bind', '-addr', '--addr', '-address', '--address', '--host-port']);
/** Programs that listen on a port without being told: busybox httpd. */
const DEFAULT_PORTS: Record<string, number> = {httpd: 80};
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
/** Words that run the next word as the program. */
const WRAPPERS = new Set(['exec', 'nohup', 'env', 'chpst', 'su-exec', 'gosu', 'tini', 'dumb-init', 'timeout', 'nice']);

/** `8080`, `:8080`, `0.0.0.0:8080`, `[::]:8080` -> 8080 */
function portOf(value: string | undefined): number | null {
	if (value === undefined) return null;
	const match = /(?:^|:)(\d{1,5})$/.exec(value.trim());
	const port = match ? Number(match[1]) : NaN;
	return port > 0 && port < 65536 ? port : null;
}

/** Split shell tokens into simple commands at ; && || | & and the like. */
function commands(tokens: readonly ParseEntry[]): string[][] {
	const out: string[][] = [[]];
	for (const token of tokens) {
		if (typeof token === 'string') out[out.length - 1]!.push(token);
		else if ('op' in token) out.push([]);
	}
	return out.filter(c => c.length > 0);
}

function fromSimpleCommand(words: readonly string[]): CommandPort[] {
	let i = 0;
	// skip `exec`, `env A=b`, shell keywords of loops, and assignments
	while (i < words.length && (WRAPPERS.has(basename(words[i]!)) || /^\w+=/.test(words[i]!) || /^(while|until|do|then|else|if)$/.test(words[i]!))) i++;
	const program = basename(words[i] ?? '');
	if (program === '') return [];
	const args = words.slice(i + 1);
	if (SHELLS.has(program)) {
		const script = args[args.indexOf('-c') + 1];
		return args.includes('-c') && script !== undefined ? fromScript(script) : [];
	}
	const proto: SocketProto = program === 'nc' && args.includes('-u') ? 'udp' : 'tcp';
	const found: CommandPort[] = [];
	for (let k = 0; k < args.length; k++) {
		const arg = args[k]!;
		const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
		if (!PORT_FLAGS.has(flag) && !ADDRESS_FLAGS.has(flag)) continue;
		const port = portOf(inline ?? args[k + 1]);
		if (port !== null) found.push({port, proto, program});
	}
	const fallback = DEFAULT_PORTS[program];
	if (found.length === 0 && fallback !== undefined) found.push({port: fallback, proto, program});
	return found;
}

function fromScript(script: string): CommandPort[] {
	let tokens: ParseEntry[];
	try {
		tokens = parse(script);
	} catch {
		// shell-quote gives up on some scripts (`${}`); the container's script is not ours to fix
		return [];
	}
	return commands(tokens).flatMap(fromSimpleCommand);
}

/** Every port the command names, in order, without repeats. */
export function portsFromCommand(argv: readonly string[]): CommandPort[] {
	const seen = new Set<string>();
	return fromSimpleCommand(argv).filter(p => {
		const key = `${p.port}/${p.proto}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}
