import {describe, expect, it} from 'vitest';
import {sessionOf} from '../../src/parsers/proc-stat.js';
import {fixture} from '../helpers/fixtures.js';

describe('sessionOf', () => {
	it('reads the session of a process started from a shell: the shell leads it', () => {
		expect(sessionOf(fixture('proc/stat-sleep.txt'))).toBe(1159);
	});

	it('reads past a command with spaces and parentheses: setsid made the process lead its own', () => {
		const stat = fixture('proc/stat-odd-command.txt');
		expect(stat).toContain('(x) (y z)');
		expect(sessionOf(stat)).toBe(Number(stat.split(' ')[0]));
	});

	it('says null for what is not a stat line', () => {
		expect(sessionOf('')).toBeNull();
		expect(sessionOf('12 (sh) S')).toBeNull();
	});
});
