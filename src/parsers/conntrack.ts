/**
 * /proc/net/nf_conntrack: the kernel's connection tracking table (of the namespace reading it).
 *
 *   ipv4 2 tcp 6 431992 ESTABLISHED src=172.17.0.1 dst=172.17.0.1 sport=46628 dport=8403
 *       src=172.17.0.2 dst=172.17.0.1 sport=80 dport=46628 [ASSURED] mark=0 zone=0 use=2
 *
 * The first tuple is the packet as the client sent it (original), the second the packet as the
 * server answers (reply). Where they are not each other's mirror, NAT rewrote the connection:
 * above, Docker's DNAT sent 172.17.0.1:8403 on to the container 172.17.0.2:80. Only TCP and UDP
 * entries are kept. IPv6 addresses are written in full by the kernel; they are given back in
 * their short form, as the socket tables' decoding writes them.
 */
import ipaddr from 'ipaddr.js';

export interface Tuple {
	readonly src: string;
	readonly dst: string;
	readonly sport: number;
	readonly dport: number;
}

export interface ConntrackEntry {
	readonly family: 4 | 6;
	readonly proto: 'tcp' | 'udp';
	/** TCP's conntrack state (`ESTABLISHED`, `TIME_WAIT`, ...); null for UDP. */
	readonly state: string | null;
	readonly original: Tuple;
	readonly reply: Tuple;
	/** No packet seen in the reply direction yet. */
	readonly unreplied: boolean;
}

function address(text: string, family: 4 | 6): string {
	if (family === 4) return text;
	try {
		return ipaddr.parse(text).toString();
	} catch {
		return text;
	}
}

/**
 * One TCP or UDP entry: family, protocol, the timeout (none for an entry offloaded to hardware),
 * TCP's state, the original tuple, what the kernel writes between the tuples ([UNREPLIED],
 * counters), the reply tuple, and the rest of the line.
 */
const ENTRY =
	/^(ipv[46]) +\d+ (tcp|udp) +\d+ +(?:\d+ +)?(?:([A-Z_]+) +)?src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+) (.*?)src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)(.*)$/gm;

/**
 * The entries (with dnatOnly, those that isDnat keeps), matched by one regular expression (exec
 * and indexes: see parseSockets): a busy host tracks thousands of connections. Splitting each
 * line into fields took 22 ms for 5,000 entries without the optimizing compiler, five times the
 * kernel's writing them; one match an entry takes 6.
 */
export function parseConntrack(text: string, options: {readonly dnatOnly?: boolean} = {}): ConntrackEntry[] {
	const entries: ConntrackEntry[] = [];
	ENTRY.lastIndex = 0;
	for (let m = ENTRY.exec(text); m !== null; m = ENTRY.exec(text)) {
		// isDnat on the text as the kernel wrote it: most entries are not, and are not built
		if (options.dnatOnly && m[9] === m[5] && m[11] === m[7]) continue;
		const family = m[1] === 'ipv4' ? 4 : 6;
		const proto = m[2] === 'tcp' ? 'tcp' : 'udp';
		const tuple = (at: number): Tuple => ({src: address(m![at]!, family), dst: address(m![at + 1]!, family), sport: Number(m![at + 2]), dport: Number(m![at + 3])});
		entries.push({
			family,
			proto,
			state: proto === 'tcp' ? (m[3] ?? null) : null,
			original: tuple(4),
			reply: tuple(9),
			unreplied: m[8]!.includes('[UNREPLIED]') || m[13]!.includes('[UNREPLIED]'),
		});
	}
	return entries;
}

/** The connection's destination was rewritten: the client asked for original.dst, reply.src answers. */
export function isDnat(entry: ConntrackEntry): boolean {
	return entry.reply.src !== entry.original.dst || entry.reply.sport !== entry.original.dport;
}
