/**
 * netwatch raises its own CPU priority when it may, as atop does (src/cli/priority.ts): its
 * nice value, and its session's autogroup when the session is its own. Read back from /proc.
 */
import {readFileSync} from 'node:fs';
import {getPriority} from 'node:os';
import {describe, expect, it} from 'vitest';
import {useNetwatch} from '../helpers/netwatch.js';

const autogroup = (pid: number | 'self'): string => readFileSync(`/proc/${pid}/autogroup`, 'utf8').trim();

const watching = useNetwatch();

describe.skipIf(process.getuid?.() !== 0)('its own priority, as root', () => {
	it('in a session of its own: nice -10, and so is the session', async () => {
		const s = await watching([], {}, {session: true});
		expect(getPriority(s.pid)).toBe(-10);
		expect(autogroup(s.pid)).toMatch(/ nice -10$/);
	});

	it("in its caller's session: nice -10, and the session is left as it was", async () => {
		const s = await watching();
		expect(getPriority(s.pid)).toBe(-10);
		expect(autogroup(s.pid)).toBe(autogroup('self'));
	});

	it('started with a nice value of its own: that one stays', async () => {
		const s = await watching([], {}, {through: ['nice', '-n', '5'], session: true});
		expect(getPriority(s.pid)).toBe(5);
		expect(autogroup(s.pid)).toMatch(/ nice 0$/);
	});

	it('as a user who may not raise it: runs as started, and says nothing of it', async () => {
		const s = await watching([], {}, {through: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'], session: true});
		expect(getPriority(s.pid)).toBe(0);
		expect(s.stderr).not.toMatch(/priorit|nice|EACCES|EPERM/i);
	});
});
