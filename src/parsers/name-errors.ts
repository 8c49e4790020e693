/**
 * A program that could not look up a host name, as its log says it, and the name when the
 * lines give it: busybox's `bad address 'web1'`, curl's `Could not resolve host: web1`, Node's
 * `getaddrinfo ENOTFOUND web1`, Go's `lookup web1 ...: no such host`, Python's `gaierror`, ...
 *
 * Pure: lines in, the failure or null out. The corpus in test/fixtures/name-errors holds the real
 * lines (and healthy ones) it is measured against.
 */

export interface NameFailure {
	/** The name looked up (lower case, without a port), or null when the lines do not say it. */
	readonly name: string | null;
	readonly rule: string;
	/** The evidence, as it was written. */
	readonly line: string;
	readonly index: number;
}

/** getaddrinfo's errors as glibc and musl say them, where the name stands before them. */
const GAI = '(?:Name or service not known|Temporary failure in name resolution|Name does not resolve|No address associated with hostname|nodename nor servname provided, or not known)';
/** A host name as it can stand in a log (an alias, a Compose service, a FQDN); a port may follow. */
const NAME = "([A-Za-z0-9_][\\w.-]*)";

interface Rule {
	readonly rule: string;
	readonly pattern: RegExp;
}

/** In order: the first that matches a line says it. Group 1 is the name, where the rule has one. */
const RULES: readonly Rule[] = [
	{rule: 'busybox', pattern: new RegExp(`bad address '${NAME}(?::\\d+)?'`)},
	{rule: 'nslookup', pattern: new RegExp(`server can't find ${NAME}: (?:NXDOMAIN|SERVFAIL)`)},
	{rule: 'host', pattern: new RegExp(`^Host ${NAME} not found: \\d\\((?:NXDOMAIN|SERVFAIL)\\)`)},
	{rule: 'wget', pattern: new RegExp(`unable to resolve host address [‘'"]${NAME}[’'"]`)},
	{rule: 'curl', pattern: new RegExp(`Could not resolve host: ${NAME}`)},
	{rule: 'requests', pattern: new RegExp(`ConnectionPool\\(host='${NAME}'.*${GAI}`)},
	{rule: 'aiohttp', pattern: new RegExp(`Cannot connect to host ${NAME}:\\d+ .*\\[${GAI}\\]`)},
	{rule: 'node', pattern: new RegExp(`getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ${NAME}`)},
	{rule: 'go', pattern: new RegExp(`\\blookup ${NAME}(?: on \\S+)?: (?:no such host|server misbehaving|dial udp \\S+: connect: network is unreachable)`)},
	{rule: 'postgres', pattern: new RegExp(`could not translate host name "${NAME}" to address`)},
	{rule: 'redis', pattern: new RegExp(`Could not connect to Redis at ${NAME}:\\d+: ${GAI}`)},
	{rule: 'mysql', pattern: new RegExp(`Unknown (?:MySQL |MariaDB )?server host '${NAME}'`)},
	{rule: 'java', pattern: new RegExp(`UnknownHostException: ${NAME}`)},
	{rule: 'ruby', pattern: new RegExp(`Failed to open TCP connection to ${NAME}:\\d+ \\(getaddrinfo: `)},
	{rule: 'perl', pattern: new RegExp(`Bad hostname '${NAME}'`)},
	{rule: 'getaddrinfo-for', pattern: new RegExp(`getaddrinfo for (?:host )?"?${NAME}"?(?: port \\d+)?(?: failed)?: ${GAI}`)},
	{rule: 'socat', pattern: new RegExp(`getaddrinfo\\("${NAME}",.*\\): ${GAI}`)},
	{rule: 'resolve-hostname', pattern: new RegExp(`Could not resolve hostname "?${NAME}"?: `)},
	{rule: 'nginx', pattern: new RegExp(`host not found in upstream "${NAME}(?::\\d+)?"`)},
	{rule: 'haproxy', pattern: new RegExp(`could not resolve address '${NAME}'`)},
	// the error without the name: Python's gaierror, Ruby's SocketError, Rust, Erlang, dig
	{rule: 'gaierror', pattern: new RegExp(`gaierror: \\[Errno -[235]\\] ${GAI}|\\[Errno -[235]\\] ${GAI}`)},
	{rule: 'getaddrinfo', pattern: new RegExp(`getaddrinfo: ${GAI}|failed to lookup address information: ${GAI}`)},
	// `ping: web1: Name or service not known`, `getaddrinfo web1: Name does not resolve` (C), musl's EAI_AGAIN
	{rule: 'libc', pattern: new RegExp(`(?:^|[\\s:])${NAME}: ${GAI}`)},
	{rule: 'libc', pattern: new RegExp(`getaddrinfo ${NAME}: Try again`)},
	{rule: 'erlang', pattern: /\{error,nxdomain\}/},
	{rule: 'dig', pattern: /^;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN\b/},
];

/** Rules whose pattern has no name in it. */
const NAMELESS = new Set(['gaierror', 'getaddrinfo', 'erlang', 'dig']);

/** A call that names the host a few lines before a nameless error (Python's traceback). */
const CALL = /\b(?:gethostbyname(?:_ex)?|getaddrinfo|create_connection|connect)\(\s*\(?\s*["']([\w.-]+)["']/;
const CALL_BACK = 4;

function clean(name: string): string {
	return name.replace(/\.$/, '').toLowerCase();
}

/** The failure one line reports, with the name it gives, or the name a call just before gives. */
function failureAt(lines: readonly string[], index: number): NameFailure | null {
	const line = lines[index]!;
	for (const {rule, pattern} of RULES) {
		const m = pattern.exec(line);
		if (!m) continue;
		let name = NAMELESS.has(rule) ? null : (m[1] ?? null);
		for (let back = 1; name === null && back <= CALL_BACK && index - back >= 0; back++) name = CALL.exec(lines[index - back]!)?.[1] ?? null;
		return {name: name === null ? null : clean(name), rule, line, index};
	}
	return null;
}

/** One line on its own -> the failure it reports, or null. */
export function matchNameFailure(line: string): NameFailure | null {
	return failureAt([line], 0);
}

/** The last lookup failure in some lines; one that names its host beats one that does not. */
export function findNameFailure(lines: readonly string[]): NameFailure | null {
	let best: NameFailure | null = null;
	for (let i = 0; i < lines.length; i++) {
		const found = failureAt(lines, i);
		if (found && (best === null || found.name !== null || best.name === null)) best = found;
	}
	return best;
}
