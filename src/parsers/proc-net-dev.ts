/**
 * /proc/net/dev (and /proc/<pid>/net/dev, which shows that pid's network namespace).
 *
 *   Inter-|   Receive                                                |  Transmit
 *    face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop ...
 *       lo:    5170      54    0    0    0     0          0         0     5170      54    0    0 ...
 *   vethdf6190c:       0       0    0 ...
 *
 * The name column is printed with %6s, so a long name shifts every column: split at the first
 * ':' (names cannot contain one) and then on whitespace, never by position.
 */

export interface Counters {
	readonly rxBytes: number;
	readonly rxPackets: number;
	readonly rxErrors: number;
	readonly rxDropped: number;
	readonly txBytes: number;
	readonly txPackets: number;
	readonly txErrors: number;
	readonly txDropped: number;
}

export interface NetDevRow extends Counters {
	readonly name: string;
}

// field positions after the colon: rx bytes packets errs drop fifo frame compressed multicast,
// then tx bytes packets errs drop fifo colls carrier compressed
const RX_BYTES = 0;
const RX_PACKETS = 1;
const RX_ERRS = 2;
const RX_DROP = 3;
const TX_BYTES = 8;
const TX_PACKETS = 9;
const TX_ERRS = 10;
const TX_DROP = 11;
const FIELDS = 16;

export function parseNetDev(text: string): NetDevRow[] {
	const rows: NetDevRow[] = [];
	const lines = text.split('\n');
	for (let i = 2; i < lines.length; i++) {
		const line = lines[i]!;
		const colon = line.indexOf(':');
		if (colon < 0) continue;
		const name = line.slice(0, colon).trim();
		const fields = line.slice(colon + 1).trim().split(/\s+/);
		if (name === '' || fields.length < FIELDS) continue;
		const n = fields.map(Number);
		if (n.some(v => !Number.isFinite(v))) continue;
		rows.push({
			name,
			rxBytes: n[RX_BYTES]!,
			rxPackets: n[RX_PACKETS]!,
			rxErrors: n[RX_ERRS]!,
			rxDropped: n[RX_DROP]!,
			txBytes: n[TX_BYTES]!,
			txPackets: n[TX_PACKETS]!,
			txErrors: n[TX_ERRS]!,
			txDropped: n[TX_DROP]!,
		});
	}
	return rows;
}
