/**
 * `netwatch --json --once | consumer`: the whole document goes through the pipe, however long.
 * A pipe's buffer holds 64 KB; what does not fit is written after it drains, so netwatch must
 * not exit before then. A container with a 100 KB label makes the document longer than that.
 * (A shell's pipe, not a child's stdout in Node, which is a socket with a larger buffer.)
 */
import {describe, expect, it} from 'vitest';
import {sh, useTestbed} from '../helpers/docker.js';
import {BIN, type OnceDocument} from '../helpers/netwatch.js';

const bed = useTestbed();

describe('a pipe', () => {
	it('gets all of a --json --once document longer than its buffer', async () => {
		const label = 'x'.repeat(100_000);
		const c = await bed.container('long-label', ['--label', `io.netwatch.long=${label}`], ['sleep', '600']);
		// pipefail: netwatch's own exit status, not cat's
		const stdout = await sh('bash', ['-o', 'pipefail', '-c', `"$0" --json --once | cat`, BIN]);
		expect(stdout.length).toBeGreaterThan(100_000);
		const once = JSON.parse(stdout) as OnceDocument & {containers: {name: string; labels: Record<string, string>}[]};
		expect(once.containers.find(x => x.name === c.name)?.labels['io.netwatch.long']).toBe(label);
	});
});
