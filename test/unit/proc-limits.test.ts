import {describe, expect, it} from 'vitest';
import {openFilesLimit} from '../../src/parsers/proc-limits.js';
import {fixture} from '../helpers/fixtures.js';

describe('openFilesLimit', () => {
	it('reads the soft limit on open files of /proc/<pid>/limits', () => {
		// `cat /proc/self/limits` on the test machine (test/fixtures/README.md): soft and hard 20000
		expect(openFilesLimit(fixture('proc/limits.txt'))).toBe(20000);
		const lowered = fixture('proc/limits.txt').replace(/^Max open files.*$/m, 'Max open files            1024                 4096                 files');
		expect(openFilesLimit(lowered)).toBe(1024);
		expect(openFilesLimit(lowered.replace('1024', 'unlimited'))).toBe(Number.POSITIVE_INFINITY);
		expect(openFilesLimit(lowered.replace('1024', 'many'))).toBeNull();
		expect(openFilesLimit('')).toBeNull();
	});
});
