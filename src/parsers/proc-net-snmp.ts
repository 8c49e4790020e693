/**
 * /proc/net/snmp and /proc/net/netstat: a namespace's protocol counters, each group as two
 * lines, the names then the values:
 *
 *   Tcp: RtoAlgorithm RtoMin ... RetransSegs InErrs OutRsts InCsumErrors
 *   Tcp: 1 200 ... 0 0 0 0
 *   TcpExt: SyncookiesSent ... ListenOverflows ListenDrops ...
 *   TcpExt: 0 ... 54 54 ...
 */

export type CounterGroups = Record<string, Record<string, number>>;

export function parseCounterGroups(text: string): CounterGroups {
	const groups: CounterGroups = {};
	const lines = text.split('\n');
	for (let i = 0; i + 1 < lines.length; i++) {
		const names = lines[i]!.trim().split(/\s+/);
		const values = lines[i + 1]!.trim().split(/\s+/);
		const prefix = names[0];
		if (!prefix?.endsWith(':') || values[0] !== prefix || names.length !== values.length) continue;
		const group: Record<string, number> = {};
		for (let k = 1; k < names.length; k++) {
			const value = Number(values[k]);
			if (Number.isFinite(value)) group[names[k]!] = value;
		}
		groups[prefix.slice(0, -1)] = group;
		i++;
	}
	return groups;
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
	const tcp = parseCounterGroups(snmp)['Tcp'];
	const ext = parseCounterGroups(netstat)['TcpExt'];
	const values = [tcp?.['RetransSegs'], tcp?.['OutRsts'], tcp?.['EstabResets'], ext?.['ListenOverflows'], ext?.['ListenDrops']];
	if (values.some(v => v === undefined)) return null;
	const [retransSegs, outRsts, estabResets, listenOverflows, listenDrops] = values as number[];
	return {retransSegs: retransSegs!, outRsts: outRsts!, estabResets: estabResets!, listenOverflows: listenOverflows!, listenDrops: listenDrops!};
}
