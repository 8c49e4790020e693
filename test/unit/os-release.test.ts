import {describe, expect, it} from 'vitest';
import {parseOsRelease} from '../../src/parsers/os-release.js';
import {fixture} from '../helpers/fixtures.js';

describe('parseOsRelease', () => {
	it('names the OS by NAME and VERSION_ID', () => {
		expect(parseOsRelease(fixture('os-release/debian-12.txt'))).toBe('Debian GNU/Linux 12');
	});

	it('takes PRETTY_NAME when there is no NAME, and undoes quoting', () => {
		expect(parseOsRelease('PRETTY_NAME="Some \\"Linux\\" 1"\n')).toBe('Some "Linux" 1');
		expect(parseOsRelease("NAME='Alpine Linux'\nVERSION_ID=3.20.0\n")).toBe('Alpine Linux 3.20.0');
	});

	it('names nothing when the file says nothing, and keeps controls out', () => {
		expect(parseOsRelease('')).toBeNull();
		expect(parseOsRelease('# a comment\nID=x\n')).toBeNull();
		expect(parseOsRelease('NAME="a\u001b]0;pwned\u0007b"')).not.toContain('\u001b');
	});
});
