/**
 * Reading /proc (and /sys) files cheaply: some are read many times a second (one net/dev per
 * container namespace). readFileSync stats the file and allocates a buffer per call, and these
 * files have no size to stat. One buffer is reused, grown when a file is larger, and the file
 * is read until the kernel says it has no more: a /proc file comes in page-sized pieces.
 *
 * The reads are synchronous, so the one buffer is never shared by two of them at once.
 */
import {closeSync, openSync, readSync} from 'node:fs';
import {join} from 'node:path';
import {openFilesLimit} from '../parsers/proc-limits.js';

const SIZE = 16 * 1024;
/** A buffer grown past this for one large file is not kept. */
const KEPT_SIZE = 256 * 1024;
let buffer = Buffer.allocUnsafe(SIZE);

/** Everything the open file gives from `position` on (null: from where the last read stopped). */
function readAll(fd: number, position: 0 | null): string {
	try {
		let length = 0;
		for (;;) {
			if (length === buffer.length) {
				const bigger = Buffer.allocUnsafe(buffer.length * 2);
				buffer.copy(bigger);
				buffer = bigger;
			}
			const n = readSync(fd, buffer, length, buffer.length - length, position === null ? null : position + length);
			if (n === 0) return buffer.toString('utf8', 0, length);
			length += n;
		}
	} finally {
		if (buffer.length > KEPT_SIZE) buffer = Buffer.allocUnsafe(SIZE);
	}
}

/** The whole file as text. Throws as readFileSync does (ENOENT when the process is gone). */
export function readProcFile(path: string): string {
	const fd = openSync(path, 'r');
	try {
		return readAll(fd, null);
	} finally {
		closeSync(fd);
	}
}

/**
 * How many files OpenProcFile keeps open together. Each followed namespace keeps five (net/dev,
 * sockstat, sockstat6, snmp, netstat): 5,000 at 1,000 containers. A process may have fewer open
 * (RLIMIT_NOFILE: Node raises its soft limit to the hard one at start, and a hard limit of 4,096
 * is common), and a file refused would be Docker's connection as well as a namespace's. Past the
 * budget, a file is opened for each read and closed again: it costs its path lookup again, and
 * takes nothing from the rest.
 */
export class FileBudget {
	private held = 0;
	private limit: number | undefined;

	/** `limit` is asked once, at the first take. */
	constructor(private readonly findLimit: () => number) {}

	/** One file more to keep open: false when the budget is spent. */
	take(): boolean {
		this.limit ??= this.findLimit();
		if (this.held >= this.limit) return false;
		this.held++;
		return true;
	}

	give(): void {
		this.held--;
	}
}

/** Open files without a limit read: what a process is allowed by default on Linux (the soft 1,024). */
const DEFAULT_OPEN_FILES = 1024;

/**
 * The process's budget: half its limit on open files. The other half is left for Docker's
 * connections, the terminal, and the tables read piece by piece.
 */
export const processBudget = new FileBudget(() => Math.floor((openFilesLimit(readProcFileOrNull('/proc/self/limits') ?? '') ?? DEFAULT_OPEN_FILES) / 2));

/**
 * A /proc file kept open, and read again from its start at each call (a positioned read at 0):
 * for a file read at every tick in every namespace (net/dev), looking its path up again cost as
 * much as reading it (300 namespaces: 9.9 ms a tick opened each time, 4.5 kept open). An open
 * file holds its network namespace even after its last process exits: close it when its
 * process is no longer followed. Past its budget, it is opened for each read instead.
 */
export class OpenProcFile {
	private fd: number | null = null;

	constructor(
		private readonly path: string,
		private readonly budget: FileBudget = processBudget,
	) {}

	/** The whole file as text. Throws as readProcFile does when it cannot be opened. */
	read(): string {
		if (this.fd !== null) return readAll(this.fd, 0);
		const fd = openSync(this.path, 'r');
		if (this.budget.take()) {
			this.fd = fd;
			return readAll(fd, 0);
		}
		try {
			return readAll(fd, 0);
		} finally {
			closeSync(fd);
		}
	}

	close(): void {
		if (this.fd === null) return;
		closeSync(this.fd);
		this.fd = null;
		this.budget.give();
	}
}

/**
 * A network namespace's files: /proc/<pid>/net of a process in it (the host's: /proc/net). The
 * small files that are read whole at many ticks (sockstat, snmp, netstat) stay open once read
 * (OpenProcFile): for those, looking the path up again cost as much as reading them. Close it
 * when the process is no longer followed. Tables, read piece by piece or now and then, are
 * opened by path.
 */
export class NetFiles {
	private readonly open = new Map<string, OpenProcFile>();
	private closed = false;

	constructor(private readonly dir: string) {}

	path(name: string): string {
		return join(this.dir, name);
	}

	/**
	 * The whole file as text, or null if it cannot be read (it is opened again at the next call),
	 * or once these files are closed: a closed namespace is not opened again.
	 */
	read(name: string): string | null {
		if (this.closed) return null;
		let file = this.open.get(name);
		if (!file) this.open.set(name, (file = new OpenProcFile(this.path(name))));
		try {
			return file.read();
		} catch {
			file.close();
			this.open.delete(name);
			return null;
		}
	}

	/** sockstat and sockstat6 together (what is missing, sockstat6 without IPv6, is empty). */
	sockstat(): string {
		return `${this.read('sockstat') ?? ''}\n${this.read('sockstat6') ?? ''}`;
	}

	close(): void {
		this.closed = true;
		for (const file of this.open.values()) file.close();
		this.open.clear();
	}
}

/** The files of the namespace of process `pid` under `proc`; of the host's (`proc`'s own) for null. */
export function netFiles(proc: string, pid: number | null): NetFiles {
	return new NetFiles(join(proc, ...(pid === null ? [] : [String(pid)]), 'net'));
}

/** The whole file as text, or null if it cannot be read. */
export function readProcFileOrNull(path: string): string | null {
	try {
		return readProcFile(path);
	} catch {
		return null;
	}
}

/** A piece at most: the kernel gives a page (4 KiB) a read anyway, a regular file (a test's) what is asked. */
const PIECE = 16 * 1024;

/**
 * A /proc file read over several calls, piece by piece. The kernel writes a socket table as it
 * is read, so a large one (thousands of connections) costs in proportion to its length, and
 * read and parsed in one go it would hold up a tick. Pieces are cut at line ends. The file stays
 * open between calls: a namespace whose process exits while it is read is still read to the end
 * (the open file holds it).
 *
 * A file read over several calls is not one picture of the table. The kernel finds where the
 * last piece ended by position: a TCP table by hash bucket and the rank within it, conntrack by
 * walking to the rank from its start. Entries that come or go meanwhile can make a line appear
 * twice, or be missed, as they could between two reads.
 */
export class PieceReader {
	private fd: number | null;
	/** The end of the last piece, after its last line end. */
	private partial = '';

	/** Throws as readProcFile does (ENOENT when the process is gone). */
	constructor(path: string) {
		this.fd = openSync(path, 'r');
	}

	/** The next piece's whole lines (the last piece: what is left); done at the end of the file. */
	next(): {lines: string; done: boolean} {
		if (this.fd === null) return {lines: '', done: true};
		const n = readSync(this.fd, buffer, 0, PIECE, null);
		if (n === 0) {
			this.close();
			return {lines: this.partial, done: true};
		}
		const text = this.partial + buffer.toString('latin1', 0, n);
		const end = text.lastIndexOf('\n') + 1;
		this.partial = text.slice(end);
		return {lines: text.slice(0, end), done: false};
	}

	/**
	 * Hand each piece's lines to `each`, a piece at least, the clock looked at after each one:
	 * true when the file ended, false when `until` (a performance.now() time) came first. A read
	 * that fails ends the file: what was read is kept.
	 */
	readUntil(until: number, each: (lines: string) => void): boolean {
		for (;;) {
			let piece: {lines: string; done: boolean};
			try {
				piece = this.next();
			} catch {
				piece = {lines: this.partial, done: true};
				this.close();
			}
			each(piece.lines);
			if (piece.done) return true;
			if (performance.now() >= until) return false;
		}
	}

	close(): void {
		if (this.fd !== null) closeSync(this.fd);
		this.fd = null;
	}
}
