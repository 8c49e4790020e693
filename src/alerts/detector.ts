/**
 * The EADDRINUSE detector: a collector that watches for containers that cannot bind their
 * port, and dispatches one alert per failure (a restart loop counts up the same alert).
 *
 * Three ways in:
 *  - a container dies with a non-zero exit code: read its log since StartedAt - 1 s;
 *  - a running host-mode container keeps failing (a supervisor restarts its server): its log
 *    is followed live, by a bounded number of followers with bounded lines;
 *  - Docker itself cannot publish a port: the container stays `created`, with no start and no
 *    die event, only a network disconnect; State.Error says why.
 * Then `explain` names the port and who holds it, from a fresh read of the listening sockets.
 * Everything is read-only: GET logs, GET inspect.
 */
import type {IncomingMessage} from 'node:http';
import type {DockerCollector} from '../collectors/docker.js';
import type {Sampler} from '../collectors/sampler.js';
import type {ContainerInfo, ListeningSocket} from '../model.js';
import {findBindFailure, matchBindFailure} from '../parsers/bind-errors.js';
import type {DockerEvent} from '../parsers/docker-events.js';
import {LogLineReader} from '../parsers/docker-logs.js';
import type {Action} from '../store/actions.js';
import {explain, type AlertSource} from './explain.js';
import type {Alert} from './types.js';

export interface DetectorOptions {
	readonly docker: DockerCollector;
	readonly sampler: Sampler;
	readonly dispatch: (action: Action) => void;
	/** Log streams followed at most at once. */
	readonly maxFollowers?: number;
	readonly now?: () => number;
}

/** Lines of a crashed container's log that are read. */
const LOG_TAIL = 200;
/** Longest wait for a crashed container's log. */
const LOG_TIMEOUT_MS = 5_000;
/** Recent lines kept per followed container, for the explanation. */
const RECENT_LINES = 20;
/** A followed container is judged at most this often. */
const FOLLOW_COOLDOWN_MS = 1_000;
/** How long a created container may wait for its start before its State.Error is read. */
const START_GRACE_MS = 3_000;
/** At start-up, failures this recent are reported too. */
const RECENT_FAILURE_MS = 10 * 60_000;
/** Alerts the detector remembers (to count repeats and resolve them); as many as the store keeps. */
const ALERTS_KEPT = 100;

interface Follower {
	readonly stream: IncomingMessage;
	readonly recent: string[];
	lastCheck: number;
}

export class AlertDetector {
	private readonly alerts = new Map<string, Alert>();
	private readonly followers = new Map<string, Follower>();
	/** Followers whose log request is on its way. */
	private readonly pending = new Set<string>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly unsubscribe: (() => void)[] = [];
	private synced = false;
	private exits: Promise<void> = Promise.resolve();
	private stopped = false;
	private readonly now: () => number;
	private readonly maxFollowers: number;

	constructor(private readonly options: DetectorOptions) {
		this.now = options.now ?? Date.now;
		this.maxFollowers = options.maxFollowers ?? 32;
	}

	start(): void {
		const {docker, sampler} = this.options;
		this.unsubscribe.push(
			docker.onEvent(event => this.onEvent(event)),
			docker.onSync(containers => this.onSync(containers)),
			sampler.onSockets(sockets => this.checkResolved(sockets)),
		);
	}

	stop(): void {
		this.stopped = true;
		for (const off of this.unsubscribe.splice(0)) off();
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
		for (const id of [...this.followers.keys()]) this.unfollow(id);
	}

	/** How many logs are followed now (for tests and the benchmark). */
	get following(): number {
		return this.followers.size + this.pending.size;
	}

	private later(ms: number, fn: () => void): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			fn();
		}, ms);
		timer.unref();
		this.timers.add(timer);
	}

	/** A detection that fails (the container went away mid-way, a log that will not read) raises nothing. */
	private attempt(task: () => Promise<void> | void): void {
		try {
			void Promise.resolve(task()).catch(() => undefined);
		} catch {
			// as above
		}
	}

	/**
	 * Exits are looked into one at a time, in the order the containers died: a crash storm reads
	 * one log at a time, and what comes of an exit is known before what comes of a later one.
	 */
	private inOrder(task: () => Promise<void>): void {
		this.exits = this.exits.then(task).catch(() => undefined);
	}

	private onEvent(event: DockerEvent): void {
		if (this.stopped) return;
		const {kind, action, actorId, attributes} = event;
		if (kind === 'container') {
			if (action === 'die') {
				this.unfollow(actorId);
				if (attributes['exitCode'] !== '0') this.inOrder(() => this.checkExit(actorId, event.timeNano));
			} else if (action === 'start') {
				// it started after all: Docker's failure to start it is over
				for (const alert of this.alerts.values()) {
					if (alert.containerId === actorId && alert.source === 'docker-start' && !alert.resolved) this.update(alert, {resolved: true});
				}
				this.attempt(async () => {
					const info = await this.options.docker.inspect(actorId);
					if (info) this.maybeFollow(info);
				});
			} else if (action === 'create') {
				this.later(START_GRACE_MS, () => this.attempt(() => this.checkStart(actorId)));
			} else if (action === 'destroy') {
				this.unfollow(actorId);
				this.resolveFor(actorId);
			}
		} else if (kind === 'network' && action === 'disconnect' && attributes['container']) {
			const id = attributes['container'];
			this.attempt(() => this.checkStart(id));
		}
	}

	/** After every resync: follow running host-mode containers; at the first, report recent failures. */
	private onSync(containers: readonly ContainerInfo[]): void {
		for (const c of containers) if (c.state === 'running') this.maybeFollow(c);
		if (this.synced) return;
		this.synced = true;
		const recent = containers
			.filter(c => (c.state === 'created' && c.error !== '') || (c.state === 'exited' && c.exitCode !== 0 && c.finishedAt !== null && this.now() - Date.parse(c.finishedAt) < RECENT_FAILURE_MS))
			.slice(0, 20);
		for (const c of recent) {
			if (c.state === 'created') this.attempt(() => this.checkStart(c.id));
			else this.inOrder(() => this.checkExit(c.id, null));
		}
	}

	private containersById(): Map<string, ContainerInfo> {
		return new Map(this.options.docker.containers().map(c => [c.id, c]));
	}

	private raise(victim: ContainerInfo, lines: readonly string[], source: AlertSource, eventTimeNano: string | null): void {
		const failure = findBindFailure(lines);
		if (!failure || this.stopped) return;
		const sockets = this.options.sampler.scanSockets();
		const explained = explain({victim, failure, source, sockets, containers: this.containersById()});
		if (!explained) return;
		const id = `${victim.id}:${explained.kind}:${explained.proto}/${explained.port ?? '?'}`;
		const previous = this.alerts.get(id);
		const now = this.now();
		const alert: Alert = {
			...explained,
			id,
			count: (previous?.count ?? 0) + 1,
			firstSeenAt: previous?.firstSeenAt ?? now,
			detectedAt: now,
			eventTimeNano,
			resolved: false,
		};
		this.alerts.set(id, alert);
		this.forgetOldAlerts();
		this.options.dispatch({type: 'alert', alert});
	}

	private forgetOldAlerts(): void {
		if (this.alerts.size <= ALERTS_KEPT) return;
		const oldest = [...this.alerts.values()].sort((a, b) => Number(b.resolved) - Number(a.resolved) || a.detectedAt - b.detectedAt)[0]!;
		this.alerts.delete(oldest.id);
	}

	/** A container died with a non-zero exit code: did it fail to bind? */
	private async checkExit(id: string, eventTimeNano: string | null): Promise<void> {
		const info = await this.options.docker.inspect(id);
		if (!info || info.exitCode === 0 || info.exitCode === null) return;
		const started = info.startedAt ? Date.parse(info.startedAt) : NaN;
		let lines: string[];
		try {
			// a log line can carry a timestamp just before StartedAt: read from a second earlier
			lines = await this.readLog(info, Number.isFinite(started) ? (started - 1000) / 1000 : undefined);
		} catch {
			return; // no logs (the `none` log driver, or it is gone already)
		}
		this.raise(info, lines, 'exit', eventTimeNano);
	}

	/**
	 * The last LOG_TAIL lines of a container's log, read as a stream that ends now, so that a
	 * huge log costs no more than LOG_TAIL bounded lines.
	 */
	private async readLog(c: ContainerInfo, since: number | undefined): Promise<string[]> {
		const stream = await this.options.docker.docker.followLogs(c.id, {
			tail: LOG_TAIL,
			until: Math.ceil(this.now() / 1000) + 1,
			...(since !== undefined ? {since} : {}),
		});
		const reader = new LogLineReader(c.tty);
		const lines: string[] = [];
		const keep = (more: readonly string[]): void => {
			lines.push(...more);
			if (lines.length > LOG_TAIL) lines.splice(0, lines.length - LOG_TAIL);
		};
		return new Promise(resolve => {
			const timer = setTimeout(() => stream.destroy(), LOG_TIMEOUT_MS);
			let done = false;
			const finish = (): void => {
				if (done) return;
				done = true;
				clearTimeout(timer);
				keep(reader.end());
				resolve(lines);
			};
			stream.on('data', (chunk: Buffer) => keep(reader.push(chunk)));
			stream.on('end', finish);
			stream.on('close', finish);
			stream.on('error', finish);
		});
	}

	/** A container that stays `created`: did Docker fail to publish its port? */
	private async checkStart(id: string): Promise<void> {
		const info = await this.options.docker.inspect(id);
		if (!info || info.state !== 'created' || info.error === '') return;
		this.raise(info, [info.error], 'docker-start', null);
	}

	private maybeFollow(c: ContainerInfo): void {
		if (this.stopped || c.rawNetworkMode !== 'host' || c.state !== 'running') return;
		if (this.followers.has(c.id) || this.pending.has(c.id) || this.following >= this.maxFollowers) return;
		this.pending.add(c.id);
		this.options.docker.docker
			.followLogs(c.id, {since: Math.floor(this.now() / 1000) - 1})
			.then(stream => {
				// unfollowed (it died) or stopped while the request was on its way
				if (!this.pending.delete(c.id) || this.stopped) {
					stream.destroy();
					return;
				}
				const follower: Follower = {stream, recent: [], lastCheck: 0};
				this.followers.set(c.id, follower);
				const reader = new LogLineReader(c.tty);
				stream.on('data', (chunk: Buffer) => this.onFollowedLines(c.id, follower, reader.push(chunk)));
				const done = (): void => {
					if (this.followers.get(c.id) === follower) this.followers.delete(c.id);
				};
				stream.on('end', done);
				stream.on('close', done);
				stream.on('error', done);
			})
			.catch(() => this.pending.delete(c.id));
	}

	private onFollowedLines(id: string, follower: Follower, lines: readonly string[]): void {
		for (const line of lines) {
			follower.recent.push(line);
			if (follower.recent.length > RECENT_LINES) follower.recent.shift();
		}
		if (!lines.some(line => matchBindFailure(line))) return;
		const now = this.now();
		if (now - follower.lastCheck < FOLLOW_COOLDOWN_MS) return;
		follower.lastCheck = now;
		const info = this.options.docker.container(id);
		if (info && info.state === 'running') this.attempt(() => this.raise(info, follower.recent, 'running', null));
	}

	private unfollow(id: string): void {
		this.pending.delete(id);
		const follower = this.followers.get(id);
		this.followers.delete(id);
		follower?.stream.destroy();
	}

	private update(alert: Alert, patch: Partial<Alert>): void {
		const next = {...alert, ...patch};
		this.alerts.set(alert.id, next);
		this.options.dispatch({type: 'alert', alert: next});
	}

	/** A container that is gone takes its alerts with it: they are resolved, and forgotten here. */
	private resolveFor(containerId: string): void {
		for (const alert of [...this.alerts.values()]) {
			if (alert.containerId !== containerId) continue;
			if (!alert.resolved) this.update(alert, {resolved: true});
			this.alerts.delete(alert.id);
		}
	}

	/**
	 * An alert is resolved once its container listens on the port it wanted: a socket its
	 * process holds, or (when processes cannot be traced, without root) a socket in its own
	 * network namespace.
	 */
	private checkResolved(sockets: readonly ListeningSocket[]): void {
		for (const alert of this.alerts.values()) {
			if (alert.resolved || alert.port === null) continue;
			const mine = (s: ListeningSocket): boolean => s.containerId === alert.containerId || (s.pid === null && s.netns === alert.containerId);
			if (sockets.some(s => mine(s) && s.port === alert.port && s.proto === alert.proto)) this.update(alert, {resolved: true});
		}
	}
}
