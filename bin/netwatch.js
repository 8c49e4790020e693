#!/bin/sh
":" //; exec node --max-semi-space-size=2 "$0" "$@"
// netwatch's executable, read twice: by sh, which runs the line above and hands this file to
// Node, and by Node, for which that line is a string and a comment. (`env -S` would say it in
// one line, but BusyBox's env has no -S.)
//
// Why the flag: a small young generation (2 MB semi-spaces, against 16 MB by default). A monitor
// that runs for hours allocates steadily (Docker's JSON, frames), and V8 would otherwise grow
// its heap by tens of megabytes to collect less often. `node bin/netwatch.js` works too, with
// Node's defaults.
//
// The program itself is TypeScript, compiled and bundled into dist/bundle by `npm ci`.
import {existsSync} from 'node:fs';

const entry = new URL('../dist/bundle/netwatch.js', import.meta.url);
if (!existsSync(entry)) {
	process.stderr.write(`netwatch: not built yet: run 'npm ci' (or 'npm run build') in ${new URL('..', import.meta.url).pathname}\n`);
	process.exit(1);
}
const {run} = await import(entry.href);
run();
