/**
 * Reading /proc files: a file kept open is read again from its start, and a large socket table
 * comes in pieces cut at line ends.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {FileBudget, NetFiles, netFiles, OpenProcFile, PieceReader, processBudget, readProcFile} from '../../src/collectors/procfs.js';
import {openFilesLimit} from '../../src/parsers/proc-limits.js';
import {fixture} from '../helpers/fixtures.js';
import {openUnder} from '../helpers/open-files.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'netwatch-procfs-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

describe('OpenProcFile', () => {
	it('reads the file again from its start at each call, as it is then', () => {
		const path = join(dir, 'dev');
		writeFileSync(path, fixture('proc/b1-net-dev.txt'));
		const file = new OpenProcFile(path);
		expect(file.read()).toBe(fixture('proc/b1-net-dev.txt'));
		// written in place: the open file sees the new text
		writeFileSync(path, fixture('proc/u1-net-dev.txt'));
		expect(file.read()).toBe(fixture('proc/u1-net-dev.txt'));
		file.close();
	});

	it("reads this process's own net/dev from its start each time, and throws when there is no file to open", () => {
		const file = new OpenProcFile('/proc/self/net/dev');
		for (const _ of [1, 2]) expect(file.read()).toMatch(/^Inter-\|.*\n face \|.*\n *lo:/);
		file.close();
		expect(() => new OpenProcFile(join(dir, 'missing')).read()).toThrow(/ENOENT/);
	});

	it('keeps files open within its budget only: past it, a file is opened for each read and closed again', () => {
		for (const name of ['a', 'b']) writeFileSync(join(dir, name), fixture('proc/b1-net-dev.txt'));
		const budget = new FileBudget(() => 1);
		const a = new OpenProcFile(join(dir, 'a'), budget);
		const b = new OpenProcFile(join(dir, 'b'), budget);
		expect(a.read()).toBe(fixture('proc/b1-net-dev.txt'));
		expect(b.read()).toBe(fixture('proc/b1-net-dev.txt'));
		expect(openUnder(dir)).toEqual(['a']);
		// read again from the file as it is now
		writeFileSync(join(dir, 'b'), fixture('proc/u1-net-dev.txt'));
		expect(b.read()).toBe(fixture('proc/u1-net-dev.txt'));
		// a closed file gives its place back
		a.close();
		a.close();
		expect(b.read()).toBe(fixture('proc/u1-net-dev.txt'));
		expect(openUnder(dir)).toEqual(['b']);
		expect(a.read()).toBe(fixture('proc/b1-net-dev.txt'));
		expect(openUnder(dir)).toEqual(['b']);
		b.close();
	});

	it("keeps open at most half this process's limit on open files", () => {
		const limit = openFilesLimit(readProcFile('/proc/self/limits'))!;
		// every file of this test file is closed: take the whole budget, then give it back
		let taken = 0;
		while (processBudget.take()) taken++;
		for (let i = 0; i < taken; i++) processBudget.give();
		expect(taken).toBe(Math.floor(limit / 2));
	});
});

describe('NetFiles', () => {
	it("keeps a file open once read, says null for one it cannot read, and lets go of them when closed", () => {
		const files = new NetFiles(dir);
		writeFileSync(join(dir, 'sockstat'), fixture('proc/b1-sockstat.txt'));
		expect(files.read('sockstat')).toBe(fixture('proc/b1-sockstat.txt'));
		expect(files.read('sockstat6')).toBeNull();
		// gone from the directory: the open file is still read, as a process's namespace is while it is followed
		rmSync(join(dir, 'sockstat'));
		expect(files.read('sockstat')).toBe(fixture('proc/b1-sockstat.txt'));
		// closed, it opens nothing again, though the file is there
		writeFileSync(join(dir, 'sockstat'), fixture('proc/b1-sockstat.txt'));
		files.close();
		expect(files.read('sockstat')).toBeNull();
		expect(files.sockstat()).toBe('\n');
	});

	it("finds a namespace's files under its process, and the host's under /proc/net", () => {
		expect(netFiles('/proc', 42).path('tcp')).toBe('/proc/42/net/tcp');
		expect(netFiles('/proc', null).path('tcp')).toBe('/proc/net/tcp');
		const own = netFiles('/proc', process.pid);
		expect(own.read('sockstat')).toMatch(/^TCP: inuse \d+/m);
		own.close();
	});
});

describe('PieceReader', () => {
	it('gives whole lines, piece by piece, that make up the file', () => {
		const path = join(dir, 'tcp');
		writeFileSync(path, fixture('proc/many-tcp.txt'));
		const reader = new PieceReader(path);
		const pieces: string[] = [];
		for (let piece = reader.next(); ; piece = reader.next()) {
			pieces.push(piece.lines);
			if (piece.done) break;
		}
		// 60 KB in pieces of 16 KB: four, and the read that finds the end
		expect(pieces).toHaveLength(5);
		expect(pieces.every(p => p === '' || p.endsWith('\n'))).toBe(true);
		expect(pieces.join('')).toBe(readProcFile(path));
	});
});
