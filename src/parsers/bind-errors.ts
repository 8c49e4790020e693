/**
 * "Address already in use", as servers really print it. Each rule names the server, matches
 * its line, and takes the port (and address) when the line has them. The lines and patterns
 * come from docker-and-linux.md §4, where most were captured from the real servers. A
 * catch-all takes the rest, without a port.
 *
 * Pure: a line in, a match or null out.
 */

export interface BindFailure {
	/** The rule that matched: `nginx`, `node`, `busybox`, `docker-allocated`, ..., `generic`. */
	readonly rule: string;
	readonly port: number | null;
	readonly address: string | null;
	readonly proto: 'tcp' | 'udp' | null;
	/** Docker's own failure to publish a port, rather than the server's failure to bind. */
	readonly publish: boolean;
	/** A supervisor reporting that a program keeps exiting: a bind failure only if its port is taken. */
	readonly inferred: boolean;
	/** The program that said it (`httpd`, `nc`), when the line names it. */
	readonly program: string | null;
}

interface Rule {
	readonly rule: string;
	readonly pattern: RegExp;
	/** Group numbers of the address and the port, if the pattern captures them. */
	readonly address?: number;
	readonly port?: number;
	/** A group holding `tcp`/`udp` (possibly with 4 or 6). */
	readonly proto?: number;
	readonly program?: number;
	readonly publish?: boolean;
	readonly inferred?: boolean;
}

/** `[::]`, `0.0.0.0`, `*`, `127.0.0.1` or nothing, lazily. */
const H = '[0-9a-fA-F.:*]*?';
const GO = `listen (tcp|udp)[46]? \\[?(${H})\\]?:(\\d+): bind: address already in use`;

const RULES: readonly Rule[] = [
	// Docker itself, when it cannot publish a port: the container stays `created`
	{rule: 'docker-allocated', pattern: new RegExp(`Bind for \\[?(${H})\\]?:(\\d+) failed: port is already allocated`), address: 1, port: 2, publish: true},
	{rule: 'docker-proxy', pattern: new RegExp(`Error starting userland proxy: ${GO}`, 'i'), proto: 1, address: 2, port: 3, publish: true},
	{rule: 'docker-bind', pattern: new RegExp(`failed to bind (?:host )?port (?:for )?\\[?(${H})\\]?:(\\d+)(?:[:/][^ ]*)?: address already in use`, 'i'), address: 1, port: 2, publish: true},
	{rule: 'docker-bind', pattern: new RegExp(`failed to bind port \\[?(${H})\\]?:(\\d+)/(tcp|udp): Error starting userland proxy`, 'i'), address: 1, port: 2, proto: 3, publish: true},
	{rule: 'nginx', pattern: new RegExp(`bind\\(\\) to \\[?(${H})\\]?:(\\d+) failed \\((?:98|48): Address already in use\\)`), address: 1, port: 2},
	{rule: 'apache', pattern: new RegExp(`Address already in use: (?:AH00072: )?make_sock: could not bind to address \\[?(${H})\\]?:(\\d+)`), address: 1, port: 2},
	{rule: 'node', pattern: /listen EADDRINUSE(?:: address already in use)? (\S*?):(\d+)\s*$/m, address: 1, port: 2},
	{rule: 'uvicorn', pattern: /\[Errno (?:98|48)\] error while attempting to bind on address \('([^']*)', (\d+)/, address: 1, port: 2},
	{rule: 'gunicorn', pattern: /(?:Connection in use:|Can't connect to:?) \('([^']*)', (\d+)/, address: 1, port: 2},
	{rule: 'flask', pattern: /Port (\d+) is in use by another program/, port: 1},
	{rule: 'go', pattern: new RegExp(GO, 'i'), proto: 1, address: 2, port: 3},
	{rule: 'redis', pattern: /listening socket (\S+?):(\d+): bind: Address already in use/, address: 1, port: 2},
	{rule: 'redis', pattern: /Failed listening on port (\d+) \((?:TCP|TLS)\)/, port: 1},
	{rule: 'postgres', pattern: /another postmaster already running on port (\d+)/, port: 1},
	{rule: 'mysql', pattern: /another (?:mysqld )?server running on port: (\d+)/, port: 1},
	{rule: 'haproxy', pattern: /cannot bind socket(?: \([^)]*\))?(?: for)? \[([^\]]*):(\d+)\]/, address: 1, port: 2},
	{rule: 'spring', pattern: /Port (\d+) was already in use/, port: 1},
	// named, but without a port: the port comes from the command line or the image
	{rule: 'busybox', pattern: /^(?:.*\s)?(httpd|nc|udhcpd|telnetd|ftpd): bind: Address already in use/, program: 1},
	{rule: 'python', pattern: /OSError: \[Errno (?:98|48)\] Address already in use/},
	{rule: 'java', pattern: /java\.net\.BindException: Address already in use/},
	{rule: 'postgres', pattern: /could not bind IPv[46] address "[^"]*": Address already in use/},
	{rule: 'mysql', pattern: /Can't start server: Bind on TCP\/IP port/},
	// supervisord: the child's own error went to its log file, not to Docker's
	{rule: 'supervisord', pattern: /exited: (\S+) \(exit status [1-9]\d*; not expected\)/, program: 1, inferred: true},
	{rule: 'supervisord', pattern: /gave up: (\S+) entered FATAL state, too many start retries/, program: 1, inferred: true},
];

/** Every rule's line contains one of these: most lines are turned away here, cheaply. */
const MAYBE = /in use|EADDRINUSE|Can't connect to|Failed listening|another (?:postmaster|server|mysqld)|Bind on TCP|cannot bind|could not bind|already allocated|BindException|Errno 98|exited: |gave up: /i;

/** Lines no specific rule knows, that still say a port was taken. */
const CATCH_ALL = /EADDRINUSE|address already in use|Errno 98\b|port is already allocated|BindException|could not bind|cannot bind socket|Connection in use|was already in use/i;

function protoOf(text: string | undefined): 'tcp' | 'udp' | null {
	if (!text) return null;
	return text.toLowerCase().startsWith('udp') ? 'udp' : 'tcp';
}

/** One log line (or State.Error) -> the bind failure it reports, or null. */
export function matchBindFailure(line: string): BindFailure | null {
	if (!MAYBE.test(line)) return null;
	for (const r of RULES) {
		const m = r.pattern.exec(line);
		if (!m) continue;
		const port = r.port !== undefined ? Number(m[r.port]) : null;
		const address = r.address !== undefined ? (m[r.address] ?? '') : null;
		return {
			rule: r.rule,
			port: port !== null && Number.isInteger(port) && port > 0 && port < 65536 ? port : null,
			address: address === null ? null : address.replace(/^\[|\]$/g, ''),
			proto: r.proto !== undefined ? protoOf(m[r.proto]) : null,
			publish: r.publish ?? false,
			inferred: r.inferred ?? false,
			program: r.program !== undefined ? (m[r.program] ?? null) : null,
		};
	}
	if (CATCH_ALL.test(line)) return {rule: 'generic', port: null, address: null, proto: null, publish: false, inferred: false, program: null};
	return null;
}

export interface FoundFailure extends BindFailure {
	readonly line: string;
}

/**
 * The bind failure in a log, if any. A line that names the port beats one that does not (nginx
 * and Apache say it twice, once per address family, and then a summary without a port); a real
 * failure beats a supervisor's inference; among equals, the last one wins.
 */
export function findBindFailure(lines: readonly string[]): FoundFailure | null {
	let best: FoundFailure | null = null;
	const score = (f: BindFailure): number => (f.inferred ? 0 : 2) + (f.port !== null ? 1 : 0);
	for (const line of lines) {
		const match = matchBindFailure(line);
		if (match && (best === null || score(match) >= score(best))) best = {...match, line};
	}
	return best;
}
