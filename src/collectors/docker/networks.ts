/**
 * Docker's networks (GET /networks), listed on a connect and again when one is created or
 * destroyed. One list at a time: a request during one runs once after it.
 */
import type {DockerApi} from '../../docker/api.js';
import type {NetworkInfo} from '../../model.js';
import {parseNetworkInspect} from '../../parsers/docker-container.js';
import type {Action} from '../../store/actions.js';

export class NetworkList {
	private running = false;
	private again = false;
	private stopped = false;

	constructor(
		private readonly api: DockerApi,
		private readonly dispatch: (action: Action) => void,
	) {}

	async refresh(): Promise<void> {
		if (this.running) {
			this.again = true;
			return;
		}
		this.running = true;
		this.again = false;
		try {
			const raw = await this.api.listNetworks();
			const networks = raw.map(parseNetworkInspect).filter((n): n is NetworkInfo => n !== null);
			if (!this.stopped) this.dispatch({type: 'networks', networks});
		} catch {
			// the next network event or reconnect tries again
		} finally {
			this.running = false;
			if (this.again) void this.refresh();
		}
	}

	stop(): void {
		this.stopped = true;
	}
}
