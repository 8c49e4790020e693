/**
 * One read at a time: a call while one runs makes it run once more after it (and returns at
 * once), so a burst of events costs at most two reads, and the last one sees their outcome.
 * A read that fails is left to the next call: an event or a reconnect.
 */
export class SingleFlight {
	private running = false;
	private again = false;

	constructor(private readonly work: () => Promise<void>) {}

	async run(): Promise<void> {
		if (this.running) {
			this.again = true;
			return;
		}
		this.running = true;
		this.again = false;
		try {
			await this.work();
		} catch {
			// the next event or reconnect tries again
		} finally {
			this.running = false;
			if (this.again) void this.run();
		}
	}
}
