/**
 * Counters from Docker's stats API, for when /proc is not the daemon's (a remote DOCKER_HOST).
 *
 * One-shot requests, never a stream: at most one per container and MAX_IN_FLIGHT in all at
 * once (over ssh each request is a connection of its own). Engine 20.10 answers one-shot on its
 * next 1 s collection, so results land late; each keeps the time it arrived, and rates are
 * taken between arrivals, not between ticks. The API lists only the interfaces Docker made (no
 * lo), and none at all for host and none modes.
 */
import type {DockerApi} from '../docker/api.js';
import {performance} from 'node:perf_hooks';
import type {NetDevRow} from '../model.js';

interface NetworkStats {
	rx_bytes?: number;
	rx_packets?: number;
	rx_errors?: number;
	rx_dropped?: number;
	tx_bytes?: number;
	tx_packets?: number;
	tx_errors?: number;
	tx_dropped?: number;
}

/** The `networks` object of a stats answer -> rows like /proc/net/dev's. */
export function rowsFromStats(networks: unknown): NetDevRow[] {
	if (!networks || typeof networks !== 'object') return [];
	return Object.entries(networks as Record<string, NetworkStats>).map(([name, n]) => ({
		name,
		rxBytes: n.rx_bytes ?? 0,
		rxPackets: n.rx_packets ?? 0,
		rxErrors: n.rx_errors ?? 0,
		rxDropped: n.rx_dropped ?? 0,
		txBytes: n.tx_bytes ?? 0,
		txPackets: n.tx_packets ?? 0,
		txErrors: n.tx_errors ?? 0,
		txDropped: n.tx_dropped ?? 0,
	}));
}

const MAX_IN_FLIGHT = 4;

export interface StatsSample {
	readonly rows: NetDevRow[];
	/** performance.now() when the answer arrived. */
	readonly mono: number;
}

export class StatsApiSampler {
	private readonly latest = new Map<string, StatsSample>();
	private readonly pending = new Set<string>();
	/** Where the next round of requests starts, so every container gets its turn. */
	private turn = 0;

	constructor(private readonly api: DockerApi) {}

	sample(id: string): StatsSample | undefined {
		return this.latest.get(id);
	}

	/** Ask for fresh counters of these containers (as many as may be in flight); forget the others. */
	request(ids: readonly string[]): void {
		const wanted = new Set(ids);
		for (const id of this.latest.keys()) if (!wanted.has(id)) this.latest.delete(id);
		for (let k = 0; k < ids.length && this.pending.size < MAX_IN_FLIGHT; k++) {
			const id = ids[(this.turn + k) % ids.length]!;
			if (this.pending.has(id)) continue;
			this.pending.add(id);
			this.api
				.containerStats(id)
				.then(stats => {
					if (wanted.has(id)) this.latest.set(id, {rows: rowsFromStats((stats as {networks?: unknown}).networks), mono: performance.now()});
				})
				.catch(() => undefined)
				.finally(() => this.pending.delete(id));
		}
		this.turn = ids.length === 0 ? 0 : (this.turn + MAX_IN_FLIGHT) % ids.length;
	}
}
