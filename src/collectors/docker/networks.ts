/**
 * Docker's networks (GET /networks), listed on a connect and again when one is created or
 * destroyed, one list at a time.
 */
import type {DockerApi} from '../../docker/api.js';
import type {NetworkInfo} from '../../model.js';
import {parseNetworkInspect} from '../../parsers/docker-container.js';
import type {Action} from '../../store/actions.js';
import {SingleFlight} from './single-flight.js';

export class NetworkList {
	private stopped = false;
	private readonly flight = new SingleFlight(async () => {
		const raw = await this.api.listNetworks();
		const networks = raw.map(parseNetworkInspect).filter((n): n is NetworkInfo => n !== null);
		if (!this.stopped) this.dispatch({type: 'networks', networks});
	});

	constructor(
		private readonly api: DockerApi,
		private readonly dispatch: (action: Action) => void,
	) {}

	refresh(): Promise<void> {
		return this.flight.run();
	}

	stop(): void {
		this.stopped = true;
	}
}
