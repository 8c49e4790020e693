/**
 * TCP trouble that the kernel counts: a listener whose accept queue overflowed while netwatch
 * watched (ListenOverflows went up), named with the listeners that had connections waiting.
 * Pure: the state in, the findings that hold now out. It holds for OVERFLOW_HOLD_MS after the
 * last rise, and is resolved when the counter has stayed still that long.
 */
import type {ContainerInfo, Finding} from '../model.js';
import {Relations} from '../store/relations.js';
import type {State} from '../store/state.js';

/** How long an overflow stays open after the counter last went up. */
export const OVERFLOW_HOLD_MS = 60_000;

export function tcpFindings(state: State): Finding[] {
	const relations = new Relations(state.containers, state.networks);
	const findings: Finding[] = [];
	for (const [ns, stats] of state.tcp) {
		const overflow = stats.overflow;
		// a container's own namespace: the host's has no one container to name
		const c: ContainerInfo | undefined = state.containers.get(ns);
		if (!overflow || !c || state.at - overflow.at > OVERFLOW_HOLD_MS) continue;
		const waiting = overflow.queues.map(q => `port ${q.port} (${q.queue} waiting for accept)`).join(', ');
		findings.push({
			id: `${c.id}:listen-overflow`,
			kind: 'listen-overflow',
			severity: 'warning',
			containerId: c.id,
			containerName: c.name,
			networkMode: relations.modeText(c),
			message: `${c.name}'s accept queue overflowed: the kernel dropped ${overflow.overflows} connection attempt${overflow.overflows === 1 ? '' : 's'}${waiting ? `; ${waiting}` : ''}`,
			hint: 'its server accepts connections more slowly than they arrive: give it more workers, or a longer listen backlog (and net.core.somaxconn)',
			evidence: `TcpExt ListenOverflows +${overflow.overflows}, ListenDrops +${overflow.drops}${waiting ? `; LISTEN ${overflow.queues.map(q => `${q.address}:${q.port} rx_queue ${q.queue}`).join(', ')}` : ''}`,
			evidenceFrom: 'socket',
			port: overflow.queues[0]?.port ?? null,
			proto: 'tcp',
			portSource: overflow.queues.length > 0 ? 'socket' : 'unknown',
			holder: null,
			holderUnknown: null,
			lookup: null,
			source: 'state',
			exitCode: null,
			occurrence: null,
			detectedAt: state.at,
			eventTimeNano: null,
		});
	}
	return findings;
}
