/**
 * A server that could not bind its port, as its log says it: which error (in use, permission
 * denied, no such address), and the port and address when the lines name them.
 *
 * Precision comes first: a failure is claimed only on evidence of that error, in some libc's
 * or language's spelling ("Address already in use", musl's "Address in use", EADDRINUSE,
 * AddrInUse, errno 98, ...), on the failing line, with a bind or listen around it on that line
 * or the lines of the same failure just before it. A handful of servers word it their own way
 * (gunicorn, werkzeug, Spring, portend, privoxy, Docker itself); each has a rule. An error
 * quoted in prose ('address already in use') is a mention, not an error. An outgoing connect()
 * that fails is not a bind. A failure on a unix socket is not about a port. And a failure that
 * the same log later shows recovered from (the server listens on that port after all) is over.
 *
 * Pure: lines in, the failure or null out. The corpus in test/fixtures/bind-errors holds the
 * real lines (and healthy ones) it is measured against.
 */

export type BindErrorKind = 'EADDRINUSE' | 'EACCES' | 'EADDRNOTAVAIL';

export interface BindFailure {
	readonly kind: BindErrorKind;
	/** Which rule matched: `docker-allocated`, `gunicorn`, ..., `supervisord`, or `errno` (the wording of libc and languages). */
	readonly rule: string;
	readonly port: number | null;
	readonly address: string | null;
	readonly proto: 'tcp' | 'udp' | null;
	/** Docker's own failure to publish a port, rather than the server's failure to bind. */
	readonly publish: boolean;
	/** A supervisor saying a program keeps exiting: a bind failure only if its port is really taken. */
	readonly inferred: boolean;
	/**
	 * Said in a form that one program or library prints for exactly this failure (a rule), not
	 * inferred from errno words with a bind nearby: enough to claim it of a container that runs.
	 */
	readonly specific: boolean;
	/** The program that said it (`httpd`, `nc`), when the line names it. */
	readonly program: string | null;
	/** The evidence: the line that says it, as it was written, and where it is in the lines. */
	readonly line: string;
	readonly index: number;
}

const ANSI = /\u001b\[[\d;]*m/g;

/** The errors, in the spellings of libcs (glibc, musl), errno names and numbers, and languages. */
const ERRORS: readonly {readonly kind: BindErrorKind; readonly words: RegExp; readonly symbol: RegExp}[] = [
	{
		kind: 'EADDRINUSE',
		words: /address already in use|\baddress in use\b|\berrno:? ?98\b|\[errno 98\]|\(98\)|\b98: address|oserror\(98\b|\bgot error: 98\b/i,
		// these name the error itself: they need no bind around them
		symbol: /\beaddrinuse\b|\baddrinuse\b/i,
	},
	{
		kind: 'EADDRNOTAVAIL',
		words: /cannot assign requested address|\baddress not available\b|\[errno 99\]|\(99\)|\berrno:? ?99\b|oserror\(99\b/i,
		symbol: /\beaddrnotavail\b|\baddrnotavailable\b/i,
	},
	{
		kind: 'EACCES',
		words: /permission denied|operation not permitted|\[errno 13\]|\(13\)|\berrno:? ?13\b|\bgot error: 13\b/i,
		// EACCES also names a file that cannot be opened: it needs a bind around it like the words
		symbol: /(?!)/,
	},
];

/**
 * The errno's number and its text together (`[Errno 98] Address in use`) name a socket's error
 * twice over, as does the text of EADDRNOTAVAIL where no connection is being made: they need
 * no bind around them.
 */
const SELF_EVIDENT = /\[errno 98\] address (?:already )?in use|\[errno 99\] cannot assign requested address|^\W*(?:cannot assign requested address|address not available)\W*$/i;

/** A bind or a listen: the evidence of an error must stand in one. */
const BIND =
	/\bbind(?:\(|ing\b|:| to | on | for |\b(?!\.| mount|ing)(?=.*(?:fail|error|denied|in use|assign|available)))|\bbindexception\b|make_sock|\blisten(?:ing)?\b|\blistener\b|listen socket|listening socket|\bcreate (?:any )?(?:tcp\/ip |listen(?:ing)? )?sockets?\b|creating (?:tcp|udp|ipv[46]) socket|could not create socket|\bcreate socket on\b|no socket could be created|could not get socket|cannot listen on|failed to listen|couldn't listen|bind on tcp\/ip port/i;

/** An outgoing connection that failed: not a bind, even with a bind word around it. */
const CONNECT = /\bconnect\(\)|\bconnecting to\b|while connecting/i;

/** The program in `httpd: bind: ...`, `nc: ...`. */
const PROGRAM = /^(?:.*\s)?([a-z][\w.-]*): (?:bind(?:\(\))?:|(?:address|permission|cannot|operation))/i;

interface Rule {
	readonly rule: string;
	readonly kind: BindErrorKind | null;
	readonly pattern: RegExp;
	/** Group numbers of the address, the port, and tcp/udp. */
	readonly address?: number;
	readonly port?: number;
	readonly proto?: number;
	readonly program?: number;
	readonly publish?: boolean;
}

/** Hosts as servers print them: IPv4, [IPv6], IPv6 without brackets before a port, `*`, localhost. */
const H = '(?:\\[[0-9a-fA-F:.%\\w]*\\]|\\d{1,3}(?:\\.\\d{1,3}){3}|::[0-9a-fA-F:]*?|\\*|localhost|)';

/** Servers that say it their own way. `kind` null: the errno words on the line tell the kind. */
const RULES: readonly Rule[] = [
	// Docker itself, when it cannot publish a port: the container stays `created`
	{rule: 'docker-allocated', kind: 'EADDRINUSE', pattern: new RegExp(`Bind for (${H}):(\\d+) failed: port is already allocated`), address: 1, port: 2, publish: true},
	{rule: 'docker-proxy', kind: null, pattern: new RegExp(`Error starting userland proxy: listen (tcp|udp)[46]? (${H}):(\\d+): bind:`, 'i'), proto: 1, address: 2, port: 3, publish: true},
	{rule: 'docker-bind', kind: null, pattern: new RegExp(`failed to bind (?:host )?port (?:for )?(${H}):(\\d+)(?:[:/]\\S*)?:`, 'i'), address: 1, port: 2, publish: true},
	{rule: 'gunicorn', kind: 'EADDRINUSE', pattern: /Connection in use: \('([^']*)', (\d+)\)/, address: 1, port: 2},
	{rule: 'gunicorn', kind: 'EADDRNOTAVAIL', pattern: /\[ERROR\] Invalid address: \('([^']*)', (\d+)\)/, address: 1, port: 2},
	{rule: 'werkzeug', kind: 'EADDRINUSE', pattern: /Port (\d+) is in use by another program/, port: 1},
	{rule: 'spring', kind: 'EADDRINUSE', pattern: /Port (\d+) was already in use/, port: 1},
	{rule: 'portend', kind: 'EADDRINUSE', pattern: /Port (\d+) not free on (\S+?)\.?$/, port: 1, address: 2},
	{rule: 'privoxy', kind: 'EADDRINUSE', pattern: new RegExp(`can't bind to (${H}):(\\d+): There may be another \\S+ or some other proxy running on port`), address: 1, port: 2},
	{rule: 'netcat', kind: null, pattern: /^((?:nc|nc\.openbsd|nc\.traditional|netcat|ncat)): /, program: 1},
	// C's perror(): `httpd: bind: Address in use` (busybox), `socat: bind(): ...`
	{rule: 'perror', kind: null, pattern: /^([a-z][\w.-]*): bind(?:\(\))?: /i, program: 1},
	{rule: 'nginx', kind: null, pattern: new RegExp(`bind\\(\\) to (${H}):(\\d+) failed \\(`), address: 1, port: 2},
	{rule: 'apache', kind: null, pattern: new RegExp(`make_sock: could not bind to address (${H}):(\\d+)`), address: 1, port: 2},
	{rule: 'perl', kind: null, pattern: /^HTTP::Daemon failed: /},
];

/** A host and its port: `127.0.0.1:80`, `[::1]:80`, `:::80`, `*:80`, `127.0.0.1#53`, `127.0.0.1@53`; or a bare `:80` after a space (not `11:02:03`, not JSON's `"level":50`). */
const HOST_PORT = new RegExp(`(?:(?:^|[\\s"'(=,{/[]|\\bhttps?://|\\btcp://)(${H.replace('|)', ')')})[:#@]|(?:^|[\\s=(])():)(\\d{1,5})(?!\\d|\\.\\d)`, 'g');
/** `('127.0.0.1', 80)` */
const TUPLE = /\('([^']*)', (\d{1,5})\)/g;
/** `port 80`, `port: 80`, `port: '80'`, `on port 80`, `"0.0.0.0" port 80`, `http-nio-127.0.0.1-8080` (Tomcat). */
const PORT_WORD = /\bport:?\s*'?(\d{1,5})'?(?!\d|\.\d)|\bhttps?-(?:nio2?|apr|bio)-(?:(\S+?)-)?(\d{1,5})"/gi;
/** `"127.0.0.1" port 80` (Ruby) */
const QUOTED_HOST = /"([^"]+)" port (\d{1,5})\b/;
/** An address that a line names without its port: `could not bind IPv4 address "10.9.9.9"`. */
const ADDRESS_WORD = /\baddress "?(\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9a-f]*:[0-9a-f:]*\]?)"?/i;

/** A path where a port would stand: the failure is on a unix socket. */
const UNIX = /(?:in use|denied|address) \/\S/i;
/** A unix socket named anywhere on the line. */
const UNIX_NAMED = /\bunix:|\.sock\b/i;

function validPort(text: string | undefined): number | null {
	const port = Number(text);
	return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
}

/** The first port a line names, with its address. */
export function portIn(line: string): {port: number; address: string | null} | null {
	const text = line.replace(ANSI, '');
	const quoted = QUOTED_HOST.exec(text);
	if (quoted) return {port: validPort(quoted[2])!, address: quoted[1]!};
	for (const m of text.matchAll(TUPLE)) {
		const port = validPort(m[2]);
		if (port) return {port, address: m[1]!};
	}
	for (const m of text.matchAll(HOST_PORT)) {
		const port = validPort(m[3]);
		if (port) return {port, address: m[1] ? m[1].replace(/^\[|\]$/g, '') : null};
	}
	for (const m of text.matchAll(PORT_WORD)) {
		const port = validPort(m[1] ?? m[3]);
		if (port) return {port, address: m[2] ?? null};
	}
	return null;
}

/** Lines before and after a failing line that still belong to its failure, nearest first. */
const NEAR = [1, -1, 2, -2, 3, -3];
/** How far back a failing component that names its port may be (Tomcat prints a long stack first). */
const COMPONENT_BACK = 40;
const COMPONENT = /Failed to (?:initialize|start) component \[Connector\["?[a-z]+-[a-z0-9]+-(?:(\S+)-)?(\d{1,5})"?\]\]/;

/** Where the failure names its port: on its line, on a line of the same failure, or on the component that failed. */
function portNear(lines: readonly string[], index: number): {port: number; address: string | null} | null {
	const own = portIn(lines[index]!);
	if (own) return own;
	for (const offset of NEAR) {
		const line = lines[index + offset];
		if (line === undefined) continue;
		const found = portIn(line);
		if (found) return found;
	}
	for (let i = index - 1; i >= Math.max(0, index - COMPONENT_BACK); i--) {
		const m = COMPONENT.exec(lines[i]!);
		if (m) return {port: validPort(m[2])!, address: m[1] ?? null};
	}
	return null;
}

/** The kind whose evidence the text holds (the words, or the errno's name), or null. */
function errorIn(text: string): {kind: BindErrorKind; symbol: boolean; at: number} | null {
	for (const e of ERRORS) {
		const symbol = e.symbol.exec(text);
		if (symbol) return {kind: e.kind, symbol: true, at: symbol.index};
		const words = e.words.exec(text);
		if (words && !quoted(text, words.index, words[0].length)) return {kind: e.kind, symbol: false, at: words.index};
	}
	return null;
}

/** Text in quotes inside a sentence ('address already in use' in a test's name) is a mention. */
function quoted(text: string, at: number, length: number): boolean {
	const before = text[at - 1];
	return (before === "'" || before === '‘') && (text[at + length] === "'" || text[at + length] === '’');
}

function protoOf(text: string | undefined): 'tcp' | 'udp' | null {
	if (!text) return null;
	return text.toLowerCase().startsWith('udp') ? 'udp' : 'tcp';
}

/** The failure one line reports, on its own and the lines of the same failure before it. */
function failureAt(lines: readonly string[], index: number): BindFailure | null {
	const raw = lines[index]!;
	const text = raw.replace(ANSI, '');
	if (UNIX_NAMED.test(text)) return null;
	const error = errorIn(text);
	for (const r of RULES) {
		const m = r.pattern.exec(text);
		if (!m) continue;
		const kind = r.kind ?? error?.kind;
		if (!kind) continue;
		const port = r.port !== undefined ? validPort(m[r.port]) : null;
		const near = port === null ? portNear(lines, index) : null;
		return {
			kind,
			rule: r.rule,
			port: port ?? near?.port ?? null,
			address: r.address !== undefined ? (m[r.address] ?? '').replace(/^\[|\]$/g, '') : (near?.address ?? null),
			proto: r.proto !== undefined ? protoOf(m[r.proto]) : null,
			publish: r.publish ?? false,
			inferred: false,
			specific: true,
			program: r.program !== undefined ? (m[r.program] ?? null) : null,
			line: raw,
			index,
		};
	}
	if (!error || CONNECT.test(text)) return null;
	// the evidence needs a bind around it: on its line, or on a line of the same failure before it
	// (a line before that reports an error itself is its own failure, and lends this one nothing)
	const lends = (line: string): boolean => BIND.test(line) && !CONNECT.test(line) && errorIn(line) === null;
	const around = (back: number): string | undefined => lines[index - back]?.replace(ANSI, '');
	const context = error.symbol || SELF_EVIDENT.test(text) || BIND.test(text) || [1, 2, 3].some(back => around(back) !== undefined && lends(around(back)!));
	// an outgoing connection that failed, a line or two before, makes it no bind either
	if ([1, 2].some(back => CONNECT.test(around(back) ?? ''))) return null;
	if (!context) return null;
	// a unix socket (a path where the port would be) is not a port
	if (UNIX.test(text.slice(error.at))) return null;
	const near = portNear(lines, index);
	const go = /listen (tcp|udp)[46]? /i.exec(text);
	return {
		kind: error.kind,
		rule: 'errno',
		port: near?.port ?? null,
		address: near?.address ?? ADDRESS_WORD.exec(text)?.[1]?.replace(/^\[|\]$/g, '') ?? null,
		proto: protoOf(go?.[1]),
		publish: false,
		inferred: false,
		specific: false,
		program: PROGRAM.exec(text)?.[1] ?? null,
		line: raw,
		index,
	};
}

/** supervisord: the child's own error went to its log file, not to Docker's. */
const SUPERVISOR = [/exited: (\S+) \(exit status [1-9]\d*; not expected\)/, /gave up: (\S+) entered FATAL state, too many start retries/];

function supervisorAt(lines: readonly string[], index: number): BindFailure | null {
	for (const pattern of SUPERVISOR) {
		const m = pattern.exec(lines[index]!);
		if (m) return {kind: 'EADDRINUSE', rule: 'supervisord', port: null, address: null, proto: null, publish: false, inferred: true, specific: false, program: m[1]!, line: lines[index]!, index};
	}
	return null;
}

/** A later line that says the server listens on that port: the failure was overcome (gunicorn retries, say). */
const LISTENING = /\blistening (?:at|on)\b|\bserving on\b|\brunning on\b|\bready to accept connections\b|\bstarted (?:on|server on)\b/i;

/** ...unless it says it failed to (`Failed listening on port 6379`), or speaks of another (`stop the process that's listening on port 8080`). */
const FAILED = /fail|error|could not|couldn't|cannot|can't|unable|abort|another|other|that's|already/i;

function recovered(lines: readonly string[], failure: BindFailure): boolean {
	if (failure.port === null) return false;
	for (let i = failure.index + 1; i < lines.length; i++) {
		const line = lines[i]!;
		if (LISTENING.test(line) && !FAILED.test(line) && portIn(line)?.port === failure.port) return true;
	}
	return false;
}

/** One line (or State.Error) on its own -> the failure it reports, or null. */
export function matchBindFailure(line: string): BindFailure | null {
	return failureAt([line], 0) ?? supervisorAt([line], 0);
}

/**
 * The bind failure in a log, if any. A real failure beats a supervisor's inference; among real
 * ones, one that names the port beats one that does not (nginx and Apache say it once per address
 * family, then a summary without a port); among equals, the last one wins. A failure the log
 * later shows overcome is no failure.
 */
export function findBindFailure(lines: readonly string[]): BindFailure | null {
	let best: BindFailure | null = null;
	const score = (f: BindFailure): number => (f.inferred ? 0 : 2) + (f.port !== null ? 1 : 0);
	for (let i = 0; i < lines.length; i++) {
		const found = failureAt(lines, i) ?? supervisorAt(lines, i);
		if (found && (best === null || score(found) >= score(best))) best = found;
	}
	return best && !recovered(lines, best) ? best : null;
}
