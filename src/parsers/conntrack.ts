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

export function parseConntrack(text: string): ConntrackEntry[] {
	const entries: ConntrackEntry[] = [];
	for (const line of text.split('\n')) {
		const fields = line.trim().split(/\s+/);
		const family = fields[0] === 'ipv4' ? 4 : fields[0] === 'ipv6' ? 6 : null;
		const proto = fields[2];
		if (family === null || (proto !== 'tcp' && proto !== 'udp')) continue;
		const values: Record<'src' | 'dst' | 'sport' | 'dport', string[]> = {src: [], dst: [], sport: [], dport: []};
		for (const field of fields.slice(5)) {
			const eq = field.indexOf('=');
			const key = field.slice(0, eq);
			if (key === 'src' || key === 'dst' || key === 'sport' || key === 'dport') values[key].push(field.slice(eq + 1));
		}
		const tuple = (i: number): Tuple | null => {
			const sport = Number(values.sport[i]);
			const dport = Number(values.dport[i]);
			const src = values.src[i];
			const dst = values.dst[i];
			if (src === undefined || dst === undefined || !Number.isInteger(sport) || !Number.isInteger(dport)) return null;
			return {src: address(src, family), dst: address(dst, family), sport, dport};
		};
		const original = tuple(0);
		const reply = tuple(1);
		if (!original || !reply) continue;
		entries.push({
			family,
			proto,
			state: proto === 'tcp' && /^[A-Z_]+$/.test(fields[5] ?? '') ? fields[5]! : null,
			original,
			reply,
			unreplied: fields.includes('[UNREPLIED]'),
		});
	}
	return entries;
}

/** The connection's destination was rewritten: the client asked for original.dst, reply.src answers. */
export function isDnat(entry: ConntrackEntry): boolean {
	return entry.reply.src !== entry.original.dst || entry.reply.sport !== entry.original.dport;
}
