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

function parseEndpoint(field: string): [string, number] | undefined {
	const colon = field.indexOf(':');
	if (colon < 0) return undefined;
	const port = parseInt(field.slice(colon + 1), 16);
	return Number.isNaN(port) ? undefined : [decodeAddress(field.slice(0, colon)), port];
}

export interface ParseOptions {
	/** Keep only listening sockets: TCP LISTEN, or UDP sockets bound with no peer. */
	readonly listeningOnly?: boolean;
	/** Keep only connections: every TCP socket but LISTEN, and connected UDP sockets. */
	readonly connectionsOnly?: boolean;
}

/** `0000001A:00000000` or `01:00000024`: two hex numbers. */
function hexPair(field: string): [number, number] {
	const colon = field.indexOf(':');
	return [parseInt(field.slice(0, colon), 16), parseInt(field.slice(colon + 1), 16)];
}

export function parseSockets(text: string, file: SocketFile, options: ParseOptions = {}): SocketRow[] {
	const proto = file.startsWith('tcp') ? 'tcp' : 'udp';
	const family = file.endsWith('6') ? 6 : 4;
	const rows: SocketRow[] = [];
	const lines = text.split('\n');
	for (let i = 1; i < lines.length; i++) {
		const fields = lines[i]!.trim().split(/\s+/);
		if (fields.length < 10) continue;
		const state = parseInt(fields[3]!, 16);
		if (options.listeningOnly) {
			if (proto === 'tcp' && state !== TCP_LISTEN) continue;
			if (proto === 'udp' && (state !== UDP_UNCONNECTED || !fields[2]!.endsWith(':0000'))) continue;
		}
		if (options.connectionsOnly) {
			if (proto === 'tcp' && state === TCP_LISTEN) continue;
			if (proto === 'udp' && (state !== UDP_CONNECTED || fields[2]!.endsWith(':0000'))) continue;
		}
		const local = parseEndpoint(fields[1]!);
		const remote = parseEndpoint(fields[2]!);
		const [txQueue, rxQueue] = hexPair(fields[4]!);
		const [timer, timerTicks] = hexPair(fields[5]!);
		const retransmits = parseInt(fields[6]!, 16);
		const uid = Number(fields[7]);
		const inode = Number(fields[9]);
		if (!local || !remote || Number.isNaN(state) || !Number.isInteger(uid) || !Number.isInteger(inode)) continue;
		if ([txQueue, rxQueue, timer, timerTicks, retransmits].some(Number.isNaN)) continue;
		rows.push({
			proto,
			family,
			localAddress: local[0],
			localPort: local[1],
			remoteAddress: remote[0],
			remotePort: remote[1],
			state,
			txQueue,
			rxQueue,
			timer,
			timerTicks,
			retransmits,
			uid,
			inode,
		});
	}
	return rows;
}
