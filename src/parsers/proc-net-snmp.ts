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
 * One group's counters by name (`Tcp`, `TcpExt`), or null when the file has no such pair of
 * lines. Only that group is split: netstat's TcpExt alone has over a hundred counters, and the
 * file is read for every namespace that moved packets.
 */
export function counterGroup(text: string, name: string): Record<string, number> | null {
	const prefix = `${name}: `;
	const at = text.startsWith(prefix) ? 0 : text.indexOf(`\n${prefix}`) + 1;
	if (at === 0 && !text.startsWith(prefix)) return null;
	const lines = text.slice(at).split('\n', 2);
	const names = lines[0]!.trim().split(/\s+/);
	const values = (lines[1] ?? '').trim().split(/\s+/);
	if (values[0] !== names[0] || names.length !== values.length) return null;
	const group: Record<string, number> = {};
	for (let k = 1; k < names.length; k++) {
		const value = Number(values[k]);
		if (Number.isFinite(value)) group[names[k]!] = value;
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
	const tcp = counterGroup(snmp, 'Tcp');
	const ext = counterGroup(netstat, 'TcpExt');
	const values = [tcp?.['RetransSegs'], tcp?.['OutRsts'], tcp?.['EstabResets'], ext?.['ListenOverflows'], ext?.['ListenDrops']];
	if (values.some(v => v === undefined)) return null;
	const [retransSegs, outRsts, estabResets, listenOverflows, listenDrops] = values as number[];
	return {retransSegs: retransSegs!, outRsts: outRsts!, estabResets: estabResets!, listenOverflows: listenOverflows!, listenDrops: listenDrops!};
}
