/**
 * Connection and topology rows as fixed-width text (pure, like rows.ts): a container's (or the
 * host's) connections, and every edge grouped by container.
 */
import type {TcpStats} from '../model.js';
import type {ConnectionCounts, ContainerView, Snapshot, TcpView} from '../store/snapshot.js';
import type {ConnectionView, EdgeView, Peer, Via} from '../store/edges.js';
import {cell} from '../util/format.js';
import type {Row, Segment} from './rows.js';
import type {Tone} from './theme.js';

const GAP = ' ';

/** `web1`, `python3 (pid 7008)`, `host`, `203.0.113.9`. */
export function peerLabel(p: Peer): string {
	if (p.kind === 'container') return p.name;
	if (p.kind === 'external') return p.address;
	if (p.command === null) return 'host';
	return `${p.command.split(' ')[0]}${p.pid === null ? '' : ` (pid ${p.pid})`}`;
}

export function viaLabel(via: Via): string {
	return `via ${via.kind === 'dnat' ? 'DNAT' : 'docker-proxy'} ${via.address.includes(':') ? `[${via.address}]` : via.address}:${via.port}`;
}

/** How many sockets the connections stand for (TIME_WAIT ones are folded). */
export function socketCount(connections: readonly ConnectionView[]): number {
	return connections.reduce((sum, c) => sum + c.count, 0);
}

/** `12 est · 1 syn-sent · 40 time-wait · 2 close-wait` (the states that have any). */
export function countsLabel(c: ConnectionCounts): string {
	const parts: [number, string][] = [
		[c.established, 'est'],
		[c.synSent, 'syn-sent'],
		[c.timeWait, 'time-wait'],
		[c.closeWait, 'close-wait'],
		[c.other, 'other'],
	];
	const shown = parts.filter(([n]) => n > 0).map(([n, label]) => `${n} ${label}`);
	return shown.length > 0 ? shown.join(' · ') : 'no connections';
}

export interface ConnectionColumns {
	readonly peer: number;
}

const DIR = 4;
const STATE = 11;
const PORT = 5;
/** Bytes, as netstat shows them. */
const QUEUE = 8;
const TIMER = 11;

export function connectionColumns(inner: number): ConnectionColumns {
	return {peer: Math.max(8, inner - (DIR + STATE + 2 * PORT + 2 * QUEUE + TIMER + 7))};
}

export function connectionHeader(cols: ConnectionColumns): string {
	return [
		cell('DIR', DIR),
		cell('STATE', STATE),
		cell('LPORT', PORT, 'right'),
		cell('PEER', cols.peer),
		cell('RPORT', PORT, 'right'),
		cell('SEND-Q', QUEUE, 'right'),
		cell('RECV-Q', QUEUE, 'right'),
		cell('TIMER', TIMER),
	].join(GAP);
}

function stateTone(c: ConnectionView): Tone {
	if (c.timer === 'retransmit' && c.retransmits > 0) return 'bad';
	if (c.state === 'established') return 'good';
	if (c.state === 'syn-sent' || c.state === 'close-wait') return 'warn';
	return 'dim';
}

/** `retr 4 0.4s`, `keep 13s`, `tw 55s`. */
function timerLabel(c: ConnectionView): string {
	if (c.timer === null || c.timerMs === null) return '';
	const at = c.timerMs >= 10_000 ? `${Math.round(c.timerMs / 1000)}s` : `${(c.timerMs / 1000).toFixed(1)}s`;
	if (c.timer === 'retransmit') return `retr ${c.retransmits} ${at}`;
	if (c.timer === 'keepalive') return `keep ${at}`;
	if (c.timer === 'time-wait') return `tw ${at}`;
	return `probe ${c.retransmits} ${at}`;
}

/** The way through a published port, short: `via proxy :8401`, `via DNAT :8403`. */
function shortVia(via: Via): string {
	return `via ${via.kind === 'dnat' ? 'DNAT' : 'proxy'} :${via.port}`;
}

/** A port; 0 is the ports of TIME_WAIT sockets folded into one row (`*`, as netstat writes any). */
const portLabel = (port: number): string => (port === 0 ? '*' : String(port));

export function connectionRow(c: ConnectionView, cols: ConnectionColumns): Row {
	const peer = `${c.count > 1 ? `${c.count}× ` : ''}${peerLabel(c.peer)}${c.via ? ` ${shortVia(c.via)}` : ''}${c.proto === 'udp' ? ' (udp)' : ''}`;
	return [
		[cell(c.direction === 'in' ? '←in' : '→out', DIR) + GAP, c.direction === 'in' ? 'accent' : 'plain'],
		[cell(c.state, STATE), stateTone(c)],
		[
			GAP +
				[
					cell(portLabel(c.localPort), PORT, 'right'),
					cell(peer, cols.peer),
					cell(portLabel(c.remotePort), PORT, 'right'),
					cell(String(c.txQueue), QUEUE, 'right'),
					cell(String(c.rxQueue), QUEUE, 'right'),
				].join(GAP) +
				GAP,
			c.txQueue + c.rxQueue > 0 ? 'warn' : 'plain',
		],
		[cell(timerLabel(c), TIMER), c.timer === 'retransmit' && c.retransmits > 0 ? 'bad' : 'dim'],
	];
}

function edgeSegments(e: EdgeView, side: 'client' | 'server'): Segment[] {
	const other = side === 'client' ? e.server : e.client;
	const states = Object.entries(e.states)
		.map(([state, n]) => `${n} ${state}`)
		.join(', ');
	return [
		[side === 'client' ? '  → ' : '  ← ', side === 'client' ? 'plain' : 'accent'],
		[peerLabel(other), other.kind === 'external' ? 'warn' : 'plain'],
		[` ${e.proto}/${e.port}${e.via ? ` ${viaLabel(e.via)}` : ''}  ×${e.count}  (${states})`, 'dim'],
	];
}

const holderKey = (p: Peer): string => (p.kind === 'container' ? p.id : p.kind === 'host' ? 'host' : `ext:${p.address}`);

/**
 * Every edge, under each container at either end (and the host, for host processes): what it
 * connects to (→) and what connects to it (←). Containers without edges are left out, and so are
 * those the name filter (`/`, case-insensitive) does not match.
 */
export function topologyRows(snapshot: Pick<Snapshot, 'edges' | 'containers' | 'conntrack'>, filter = ''): Row[] {
	const needle = filter.toLowerCase();
	const groups = new Map<string, {title: string; rows: Row[]; count: number}>();
	const group = (p: Peer, title: string): {title: string; rows: Row[]; count: number} => {
		const key = holderKey(p);
		let g = groups.get(key);
		if (!g) groups.set(key, (g = {title, rows: [], count: 0}));
		return g;
	};
	const byName = new Map(snapshot.containers.map((c: ContainerView) => [c.id, c]));
	for (const e of snapshot.edges) {
		for (const side of ['client', 'server'] as const) {
			const p = e[side];
			if (p.kind === 'external') continue;
			const g = group(p, p.kind === 'container' ? p.name : 'host processes');
			g.rows.push(edgeSegments(e, side));
			g.count += e.count;
		}
	}
	const ordered = [...groups.entries()].sort(([a, x], [b, y]) => Number(a === 'host') - Number(b === 'host') || (x.title < y.title ? -1 : x.title > y.title ? 1 : 0));
	const rows: Row[] = [];
	for (const [key, g] of ordered) {
		if (!g.title.toLowerCase().includes(needle)) continue;
		const c = byName.get(key);
		rows.push([
			[g.title, 'accent'],
			[`  ${g.count} connection${g.count === 1 ? '' : 's'}${c ? ` · ${countsLabel(c.connectionCounts)}` : ''}`, 'dim'],
		]);
		rows.push(...g.rows);
	}
	if (rows.length === 0) rows.push([['no connections seen yet', 'dim']]);
	if (!snapshot.conntrack) rows.push([['no /proc/net/nf_conntrack here: connections DNAT rewrote show as two halves', 'warn']]);
	return rows;
}

/** `⟳12/s` (retransmitted segments), when the namespace retransmitted in its last reading. */
export function retransLabel(tcp: TcpStats | null): string | null {
	return tcp?.retransRate && tcp.retransRate >= 1 ? `⟳${Math.round(tcp.retransRate)}/s` : null;
}

/** The overflow seen in the last minute, as a warning with its evidence; null without one. */
export function overflowLabel(tcp: TcpView | null): string | null {
	const o = tcp?.overflow;
	if (!o || !tcp.overflowing) return null;
	const where = o.queues.length > 0 ? o.queues.map(q => `port ${q.port} (${q.queue} waiting for accept)`).join(', ') : 'a listener (its queue was empty again when read)';
	return `listen queue overflowed at ${where}: ListenOverflows +${o.overflows}, ListenDrops +${o.drops}`;
}

/** The counters in one line: `retrans 0/s · resets 0/s · total: 12 retransmitted, 3 resets, 54 listen overflows`. */
export function tcpLabel(tcp: TcpStats | null): string {
	if (!tcp) return '';
	const rate = (r: number | null): string => (r === null ? '–' : String(Math.round(r)));
	return `retrans ${rate(tcp.retransRate)}/s · resets ${rate(tcp.resetRate)}/s · since start: ${tcp.retransSegs} retransmitted, ${tcp.outRsts} resets, ${tcp.listenOverflows} listen overflows`;
}
