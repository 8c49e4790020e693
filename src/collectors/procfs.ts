/**
 * Reading /proc (and /sys) files cheaply: some are read many times a second (one net/dev per
 * container namespace). readFileSync stats the file and allocates a buffer per call, and these
 * files have no size to stat. One buffer is reused, grown when a file is larger, and the file
 * is read until the kernel says it has no more: a /proc file comes in page-sized pieces.
 *
 * The reads are synchronous, so the one buffer is never shared by two of them at once.
 */
import {closeSync, openSync, readSync} from 'node:fs';

const SIZE = 16 * 1024;
/** A buffer grown past this for one large file is not kept. */
const KEPT_SIZE = 256 * 1024;
let buffer = Buffer.allocUnsafe(SIZE);

/** The whole file as text. Throws as readFileSync does (ENOENT when the process is gone). */
export function readProcFile(path: string): string {
	const fd = openSync(path, 'r');
	try {
		let length = 0;
		for (;;) {
			if (length === buffer.length) {
				const bigger = Buffer.allocUnsafe(buffer.length * 2);
				buffer.copy(bigger);
				buffer = bigger;
			}
			const n = readSync(fd, buffer, length, buffer.length - length, null);
			if (n === 0) return buffer.toString('utf8', 0, length);
			length += n;
		}
	} finally {
		closeSync(fd);
		if (buffer.length > KEPT_SIZE) buffer = Buffer.allocUnsafe(SIZE);
	}
}

/** The whole file as text, or null if it cannot be read. */
export function readProcFileOrNull(path: string): string | null {
	try {
		return readProcFile(path);
	} catch {
		return null;
	}
}
