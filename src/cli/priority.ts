/**
 * netwatch's own CPU priority. A monitor is wanted most when the host is busiest, and there
 * every key press and every sample waits behind the other runnable tasks: with both cores of a
 * test machine busy, 8 ms of work could take 150 ms to get done. So, as atop does, netwatch
 * raises its priority when it may (root, or CAP_SYS_NICE), and leaves it alone when it may not,
 * or when it was started with a nice value of its own (`nice -n 5 netwatch` stays at 5).
 *
 * Where the kernel groups tasks by session (CONFIG_SCHED_AUTOGROUP: /proc/self/autogroup),
 * sessions are weighed against each other and a nice value counts only inside its session.
 * When netwatch leads its session (run as the command of ssh, a terminal or tmux), the group is
 * its own, and it gets the same nice.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import {getPriority, setPriority} from 'node:os';
import {sessionOf} from '../parsers/proc-stat.js';

/** The nice value netwatch takes when it may. */
export const RAISED_NICE = -10;

/** Raise netwatch's CPU priority if it may. */
export function raisePriority(): void {
	if (getPriority() !== 0) return;
	try {
		setPriority(RAISED_NICE);
	} catch {
		// not permitted: netwatch runs as it was started
		return;
	}
	try {
		if (sessionOf(readFileSync('/proc/self/stat', 'utf8')) === process.pid) writeFileSync('/proc/self/autogroup', String(RAISED_NICE));
	} catch {
		// a kernel without autogroup
	}
}
