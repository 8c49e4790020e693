/**
 * /proc/net/{tcp,tcp6,udp,udp6}: the sockets of one network namespace.
 *
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
 *    0: 0100007F:4828 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 10647 ...
 *
 * An IPv4 address is one 32-bit word in host (little-endian) order, an IPv6 address four such
 * words; the port is big-endian hex. `st` 0A is TCP LISTEN; an unconnected UDP socket is 07
 * with a zero remote port. A dual-stack `[::]` listener appears only in tcp6. `tx_queue:rx_queue`
 * are bytes (on a LISTEN socket rx_queue is the accept queue), `tr:tm->when` the pending timer
 * and its expiry in clock ticks, `retrnsmt` (hex) the retransmissions since the timer's reset.
 */
import ipaddr from 'ipaddr.js';

export type SocketFile = 'tcp' | 'tcp6' | 'udp' | 'udp6';

export interface SocketRow {
	readonly proto: 'tcp' | 'udp';
	readonly family: 4 | 6;
	readonly localAddress: string;
	readonly localPort: number;
	readonly remoteAddress: string;
	readonly remotePort: number;
	readonly state: number;
	/** TCP: bytes sent and not yet acknowledged, or not sent yet; UDP: bytes waiting to be sent. */
	readonly txQueue: number;
	/** TCP: bytes received and not read; on a LISTEN socket, connections waiting for accept(). */
	readonly rxQueue: number;
	/** 0 none, 1 retransmit (or loss probe), 2 keepalive, 3 TIME_WAIT, 4 zero-window probe */
	readonly timer: number;
	/** When the timer fires, in clock ticks (USER_HZ, 100 a second) from the moment of reading. */
	readonly timerTicks: number;
	/** Retransmissions (or unanswered probes) since the timer was last reset. */
	readonly retransmits: number;
	readonly uid: number;
	readonly inode: number;
}

export const TCP_LISTEN = 0x0a;
export const UDP_UNCONNECTED = 0x07;
/** A UDP socket that connect()ed to one peer. */
export const UDP_CONNECTED = 0x01;

function wordBytes(hex: string): number[] {
	// one little-endian 32-bit word -> its 4 bytes in network order
	return [hex.slice(6, 8), hex.slice(4, 6), hex.slice(2, 4), hex.slice(0, 2)].map(b => parseInt(b, 16));
}

/** Decode the kernel's hex address (8 or 32 hex digits) to text: `127.0.0.1`, `::`, `::ffff:127.0.0.1`. */
export function decodeAddress(hex: string): string {
	if (hex.length === 8) return wordBytes(hex).join('.');
	if (hex.length !== 32) return hex;
	const bytes: number[] = [];
	for (let w = 0; w < 32; w += 8) bytes.push(...wordBytes(hex.slice(w, w + 8)));
	const address = ipaddr.fromByteArray(bytes) as ipaddr.IPv6;
	return address.isIPv4MappedAddress() ? `::ffff:${address.toIPv4Address().toString()}` : address.toString();
}

export interface ParseOptions {
	/** Keep only listening sockets: TCP LISTEN, or UDP sockets bound with no peer. */
	readonly listeningOnly?: boolean;
	/** Keep only connections: every TCP socket but LISTEN, and connected UDP sockets. */
	readonly connectionsOnly?: boolean;
}

/**
 * One row, up to its inode: sl, local and remote `address:port`, st, `tx_queue:rx_queue`,
 * `tr:tm->when`, retrnsmt, uid, timeout, inode (the kernel writes the same fields for TCP, UDP
 * and TIME_WAIT sockets, in both families). A line that does not match is not a row.
 */
const ROW = /^ *\d+: ([0-9A-Fa-f]+):([0-9A-Fa-f]+) ([0-9A-Fa-f]+):([0-9A-Fa-f]+) ([0-9A-Fa-f]+) ([0-9A-Fa-f]+):([0-9A-Fa-f]+) ([0-9A-Fa-f]+):([0-9A-Fa-f]+) ([0-9A-Fa-f]+) +(\d+) +-?\d+ +(\d+)/gm;

/**
 * The rows, matched by one regular expression: a table holds thousands of sockets on a busy host.
 * Splitting each line into fields took 50 ms for 9,000 rows without the optimizing compiler, five
 * times the kernel's writing them; one match a row takes 7. Addresses repeat from row to row and
 * are decoded once per call.
 */
export function parseSockets(text: string, file: SocketFile, options: ParseOptions = {}): SocketRow[] {
	const proto = file.startsWith('tcp') ? 'tcp' : 'udp';
	const family = file.endsWith('6') ? 6 : 4;
	const rows: SocketRow[] = [];
	const addresses = new Map<string, string>();
	const address = (hex: string): string => {
		let decoded = addresses.get(hex);
		if (decoded === undefined) addresses.set(hex, (decoded = decodeAddress(hex)));
		return decoded;
	};
	// exec and indexes, not matchAll and destructuring: without the optimizing compiler (bin/netwatch.js)
	// iterating costs more than matching
	ROW.lastIndex = 0;
	for (let m = ROW.exec(text); m !== null; m = ROW.exec(text)) {
		const state = parseInt(m[5]!, 16);
		const peerPort = parseInt(m[4]!, 16);
		if (options.listeningOnly) {
			if (proto === 'tcp' && state !== TCP_LISTEN) continue;
			if (proto === 'udp' && (state !== UDP_UNCONNECTED || peerPort !== 0)) continue;
		}
		if (options.connectionsOnly) {
			if (proto === 'tcp' && state === TCP_LISTEN) continue;
			if (proto === 'udp' && (state !== UDP_CONNECTED || peerPort === 0)) continue;
		}
		rows.push({
			proto,
			family,
			localAddress: address(m[1]!),
			localPort: parseInt(m[2]!, 16),
			remoteAddress: address(m[3]!),
			remotePort: peerPort,
			state,
			txQueue: parseInt(m[6]!, 16),
			rxQueue: parseInt(m[7]!, 16),
			timer: parseInt(m[8]!, 16),
			timerTicks: parseInt(m[9]!, 16),
			retransmits: parseInt(m[10]!, 16),
			uid: Number(m[11]),
			inode: Number(m[12]),
		});
	}
	return rows;
}
