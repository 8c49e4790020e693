/**
 * `docker events` itself, running alongside netwatch, as the reference to compare with. To know
 * where its stream stands, a test places a marker: a container created (not started) with the
 * run's label. Docker reports events in order, so once a stream shows the marker's `create`, it
 * has shown everything before it; netwatch's stream is waited for by the same marker.
 */
import {spawn} from 'node:child_process';
import {docker, LABEL, IMAGE, type Testbed} from './docker.js';

/** `timeNano|Type|Action|Actor.ID` of a docker events --format '{{json .}}' line. */
export function identity(line: string): string {
	const e = JSON.parse(line) as {Type: string; Action: string; Actor: {ID: string}};
	const nano = /"timeNano":(\d+)/.exec(line)![1];
	return `${nano}|${e.Type}|${e.Action}|${e.Actor.ID}`;
}

export class Reference {
	readonly lines: string[] = [];
	private readonly waiters = new Set<() => void>();
	private readonly stopped: Promise<void>;
	private readonly kill: () => void;
	private marks = 0;

	private constructor(
		private readonly bed: Testbed,
		filters: readonly string[],
	) {
		// the markers pass any filter a test gives: they are containers, labelled, created
		const child = spawn('docker', ['events', '--format', '{{json .}}', ...filters.flatMap(f => ['--filter', f])], {stdio: ['ignore', 'pipe', 'ignore']});
		let buffer = '';
		child.stdout.on('data', (chunk: Buffer) => {
			buffer += chunk.toString();
			const parts = buffer.split('\n');
			buffer = parts.pop()!;
			this.lines.push(...parts.filter(Boolean));
			for (const wake of [...this.waiters]) wake();
		});
		this.stopped = new Promise(resolve => child.on('close', () => resolve()));
		this.kill = () => child.kill();
	}

	/** Start `docker events` with these filters (add `event=create` to an `event=` filter), and wait until it streams. */
	static async start(bed: Testbed, ...filters: string[]): Promise<Reference> {
		const reference = new Reference(bed, filters);
		await reference.mark();
		return reference;
	}

	/** Place a marker and wait until this stream shows it: it has then shown every earlier event. Returns the marker's id. */
	async mark(): Promise<string> {
		const id = await docker('create', '--name', this.bed.name(`mark${this.marks++}`), '--label', `${LABEL}=${this.bed.run}`, IMAGE, 'true');
		await this.until(() => this.lines.some(line => line.includes(id) && /"Action":"create"/.test(line)), 60_000);
		return id;
	}

	private until(probe: () => boolean, timeoutMs: number): Promise<void> {
		return new Promise((resolve, reject) => {
			const done = (): void => {
				this.waiters.delete(check);
				clearTimeout(timer);
			};
			const check = (): void => {
				if (!probe()) return;
				done();
				resolve();
			};
			const timer = setTimeout(() => {
				done();
				reject(new Error('docker events did not show the marker'));
			}, timeoutMs);
			this.waiters.add(check);
			check();
		});
	}

	async stop(): Promise<void> {
		this.kill();
		await this.stopped;
	}
}
