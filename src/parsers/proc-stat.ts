/** /proc/PID/stat: one line of fields, the second the command in parentheses. */

/** The session id: the sixth field, counted after the command, which may hold spaces and parentheses. */
export function sessionOf(stat: string): number | null {
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const session = Number(fields[3]);
	return Number.isInteger(session) && session > 0 ? session : null;
}
