/**
 * /proc/net/sockstat and /proc/net/sockstat6: how many sockets of each protocol one network
 * namespace has in use.
 *
 *   TCP: inuse 1 orphan 0 tw 0 alloc 33 mem 133      (sockstat)
 *   UDP: inuse 0 mem 0
 *   TCP6: inuse 1                                    (sockstat6)
 *   UDP6: inuse 0
 *
 * `inuse` counts the namespace's hashed sockets: every listener, every connection, every bound
 * UDP socket (not TIME_WAIT, which is `tw`; `alloc` and `mem` are machine-wide). Reading these
 * files costs a few counters, where a socket table costs a walk of the kernel's whole connection
 * hash; so a count of 0 proves a table empty without reading it, and a count that has not moved
 * says the table very likely has not either.
 */
import type {SocketFile} from './proc-net-sockets.js';

export type SocketsInUse = Partial<Record<SocketFile, number>>;

const PROTOCOLS: Readonly<Record<string, SocketFile>> = {TCP: 'tcp', UDP: 'udp', TCP6: 'tcp6', UDP6: 'udp6'};

/** The `inuse` counts of TCP, UDP, TCP6 and UDP6 found in the text (either file, or both joined). */
export function parseSockstat(text: string): SocketsInUse {
	const counts: SocketsInUse = {};
	for (const line of text.split('\n')) {
		const match = /^(\w+): inuse (\d+)/.exec(line);
		const file = match ? PROTOCOLS[match[1]!] : undefined;
		if (file) counts[file] = Number(match![2]);
	}
	return counts;
}
