/**
 * /proc/<pid>/limits: a process's resource limits, one a line, in columns:
 *
 *   Limit                     Soft Limit           Hard Limit           Units
 *   Max open files            20000                20000                files
 */

/** The soft limit on open files (RLIMIT_NOFILE): a number, Infinity for `unlimited`, or null when the line is missing. */
export function openFilesLimit(limits: string): number | null {
	const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1];
	if (soft === undefined) return null;
	if (soft === 'unlimited') return Number.POSITIVE_INFINITY;
	const value = Number(soft);
	return Number.isInteger(value) && value >= 0 ? value : null;
}
