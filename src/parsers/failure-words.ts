/**
 * A cheap first look at a log line: could it report a bind failure or a failed name lookup at
 * all? The matchers in bind-errors.ts and name-errors.ts run a few dozen patterns; a followed log
 * (an access log, say) sends most of its lines past this one test instead. It must let through
 * every line that either matcher recognises: test/unit/failure-words.test.ts checks it on both
 * corpora.
 */
const WORDS =
	/in use|inuse|denied|not permitted|assign|not available|addrnotavail|eacces|allocated|bind|listen|not free|daemon failed|errno|exited:|gave up|resol|invalid address|not known|nxdomain|servfail|getaddrinfo|enotfound|eai_again|no such host|misbehaving|bad address|unknownhost|bad hostname|not found|translate host|server host|does not resolve|try again|lookup|unreachable/i;

export function mayReport(line: string): boolean {
	return WORDS.test(line);
}
