/**
 * Command line: `netwatch [options]` and `netwatch replay FILE [options]`. Pure: argv in, a
 * parsed command or a usage error out. Built on node:util parseArgs.
 */
import {parseArgs} from 'node:util';
import type {MetricsAddress} from '../output/metrics.js';
import {schemeFromColorFgBg, SCHEMES, type Scheme} from '../views/scheme.js';
import {parseLabelFilter, type Scope} from '../store/scope.js';
import type {EngineFlags} from '../docker/context.js';

export const EXIT = {
	ok: 0,
	/** An unexpected failure. */
	failure: 1,
	/** Bad command line. */
	usage: 2,
	/** `--once`: Docker could not be reached (the host part is still printed). */
	docker: 3,
	/** A file could not be read or written (`replay FILE`, `--record FILE`). */
	file: 4,
} as const;

/** How the dashboard looks: `--theme`, `--present`, `--focus`. */
export interface ViewOptions {
	readonly theme: Scheme;
	readonly present: boolean;
	readonly focus: string | null;
}

export interface WatchOptions extends ViewOptions {
	readonly command: 'watch';
	readonly interval: number;
	readonly json: boolean;
	readonly once: boolean;
	readonly record: string | null;
	readonly captions: string | null;
	readonly bell: boolean;
	readonly color: boolean;
	readonly ascii: boolean;
	readonly bits: boolean;
	/** `--plain`: the plain table once per interval, as on a terminal that cannot draw the dashboard */
	readonly plain: boolean;
	/** `--metrics ADDR:PORT`: serve OpenMetrics there, beside whatever else runs */
	readonly metrics: MetricsAddress | null;
	/**
	 * The engines to watch, each as `-H` or `-c` named it (`{}`: the default one, as the docker
	 * CLI finds it); more than one with `-H` or `-c` given again.
	 */
	readonly engines: readonly EngineFlags[];
	/** `--contexts all`: every docker CLI context, the default one included. */
	readonly allContexts: boolean;
	/** `--project`, `--filter label=…`: the containers watched. */
	readonly scope: Scope;
	/** For an ssh:// engine: how to run netwatch on its host (`--remote-netwatch`); null with `--engine-api`. */
	readonly remoteNetwatch: string | null;
	/** `--agent`: serve this host's view on stdout, for a netwatch at the other end of ssh. */
	readonly agent: boolean;
}

export interface ReplayOptions extends ViewOptions {
	readonly command: 'replay';
	readonly file: string;
	readonly speed: number;
	/** `--cast OUT`: write an asciicast there instead of playing; with its size and pause limit. */
	readonly cast: string | null;
	readonly size: {readonly columns: number; readonly rows: number};
	readonly idleLimit: number | null;
	readonly color: boolean;
	readonly ascii: boolean;
	readonly bits: boolean;
}

export type Command = WatchOptions | ReplayOptions | {readonly command: 'help'} | {readonly command: 'version'};

export class UsageError extends Error {}

export const USAGE =
	'usage: netwatch [-i SECONDS] [--json [--once]] [--record FILE] [--captions FILE] [--plain] [--metrics ADDR:PORT]\n       [-H HOST... | -c CONTEXT... | --contexts all] [--remote-netwatch CMD | --engine-api]\n       [--project NAME] [--filter label=KEY[=VALUE]]\n       [--bell] [--bits] [--ascii] [--no-color] [--theme light|dark] [--present] [--focus NAME]\n       netwatch replay FILE [--speed N] [--cast OUT.cast [--size COLSxROWS] [--idle-limit S]]';

export const HELP = `netwatch: watch a Docker host's network live

${USAGE}

Dashboard (the default on a terminal): the host's interfaces and the selected
container's interfaces side by side, every container with its network mode and
the ports it really listens on, and Docker's events. A container that cannot
bind its port (EADDRINUSE) raises an alert that names who holds the port.

Options:
  -i, --interval SECONDS  time between samples (default 1, from 0.2 to 60)
      --json              print NDJSON: a snapshot per sample, each Docker event
                          and each alert as it happens
      --once              take one reading (two samples, so rates exist), print it
                          and exit: one JSON document with --json, else a table
      --record FILE       also write the session to FILE, for 'netwatch replay'
      --plain             no dashboard: print the plain table once per interval,
                          as on TERM=dumb or a terminal terminfo does not know
      --metrics ADDR:PORT serve OpenMetrics for Prometheus at http://ADDR:PORT/metrics
                          (:PORT for every address), beside the dashboard or
                          --json, or alone when stdout is not a terminal
      --captions FILE     show the last line written to FILE as a caption on top
                          (a demo's narration; recorded with --record)
  -H, --host ADDRESS      the Docker engine: unix:///path, tcp://host:port or
                          ssh://user@host (default: $DOCKER_HOST, else the current
                          docker context, else /var/run/docker.sock)
  -c, --context NAME      the Docker engine of a docker CLI context ('docker
                          context ls'); $DOCKER_CONTEXT is read too
                          (-H or -c again: watch several engines; keys [ ] and
                          1 to 9 switch between them)
      --contexts all      watch the engine of every docker CLI context
      --remote-netwatch CMD
                          for an ssh:// engine: run CMD --agent on its host over
                          the same ssh (default: netwatch), for the host's own
                          namespaces, sockets, holders and alerts; where it is
                          not installed, the engine API alone tells what it can
      --engine-api        for an ssh:// engine: use its API alone
      --agent             serve this host's view on stdout until stdin closes
                          (what --remote-netwatch runs; takes only -i)
      --project NAME      watch only the containers of this Compose project
                          (repeatable: any of them)
      --filter label=KEY[=VALUE]
                          watch only containers with this label (repeatable: all
                          of them, as 'docker ps --filter' reads labels)
      --bell              ring the terminal bell when an alert opens
      --bits              show rates in bits per second (key b switches)
      --ascii             no Unicode box drawing or sparklines
      --no-color          no colours (NO_COLOR is honoured too)
      --theme light|dark  colours for a light or a dark background (default: from
                          $COLORFGBG where the terminal sets it, else dark)
      --present           for a projector: lo and down interfaces hidden, the
                          selected container and open alerts stand out, room
                          between the panes
      --focus NAME        select the container NAME as soon as it is listed
  -h, --help              show this help
  -V, --version           show the version

Replay a recording, with no Docker engine at all:
  netwatch replay FILE [--speed N]   N times the original pace (default 1)
      --cast OUT.cast     write it as an asciinema recording (asciicast v2) instead,
                          with a marker at each alert and caption
      --size COLSxROWS    the cast's terminal size (default 120x36)
      --idle-limit S      cut every pause in the cast to at most S seconds

Keys: j/k or arrows select, PgUp/PgDn/Home/End move further, Tab switches pane,
/ filters, s sorts, p pauses, e events, b bits, a acknowledges an alert,
? help, q quits. In replay: space pauses, left/right step through time.

When stdout is not a terminal, netwatch prints one plain table and exits
(or NDJSON with --json). Mapping sockets to processes needs root, or read
access to /proc/<pid>/fd; without it, owners show as "needs root".

Exit status: 0 ok, 1 failure, 2 bad usage, 3 Docker unreachable (--once) or
its ssh host key refused, 4 a file cannot be read or written.`;

function number(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
	if (value === undefined) return fallback;
	const n = Number(value);
	if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
		throw new UsageError(`${name} must be a number from ${min} to ${max}, not '${value}'`);
	}
	return n;
}

/** `127.0.0.1:9464`, `[::1]:9464`, or `:9464` for every address; null when it is none of these. */
export function parseMetricsAddress(text: string): MetricsAddress | null {
	const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
	if (!m) return null;
	const port = Number(m[3]);
	if (port < 1 || port > 65_535) return null;
	return {host: m[1] ?? m[2] ?? '', port};
}

/** `--size 120x36`: within what the dashboard can draw and a terminal can be. */
function size(value: string | undefined): {columns: number; rows: number} {
	if (value === undefined) return {columns: 120, rows: 36};
	const match = /^(\d{1,4})x(\d{1,4})$/.exec(value.trim());
	const [columns, rows] = [Number(match?.[1]), Number(match?.[2])];
	if (!match || columns < 60 || columns > 1000 || rows < 15 || rows > 500) {
		throw new UsageError(`--size must be COLUMNSxROWS, from 60x15 to 1000x500, not '${value}'`);
	}
	return {columns, rows};
}

function explainParseError(error: unknown): UsageError {
	const e = error as {code?: string; message?: string};
	const message = e.message ?? String(error);
	const option = /'([^']+)'/.exec(message)?.[1];
	switch (e.code) {
		case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
			return new UsageError(`unknown option '${option ?? message}'`);
		case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
			if (/argument missing/.test(message)) return new UsageError(`option '${option}' needs a value`);
			if (/ambiguous/.test(message)) return new UsageError(`option '${option}' needs a value (write ${option}=-N for a value that starts with '-')`);
			return new UsageError(`option '${option}' takes no value`);
		case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
			return new UsageError(`unexpected argument '${option ?? message}'`);
		default:
			return new UsageError(message.split('\n')[0]!);
	}
}

const COMMON = {
	'no-color': {type: 'boolean'},
	theme: {type: 'string'},
	present: {type: 'boolean'},
	focus: {type: 'string'},
	ascii: {type: 'boolean'},
	bits: {type: 'boolean'},
	help: {type: 'boolean', short: 'h'},
	version: {type: 'boolean', short: 'V'},
} as const;

function viewOptions(values: {theme?: string | undefined; present?: boolean | undefined; focus?: string | undefined}, env: Readonly<Record<string, string | undefined>>): ViewOptions {
	if (values.theme !== undefined && !SCHEMES.includes(values.theme as Scheme)) throw new UsageError(`--theme must be light or dark, not '${values.theme}'`);
	if (values.focus !== undefined && values.focus.trim() === '') throw new UsageError('--focus needs a container name');
	return {
		theme: (values.theme as Scheme | undefined) ?? schemeFromColorFgBg(env['COLORFGBG']) ?? 'dark',
		present: values.present ?? false,
		focus: values.focus ?? null,
	};
}

/** @param env for NO_COLOR and COLORFGBG */
export function parseCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Command {
	const color = (noColor: boolean | undefined): boolean => !noColor && (env['NO_COLOR'] ?? '') === '';
	if (argv[0] === 'replay') {
		let parsed;
		try {
			parsed = parseArgs({
				args: argv.slice(1),
				allowPositionals: true,
				strict: true,
				options: {...COMMON, speed: {type: 'string'}, cast: {type: 'string'}, size: {type: 'string'}, 'idle-limit': {type: 'string'}},
			});
		} catch (error) {
			throw explainParseError(error);
		}
		const {values, positionals} = parsed;
		if (values.help) return {command: 'help'};
		if (values.version) return {command: 'version'};
		if (positionals.length === 0) throw new UsageError('replay needs a FILE to play');
		if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
		if (values.cast !== undefined && values.cast.trim() === '') throw new UsageError('--cast needs a file name');
		if (values.cast === undefined && (values.size !== undefined || values['idle-limit'] !== undefined)) throw new UsageError('--size and --idle-limit go with --cast');
		return {
			command: 'replay',
			file: positionals[0]!,
			speed: number('--speed', values.speed, 1, 0.05, 1000),
			cast: values.cast ?? null,
			size: size(values.size),
			idleLimit: values['idle-limit'] === undefined ? null : number('--idle-limit', values['idle-limit'], 0, 0.1, 3600),
			color: color(values['no-color']),
			ascii: values.ascii ?? false,
			bits: values.bits ?? false,
			...viewOptions(values, env),
		};
	}
	let parsed;
	try {
		parsed = parseArgs({
			args: [...argv],
			allowPositionals: true,
			strict: true,
			options: {
				...COMMON,
				interval: {type: 'string', short: 'i'},
				json: {type: 'boolean'},
				once: {type: 'boolean'},
				record: {type: 'string'},
				captions: {type: 'string'},
				bell: {type: 'boolean'},
				plain: {type: 'boolean'},
				metrics: {type: 'string'},
				host: {type: 'string', short: 'H', multiple: true},
				context: {type: 'string', short: 'c', multiple: true},
				contexts: {type: 'string'},
				project: {type: 'string', multiple: true},
				filter: {type: 'string', multiple: true},
				'remote-netwatch': {type: 'string'},
				'engine-api': {type: 'boolean'},
				agent: {type: 'boolean'},
			},
		});
	} catch (error) {
		throw explainParseError(error);
	}
	const {values, positionals} = parsed;
	if (values.help) return {command: 'help'};
	if (values.version) return {command: 'version'};
	if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
	if (values.record !== undefined && values.record.trim() === '') throw new UsageError('--record needs a file name');
	if (values.captions !== undefined && values.captions.trim() === '') throw new UsageError('--captions needs a file name');
	const hosts = values.host ?? [];
	const contexts = values.context ?? [];
	if (hosts.some(h => h.trim() === '')) throw new UsageError('--host needs an address');
	if (contexts.some(c => c.trim() === '')) throw new UsageError('--context needs a name');
	if (hosts.length > 0 && contexts.length > 0) throw new UsageError('give --host or --context, not both');
	if (values.contexts !== undefined && values.contexts !== 'all') throw new UsageError(`--contexts takes 'all', not '${values.contexts}': name contexts with -c`);
	if (values.contexts !== undefined && hosts.length + contexts.length > 0) throw new UsageError('give --contexts all, or name engines with -H or -c, not both');
	const engines: EngineFlags[] = hosts.length > 0 ? [...new Set(hosts)].map(host => ({host})) : contexts.length > 0 ? [...new Set(contexts)].map(context => ({context})) : [{}];
	const several = engines.length > 1 || values.contexts !== undefined;
	if (several && values.record !== undefined) throw new UsageError('--record keeps one engine: give one -H or -c');
	if (several && values.metrics !== undefined) throw new UsageError('--metrics serves one engine: run one netwatch per host, and let Prometheus scrape each');
	if (values['remote-netwatch'] !== undefined && values['remote-netwatch'].trim() === '') throw new UsageError('--remote-netwatch needs a command');
	if (values['remote-netwatch'] !== undefined && values['engine-api']) throw new UsageError('give --remote-netwatch or --engine-api, not both');
	if (values.agent) {
		const other = Object.keys(values).find(k => k !== 'agent' && k !== 'interval');
		if (other !== undefined) throw new UsageError(`--agent takes only -i, not --${other}`);
	}
	const metrics = values.metrics === undefined ? null : parseMetricsAddress(values.metrics);
	if (values.metrics !== undefined && metrics === null) throw new UsageError(`--metrics needs ADDR:PORT (127.0.0.1:9464, [::1]:9464 or :9464), not '${values.metrics}'`);
	if (metrics !== null && values.once) throw new UsageError('--metrics serves until stopped: not with --once');
	const projects = values.project ?? [];
	const empty = projects.find(p => p.trim() === '');
	if (empty !== undefined) throw new UsageError('--project needs a name');
	const labels = (values.filter ?? []).map(text => {
		const label = parseLabelFilter(text);
		if (!label) throw new UsageError(`--filter takes label=KEY or label=KEY=VALUE, not '${text}'`);
		return label;
	});
	return {
		command: 'watch',
		interval: number('--interval', values.interval, 1, 0.2, 60),
		json: values.json ?? false,
		once: values.once ?? false,
		record: values.record ?? null,
		captions: values.captions ?? null,
		bell: values.bell ?? false,
		color: color(values['no-color']),
		ascii: values.ascii ?? false,
		bits: values.bits ?? false,
		plain: values.plain ?? false,
		metrics,
		engines,
		allContexts: values.contexts !== undefined,
		...viewOptions(values, env),
		scope: {projects, labels},
		remoteNetwatch: values['engine-api'] ? null : (values['remote-netwatch'] ?? 'netwatch'),
		agent: values.agent ?? false,
	};
}
