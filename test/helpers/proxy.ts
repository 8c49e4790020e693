/**
 * A recording proxy for the Docker API: a unix socket that forwards every request to the real
 * daemon and notes its method and path. Pointed at with DOCKER_HOST, it proves what netwatch
 * asks of Docker. Streams (events, logs) are piped both ways; when the daemon is away, the
 * request fails as it would without the proxy.
 */
import {rmSync} from 'node:fs';
import {createServer, request, type Server, type ServerResponse} from 'node:http';

export interface Recorded {
	readonly method: string;
	readonly path: string;
}

export class DockerProxy {
	readonly requests: Recorded[] = [];
	private readonly server: Server;
	/** The next request for this path waits at the proxy until `released` settles. */
	private hold: {readonly path: string; readonly arrived: () => void; readonly released: Promise<void>} | undefined;
	/** Requests whose answer is still on its way (streams: for as long as they last). */
	private readonly open = new Set<{readonly path: string; readonly res: ServerResponse}>();

	constructor(
		readonly socketPath: string,
		private readonly upstream = '/var/run/docker.sock',
	) {
		this.server = createServer((req, res) => {
			this.requests.push({method: req.method ?? '?', path: req.url ?? '?'});
			const entry = {path: req.url ?? '', res};
			this.open.add(entry);
			res.on('close', () => this.open.delete(entry));
			const hold = this.hold?.path === entry.path.replace(/\?.*/, '') ? this.hold : undefined;
			if (hold) this.hold = undefined;
			hold?.arrived();
			void (hold?.released ?? Promise.resolve()).then(() => {
				if (res.destroyed) return;
				const forward = request({socketPath: this.upstream, method: req.method, path: req.url, headers: req.headers}, answer => {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					// at once, as the daemon does: /events sends its headers long before its first event
					res.flushHeaders();
					answer.pipe(res);
					answer.on('error', () => res.destroy());
				});
				forward.on('error', () => {
					// the daemon is not there: close, as its own socket would
					if (!res.headersSent) res.destroy();
					else res.end();
				});
				res.on('close', () => forward.destroy());
				req.pipe(forward);
			});
		});
	}

	get url(): string {
		return `unix://${this.socketPath}`;
	}

	listen(): Promise<void> {
		rmSync(this.socketPath, {force: true});
		return new Promise(resolve => this.server.listen(this.socketPath, resolve));
	}

	close(): Promise<void> {
		this.server.closeAllConnections();
		return new Promise(resolve => this.server.close(() => resolve()));
	}

	/** Drop the connections of the answers under way to requests for `path` (e.g. /events). */
	cut(path: string): number {
		const cut = [...this.open].filter(o => o.path.replace(/\?.*/, '') === path);
		for (const o of cut) o.res.destroy();
		return cut.length;
	}

	/**
	 * Hold the next request for `path` (e.g. /events) at the proxy, unanswered and not yet sent
	 * to the daemon, until `release()`. `arrived` settles when that request comes.
	 */
	holdNext(path: string): {readonly arrived: Promise<void>; release(): void} {
		let release!: () => void;
		const released = new Promise<void>(resolve => (release = resolve));
		const arrived = new Promise<void>(resolve => (this.hold = {path, arrived: resolve, released}));
		return {arrived, release};
	}

	/** Every request that was not a GET or a HEAD. */
	writes(): Recorded[] {
		return this.requests.filter(r => r.method !== 'GET' && r.method !== 'HEAD');
	}
}
