/**
 * /proc/net/snmp and /proc/net/netstat: a namespace's protocol counters, each group as two
 * lines, the names then the values:
 *
 *   Tcp: RtoAlgorithm RtoMin ... RetransSegs InErrs OutRsts InCsumErrors
 *   Tcp: 1 200 ... 0 0 0 0
 *   TcpExt: SyncookiesSent ... ListenOverflows ListenDrops ...
 *   TcpExt: 0 ... 54 54 ...
 */

/**
 * The counters asked for of one group (`Tcp`, `TcpExt`), or null when the file has no such pair
 * of lines or lacks one of them. Only that group is split, and only the counters asked for are
 * kept: netstat's TcpExt alone has over a hundred, and the file is read for every namespace that
 * moved packets.
 */
export function counterGroup<K extends string>(text: string, name: string, wanted: readonly K[]): Record<K, number> | null {
	const prefix = `${name}: `;
	const at = text.startsWith(prefix) ? 0 : text.indexOf(`\n${prefix}`) + 1;
	if (at === 0 && !text.startsWith(prefix)) return null;
	const lines = text.slice(at).split('\n', 2);
	const names = lines[0]!.trim().split(/\s+/);
	const values = (lines[1] ?? '').trim().split(/\s+/);
	if (values[0] !== names[0] || names.length !== values.length) return null;
	const group = {} as Record<K, number>;
	for (const key of wanted) {
		const index = names.indexOf(key, 1);
		const value = index > 0 ? Number(values[index]) : NaN;
		if (!Number.isFinite(value)) return null;
		group[key] = value;
	}
	return group;
}

/** The TCP counters netwatch watches; each counts since the namespace was made. */
export interface TcpCounters {
	/** Tcp RetransSegs: segments sent again. */
	readonly retransSegs: number;
	/** Tcp OutRsts: resets sent. */
	readonly outRsts: number;
	/** Tcp EstabResets: established connections reset. */
	readonly estabResets: number;
	/** TcpExt ListenOverflows: a handshake completed while a listener's accept queue was full. */
	readonly listenOverflows: number;
	/** TcpExt ListenDrops: connection requests a listener dropped (overflows included). */
	readonly listenDrops: number;
}

/** The counters from snmp and netstat, or null when either lacks them. */
export function tcpCounters(snmp: string, netstat: string): TcpCounters | null {
	const tcp = counterGroup(snmp, 'Tcp', ['RetransSegs', 'OutRsts', 'EstabResets']);
	const ext = counterGroup(netstat, 'TcpExt', ['ListenOverflows', 'ListenDrops']);
	if (!tcp || !ext) return null;
	return {retransSegs: tcp.RetransSegs, outRsts: tcp.OutRsts, estabResets: tcp.EstabResets, listenOverflows: ext.ListenOverflows, listenDrops: ext.ListenDrops};
}
