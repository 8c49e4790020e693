/** What this process holds open, read from /proc/self/fd. */
import {readdirSync, readlinkSync} from 'node:fs';
import {join} from 'node:path';

/** The files under `root` that this process holds open, by path under `root`, sorted. */
export function openUnder(root: string): string[] {
	return readdirSync('/proc/self/fd')
		.flatMap(fd => {
			try {
				return [readlinkSync(join('/proc/self/fd', fd))];
			} catch {
				return [];
			}
		})
		.filter(path => path.startsWith(`${root}/`))
		.map(path => path.slice(root.length + 1))
		.sort();
}
