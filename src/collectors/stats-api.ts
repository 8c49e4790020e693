/**
 * Counters from Docker's stats API, for when /proc is not the daemon's (a remote DOCKER_HOST).
 *
 * One one-shot request per running container per tick, never a stream, and never more than
 * one request per container in flight. Engine 20.10 answers one-shot on its next 1 s
 * collection, so results land a tick late; the tick uses the newest one it has. The API lists
 * only the interfaces Docker made (no lo), and none at all for host and none modes.
 */
import type {DockerApi} from '../docker/api.js';
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

export class StatsApiSampler {
	private readonly latest = new Map<string, NetDevRow[]>();
	private readonly pending = new Set<string>();

	constructor(private readonly api: DockerApi) {}

	rows(id: string): NetDevRow[] | undefined {
		return this.latest.get(id);
	}

	/** Ask for fresh counters of these containers; forget the others. */
	request(ids: readonly string[]): void {
		const wanted = new Set(ids);
		for (const id of this.latest.keys()) if (!wanted.has(id)) this.latest.delete(id);
		for (const id of ids) {
			if (this.pending.has(id)) continue;
			this.pending.add(id);
			this.api
				.containerStats(id)
				.then(stats => {
					if (wanted.has(id)) this.latest.set(id, rowsFromStats((stats as {networks?: unknown}).networks));
				})
				.catch(() => undefined)
				.finally(() => this.pending.delete(id));
		}
	}
}
