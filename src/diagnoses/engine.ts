/**
 * The diagnoses, run over the store: every action the store applies comes here with the state
 * after it, and the rules decide what it means. What they need from Docker beyond the store (an
 * inspect, a log, a fresh read of the sockets) they ask through `DiagnosisDocker`, a narrow
 * interface that tests replace with a fake. What they find goes back to the store as actions;
 * the store keeps the alerts.
 *
 * Four ways in:
 *  - a container dies with a non-zero exit code: read its run's log (bind errors, name lookups);
 *  - a running container keeps failing: its log is followed live (at most `maxFollowers` at
 *    once, host-network containers first), and only a failure in a form of its own is claimed;
 *  - Docker cannot start a container (it could not publish a port): a network disconnect with
 *    no start, and State.Error says why;
 *  - standing conditions of the state, judged each tick: published ports with no listener or
 *    a loopback-only one, port bindings on a host-network container, an accept queue that
 *    overflowed;
 *  - a health check that fails: judged on each inspect (a `health_status` event brings one);
 *  - a swarm task that fails or cannot be placed: judged on each read of the manager (swarm.ts).
 * Everything is read-only: GET logs, GET inspect, /proc.
 */
import {HOST_NS, namespaceOwner, type Alert, type ContainerInfo, type Finding, type ListeningSocket} from '../model.js';
import {findBindFailure, matchBindFailure} from '../parsers/bind-errors.js';
import type {DockerEvent} from '../parsers/docker-events.js';
import type {TimedLine} from '../parsers/docker-logs.js';
import {findNameFailure, matchNameFailure} from '../parsers/name-errors.js';
import {mayReport} from '../parsers/failure-words.js';
import type {Action} from '../store/actions.js';
import type {State} from '../store/state.js';
import {diagnoseBind} from './bind.js';
import {blockedLookup, containersNamed, diagnoseDns} from './dns.js';
import {portFindings} from './published.js';
import {tcpFindings} from './tcp.js';
import {healthFindingId, isUnhealthy, unhealthyFinding} from './health.js';
import {taskFindings} from './swarm.js';
import {Relations} from '../store/relations.js';

/** What the diagnoses may ask of Docker and of /proc, and nothing more. */
export interface DiagnosisDocker {
	/** What Docker says of the container now (null: it is gone). */
	inspect(id: string): Promise<ContainerInfo | null>;
	/** The last lines of its log since `since` (unix seconds). */
	readLog(c: ContainerInfo, since: number | undefined): Promise<string[]>;
	/** Follow its log from `since` (unix seconds) until `stop()` or the end of the run. */
	followLog(c: ContainerInfo, since: number, on: {lines: (lines: readonly TimedLine[]) => void; end: () => void}): {stop(): void};
	/**
	 * Every listening socket, with those of every namespace (or of these, by key) read again now;
	 * null when the Docker host's sockets cannot be read from here (a remote engine).
	 */
	scanSockets(only?: ReadonlySet<string>): readonly ListeningSocket[] | null;
	/** The Docker host's net.ipv4.ip_unprivileged_port_start, where it can be read. */
	unprivilegedPortStart(): number | null;
}

/** The store, as the engine sees it. */
export interface DiagnosisStore {
	onAction(listener: (action: Action, state: State) => void): () => void;
	getState(): State;
	dispatch(action: Action): void;
}

export interface EngineOptions {
	readonly store: DiagnosisStore;
	readonly docker: DiagnosisDocker;
	/** Logs followed at most at once. */
	readonly maxFollowers?: number;
	readonly now?: () => number;
}

/** Recent lines kept per followed container, for a failure's neighbouring lines. */
const RECENT_LINES = 20;
/** A followed container is judged at most this often. */
const FOLLOW_COOLDOWN_MS = 1_000;
/** A container not on the host network is followed once it has run this long (short-lived ones never are). */
const SETTLE_MS = 2_000;
/** A followed log starts at most this far back. */
const FOLLOW_BACK_S = 10;
/** At start-up, failures this recent are reported too, at most RECENT_FAILURES of them. */
const RECENT_FAILURE_MS = 10 * 60_000;
const RECENT_FAILURES = 20;
/** The namespaces of open standing conditions are read again this often. */
const RECHECK_MS = 5_000;

const BIND_KINDS: ReadonlySet<string> = new Set(['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL']);
/** The label Swarm puts on a task's container. */
const SWARM_TASK_LABEL = 'com.docker.swarm.task.id';

interface Follower {
	readonly id: string;
	readonly follow: {stop(): void};
	readonly run: string;
	/** When that run started, ms since the epoch. */
	readonly started: number;
	/** On the host network. */
	readonly host: boolean;
	readonly recent: TimedLine[];
	lastCheck: number;
	/** The newest line of each kind of failure not judged yet. */
	bind: TimedLine | null;
	name: TimedLine | null;
}

export class DiagnosisEngine {
	private readonly followers = new Map<string, Follower>();
	/**
	 * Containers that died and have not been inspected since: the store still says they run,
	 * with a pid that is gone, until their inspect lands. No rule judges them meanwhile.
	 */
	private readonly dead = new Set<string>();
	/** Runs whose log ended while they ran (a driver that cannot be read): not followed again. */
	private readonly unfollowable = new Map<string, string>();
	private unsubscribe: (() => void) | null = null;
	private synced = false;
	private recheckedAt = Number.NEGATIVE_INFINITY;
	private exits: Promise<void> = Promise.resolve();
	private stopped = false;
	private readonly now: () => number;
	private readonly maxFollowers: number;

	constructor(private readonly options: EngineOptions) {
		this.now = options.now ?? Date.now;
		this.maxFollowers = options.maxFollowers ?? 32;
	}

	start(): void {
		this.unsubscribe = this.options.store.onAction((action, state) => this.onAction(action, state));
	}

	stop(): void {
		this.stopped = true;
		this.unsubscribe?.();
		for (const id of [...this.followers.keys()]) this.unfollow(id);
	}

	/** The store is in the middle of applying an action: what the rules find goes in after it. */
	private dispatch(action: Action): void {
		queueMicrotask(() => {
			if (!this.stopped) this.options.store.dispatch(action);
		});
	}

	/** A finding into the store, unless its container is gone by then (its alerts were resolved with it). */
	private found(finding: Finding | null): void {
		if (!finding) return;
		queueMicrotask(() => {
			if (!this.stopped && this.options.store.getState().containers.has(finding.containerId)) this.options.store.dispatch({type: 'diagnosis', finding});
		});
	}

	private resolve(alert: Alert): void {
		this.dispatch({type: 'diagnosis-resolved', id: alert.id, at: this.now()});
	}

	/** A detection that fails (the container went away mid-way, a log that will not read) finds nothing. */
	private attempt(task: () => Promise<void>): void {
		void task().catch(() => undefined);
	}

	/**
	 * Exits are looked into one at a time, in the order the containers died: a crash storm reads
	 * one log at a time, and what comes of an exit is known before what comes of a later one.
	 */
	private inOrder(task: () => Promise<void>): void {
		this.exits = this.exits.then(task).catch(() => undefined);
	}

	private onAction(action: Action, state: State): void {
		if (this.stopped) return;
		switch (action.type) {
			case 'event':
				this.onEvent(action.event, state);
				break;
			case 'containers':
				this.dead.clear();
				this.onSync(state);
				this.checkLayouts(state);
				for (const c of state.containers.values()) this.checkHealth(c, state);
				break;
			case 'container':
				this.dead.delete(action.container.id);
				this.checkLayouts(state);
				this.checkHealth(action.container, state);
				// a swarm task's container inspected: what its task's failure asked for is known now
				if (action.container.labels[SWARM_TASK_LABEL] && state.swarm) this.checkTasks(state);
				break;
			case 'container-removed':
				this.checkLayouts(state);
				break;
			case 'sockets':
				this.checkListening(action.sockets, state);
				break;
			case 'swarm':
				this.checkTasks(state);
				break;
			case 'tick':
				this.followRunning(state);
				this.judgeFollowers(state);
				this.checkListening(state.sockets, state);
				// it reads the sockets again, which the store must take in after this tick, not inside it
				queueMicrotask(() => {
					if (!this.stopped) this.checkStanding(this.options.store.getState());
				});
				break;
			default:
				break;
		}
	}

	private onEvent(event: DockerEvent, state: State): void {
		const {kind, action, actorId, attributes} = event;
		if (kind === 'container') {
			if (action === 'die') {
				this.dead.add(actorId);
				this.unfollow(actorId);
				if (attributes['exitCode'] !== '0') this.inOrder(() => this.checkExit(actorId, event.timeNano));
			} else if (action === 'start') {
				// it started after all: Docker's failure to start it is over
				for (const alert of this.openAlerts(state)) if (alert.containerId === actorId && alert.source === 'docker-start') this.resolve(alert);
			} else if (action === 'destroy') {
				this.unfollow(actorId);
				this.dead.delete(actorId);
				this.unfollowable.delete(actorId);
			}
		} else if (kind === 'network' && action === 'disconnect' && attributes['container']) {
			const id = attributes['container'];
			// a failed start disconnects each of its networks: one attempt, whatever their number
			this.attempt(() => this.checkStart(id, `start:${event.timeNano.slice(0, -9)}`, event.timeNano));
		}
	}

	private openAlerts(state: State): Alert[] {
		return [...state.alerts.values()].filter(a => !a.resolved);
	}

	/** The first full list: failures of the last minutes are reported too. */
	private onSync(state: State): void {
		if (this.synced) return;
		this.synced = true;
		const now = this.now();
		const recent = [...state.containers.values()]
			.filter(c => (c.state === 'created' && c.error !== '') || (c.state === 'exited' && c.exitCode !== 0 && c.finishedAt !== null && now - Date.parse(c.finishedAt) < RECENT_FAILURE_MS))
			.slice(0, RECENT_FAILURES);
		for (const c of recent) {
			if (c.state === 'created') this.attempt(() => this.checkStart(c.id, 'start:sync', null));
			else this.inOrder(() => this.checkExit(c.id, null));
		}
	}

	private bindFinding(victim: ContainerInfo, lines: readonly string[], source: 'exit' | 'running' | 'docker-start', occurrence: string, eventTimeNano: string | null): Finding | null {
		const failure = findBindFailure(lines);
		if (!failure) return null;
		// a running container's failure is claimed only from a form of its own
		if (source === 'running' && !failure.specific) return null;
		const state = this.options.store.getState();
		const ns = failure.publish ? HOST_NS : namespaceOwner(victim);
		const sockets = this.options.docker.scanSockets(new Set([ns]));
		// what its interfaces carry (where this /proc is the Docker host's), and what Docker gave it on its networks
		const owner = state.containers.get(ns);
		const addresses = [
			...new Set([
				...(sockets === null ? [] : Object.values(state.meta.get(ns) ?? {}).flatMap(m => m.addresses.map(a => a.split('/')[0]!))),
				...(owner?.networks.map(n => n.ipAddress).filter(ip => ip !== '') ?? []),
			]),
		];
		const finding = diagnoseBind({
			victim,
			failure,
			source,
			sockets,
			containers: state.containers,
			addresses,
			unprivilegedPortStart: this.options.docker.unprivilegedPortStart(),
			occurrence,
			detectedAt: this.now(),
			eventTimeNano,
		});
		if (finding && source === 'running') {
			// what a running container says is claimed only with its sockets in view
			if (finding.port === null || sockets === null) return null;
			const listeners = sockets.filter(s => s.netns === ns && s.port === finding.port && s.proto === finding.proto);
			// one that listens on that port itself (or may: its listener is untraced) is not failing to bind it
			if (listeners.some(s => s.containerId === victim.id || s.pid === null)) return null;
			// and a port is in use only while something holds it: a retry that won leaves no holder
			if (finding.kind === 'EADDRINUSE' && listeners.length === 0) return null;
		}
		return finding;
	}

	/** A container died with a non-zero exit code: did it fail to bind, or to look up a name? */
	private async checkExit(id: string, eventTimeNano: string | null): Promise<void> {
		const info = await this.options.docker.inspect(id);
		if (!info || info.exitCode === 0 || info.exitCode === null || this.stopped) return;
		const started = info.startedAt ? Date.parse(info.startedAt) : NaN;
		let lines: string[];
		try {
			// a log line can carry a timestamp just before StartedAt: read from a second earlier
			lines = await this.options.docker.readLog(info, Number.isFinite(started) ? (started - 1000) / 1000 : undefined);
		} catch {
			return; // no logs (the `none` log driver, or it is gone already)
		}
		if (this.stopped) return;
		const occurrence = `run:${info.startedAt ?? info.finishedAt ?? id}`;
		const bind = this.bindFinding(info, lines, 'exit', occurrence, eventTimeNano);
		if (bind) return this.found(bind);
		const name = findNameFailure(lines);
		if (name) this.found(diagnoseDns({asker: info, failure: name, containers: this.options.store.getState().containers, source: 'exit', occurrence, detectedAt: this.now()}));
	}

	/**
	 * A container that stays `created` after a start: did Docker fail to publish its port? (Not a
	 * swarm task's: its task says so, once per replica rather than once per attempt.)
	 */
	private async checkStart(id: string, occurrence: string, eventTimeNano: string | null): Promise<void> {
		const info = await this.options.docker.inspect(id);
		if (!info || info.state !== 'created' || info.error === '' || info.labels[SWARM_TASK_LABEL] || this.stopped) return;
		this.found(this.bindFinding(info, [info.error], 'docker-start', occurrence, eventTimeNano));
	}

	/**
	 * Follow the logs of running containers: host-network ones at once (they fight over the
	 * host's ports), the others once they have run SETTLE_MS. When all MAX followers are busy,
	 * the newest containers win: a deployment is what is being watched. A host-network container
	 * takes the place of another; another takes the place of the one that started longest ago.
	 */
	private followRunning(state: State): void {
		const now = this.now();
		const host = (c: ContainerInfo): boolean => c.rawNetworkMode === 'host';
		const candidates: {c: ContainerInfo; started: number}[] = [];
		for (const c of state.containers.values()) {
			if (c.state !== 'running' || c.startedAt === null || this.followers.has(c.id) || this.dead.has(c.id)) continue;
			if (this.unfollowable.get(c.id) === c.startedAt) continue;
			const started = Date.parse(c.startedAt);
			if (host(c) || now - started >= SETTLE_MS) candidates.push({c, started});
		}
		candidates.sort((a, b) => Number(host(b.c)) - Number(host(a.c)) || b.started - a.started);
		for (const {c, started} of candidates) {
			if (this.followers.size >= this.maxFollowers) {
				let oldest: [string, Follower] | undefined;
				for (const entry of this.followers) if (!entry[1].host && (!oldest || entry[1].started < oldest[1].started)) oldest = entry;
				if (!oldest || (!host(c) && oldest[1].started >= started)) break;
				this.unfollow(oldest[0]);
			}
			this.follow(c, started);
		}
	}

	private follow(c: ContainerInfo, started: number): void {
		const since = Math.max(started / 1000 - 1, this.now() / 1000 - FOLLOW_BACK_S);
		const run = c.startedAt!;
		let follower: Follower | undefined;
		const follow = this.options.docker.followLog(c, since, {
			lines: lines => follower && this.onFollowedLines(follower, lines),
			end: () => {
				if (!follower || this.followers.get(c.id) !== follower) return;
				// not unfollowed: its log ended (or never opened) while it ran; this run is not asked again
				this.followers.delete(c.id);
				this.unfollowable.set(c.id, run);
			},
		});
		follower = {id: c.id, follow, run, started, host: c.rawNetworkMode === 'host', recent: [], lastCheck: Number.NEGATIVE_INFINITY, bind: null, name: null};
		this.followers.set(c.id, follower);
	}

	/** Lines of a followed log: kept a little, and a failure among them judged soon. */
	private onFollowedLines(follower: Follower, lines: readonly TimedLine[]): void {
		follower.recent.push(...lines);
		if (follower.recent.length > RECENT_LINES) follower.recent.splice(0, follower.recent.length - RECENT_LINES);
		for (const line of lines) {
			if (!mayReport(line.text)) continue;
			if (matchBindFailure(line.text)?.specific) follower.bind = line;
			if (matchNameFailure(line.text)?.name) follower.name = line;
		}
		if (follower.bind || follower.name) this.judge(follower, this.options.store.getState());
	}

	/** Failures a follower saw within its cooldown are judged once it is over (on a tick). */
	private judgeFollowers(state: State): void {
		for (const follower of this.followers.values()) if (follower.bind || follower.name) this.judge(follower, state);
	}

	/** A followed container's failure, at most once per FOLLOW_COOLDOWN_MS: a bind failure, a failed lookup, or both. */
	private judge(follower: Follower, state: State): void {
		const now = this.now();
		if (now - follower.lastCheck < FOLLOW_COOLDOWN_MS) return;
		const {bind, name} = follower;
		follower.lastCheck = now;
		follower.bind = null;
		follower.name = null;
		const info = state.containers.get(follower.id);
		if (!info || info.state !== 'running' || info.startedAt !== follower.run || this.dead.has(info.id)) return;
		if (bind) {
			// the failure around that line, with its neighbours for the port, or that line alone
			const upTo = follower.recent.slice(0, follower.recent.lastIndexOf(bind) + 1).map(l => l.text);
			const around = findBindFailure(upTo);
			const lines = around?.specific ? upTo : [bind.text];
			// a supervisor restarts the server within one run: each failed start is a failure of its own
			this.found(this.bindFinding(info, lines, 'running', `run:${follower.run}|${bind.time}`, null));
		}
		if (name) {
			const failure = matchNameFailure(name.text)!;
			// a client that retries its lookup fails once per run, not once per retry
			this.found(diagnoseDns({asker: info, failure, containers: state.containers, source: 'running', occurrence: `run:${follower.run}`, detectedAt: now}));
		}
	}

	private unfollow(id: string): void {
		const follower = this.followers.get(id);
		this.followers.delete(id);
		follower?.follow.stop();
	}

	/** A bind failure is over once its container listens on the port it wanted. */
	private checkListening(sockets: readonly ListeningSocket[], state: State): void {
		for (const alert of this.openAlerts(state)) {
			// a swarm task's is over when the manager says its replica runs
			if (!BIND_KINDS.has(alert.kind) || alert.port === null || alert.source === 'task') continue;
			const victim = state.containers.get(alert.containerId);
			const ns = victim ? namespaceOwner(victim) : null;
			// its process holds it, or (processes untraced, without root) it is in its own namespace
			const mine = (s: ListeningSocket): boolean => s.containerId === alert.containerId || (s.pid === null && ns !== HOST_NS && s.netns === ns);
			if (sockets.some(s => mine(s) && s.port === alert.port && s.proto === alert.proto)) this.resolve(alert);
		}
	}

	/**
	 * Swarm tasks, on each read of the manager: a slot that fails or waits is raised (each failed
	 * task counts), one that runs again, or whose service is gone, is resolved.
	 */
	private checkTasks(state: State): void {
		const {findings, waiting} = state.swarm === null ? {findings: [], waiting: []} : taskFindings({swarm: state.swarm, containers: state.containers, sockets: () => this.options.docker.scanSockets(new Set([HOST_NS])), detectedAt: this.now()});
		const ids = new Set([...findings.map(f => f.id), ...waiting]);
		for (const alert of this.openAlerts(state)) if (alert.source === 'task' && !ids.has(alert.id)) this.resolve(alert);
		// each is the manager's word, whether or not its container is still there; said again only
		// when it says something new (another task failed, or it failed otherwise)
		for (const finding of findings) {
			const open = state.alerts.get(finding.id);
			const same = open && !open.resolved && open.occurrence === finding.occurrence && open.kind === finding.kind && open.message === finding.message;
			if (!same) this.dispatch({type: 'diagnosis', finding});
		}
	}

	/** Unhealthy: an alert while it lasts (raised once), resolved when healthy again or stopped. */
	private checkHealth(c: ContainerInfo, state: State): void {
		const open = state.alerts.get(healthFindingId(c.id));
		const unhealthy = isUnhealthy(c);
		if (unhealthy && (!open || open.resolved)) this.found(unhealthyFinding(c, new Relations(state.containers, state.networks).modeText(c), this.now()));
		else if (!unhealthy && open && !open.resolved) this.resolve(open);
	}

	/** A name lookup that the networks' layout explained is over once the layout allows it. */
	private checkLayouts(state: State): void {
		for (const alert of this.openAlerts(state)) {
			if ((alert.kind !== 'dns-default-bridge' && alert.kind !== 'dns-other-network') || alert.lookup === null) continue;
			const asker = state.containers.get(alert.containerId);
			if (!asker || blockedLookup(asker, containersNamed(alert.lookup, state.containers, asker.id)) === null) this.resolve(alert);
		}
	}

	/**
	 * Standing conditions: open what holds now and is not open yet, resolve what no longer holds.
	 * A new one is confirmed on a fresh read of the sockets first: a namespace whose turn to be
	 * read has not come yet must not look empty. And the namespaces of open ones are read again
	 * every RECHECK_MS, so that a server that starts listening resolves its alert soon.
	 */
	private checkStanding(state: State): void {
		const standing = this.openAlerts(state).filter(a => a.source === 'state');
		// only a published port's condition can end by a server starting to listen
		const listening = standing.filter(a => a.kind === 'published-no-listener' || a.kind === 'loopback-only');
		let judged = state;
		const now = this.now();
		if (listening.length > 0 && now - this.recheckedAt >= RECHECK_MS) {
			this.recheckedAt = now;
			const victims = listening.map(a => state.containers.get(a.containerId)).filter((c): c is ContainerInfo => c !== undefined);
			judged = {...state, sockets: this.options.docker.scanSockets(new Set(victims.map(namespaceOwner))) ?? state.sockets};
		}
		const ports = new Map(portFindings(judged).filter(f => !this.dead.has(f.containerId)).map(f => [f.id, f]));
		const tcp = tcpFindings(state);
		const open = new Set(standing.map(a => a.id));
		for (const alert of standing) if (!ports.has(alert.id) && !tcp.some(f => f.id === alert.id)) this.resolve(alert);
		// the kernel's counters went up: that is the evidence, as read
		for (const finding of tcp) if (!open.has(finding.id)) this.found(finding);
		if ([...ports.keys()].every(id => open.has(id))) return;
		const fresh = this.options.docker.scanSockets();
		if (fresh === null) return;
		const confirmed = portFindings({...state, sockets: fresh});
		for (const finding of confirmed) if (!open.has(finding.id) && ports.has(finding.id)) this.found(finding);
	}
}
