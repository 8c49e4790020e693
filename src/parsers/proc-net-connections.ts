/**
 * Connections in /proc/net/{tcp,tcp6,udp,udp6}: every TCP socket that is not listening, and
 * every UDP socket that connect()ed to a peer (state 01). The rows are parseSockets' rows; this
 * names their states and timers, and puts addresses in one form so that both ends of a
 * connection compare: a dual-stack socket sees an IPv4 peer as `::ffff:a.b.c.d`, its peer in
 * tcp (IPv4) as `a.b.c.d`.
 */
import {parseSockets, type SocketFile, type SocketRow} from './proc-net-sockets.js';

export type TcpState =
	| 'established'
	| 'syn-sent'
	| 'syn-recv'
	| 'fin-wait1'
	| 'fin-wait2'
	| 'time-wait'
	| 'close'
	| 'close-wait'
	| 'last-ack'
	| 'listen'
	| 'closing'
	| 'new-syn-recv';

/** include/net/tcp_states.h, from TCP_ESTABLISHED = 1. */
const TCP_STATES: readonly TcpState[] = [
	'established',
	'syn-sent',
	'syn-recv',
	'fin-wait1',
	'fin-wait2',
	'time-wait',
	'close',
	'close-wait',
	'last-ack',
	'listen',
	'closing',
	'new-syn-recv',
];

/** The TCP state's name; a connected UDP socket is `established`, as netstat says. */
export function stateName(state: number): TcpState | null {
	return TCP_STATES[state - 1] ?? null;
}

export type TimerKind = 'retransmit' | 'keepalive' | 'time-wait' | 'probe' | null;

/** The `tr` field: 1 retransmit (or loss probe), 2 keepalive, 3 TIME_WAIT, 4 zero-window probe. */
export function timerName(timer: number): TimerKind {
	return timer === 1 ? 'retransmit' : timer === 2 ? 'keepalive' : timer === 3 ? 'time-wait' : timer === 4 ? 'probe' : null;
}

/** Clock ticks a second in /proc/net/tcp (USER_HZ: 100 on every Linux architecture Docker runs on). */
export const USER_HZ = 100;

/** `::ffff:172.18.0.2` -> `172.18.0.2`; other addresses as they are. */
export function plainAddress(address: string): string {
	return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function parseConnections(text: string, file: SocketFile): SocketRow[] {
	return parseSockets(text, file, {connectionsOnly: true}).map(row =>
		row.family === 6 ? {...row, localAddress: plainAddress(row.localAddress), remoteAddress: plainAddress(row.remoteAddress)} : row,
	);
}
