#!/usr/bin/env -S node --max-semi-space-size=2
// netwatch's executable: the program itself is TypeScript, compiled and bundled into
// dist/bundle by `npm ci` (npm run build).
//
// A small young generation (2 MB semi-spaces, against 16 MB by default): a monitor that runs
// for hours allocates steadily (Docker's JSON, frames), and V8 would otherwise grow its heap
// by tens of megabytes to collect less often. Run it as an executable (`netwatch`,
// `./bin/netwatch.js`) for this to apply; `node bin/netwatch.js` works too, with Node's defaults.
import {existsSync} from 'node:fs';

const entry = new URL('../dist/bundle/netwatch.js', import.meta.url);
if (!existsSync(entry)) {
	process.stderr.write(`netwatch: not built yet: run 'npm ci' (or 'npm run build') in ${new URL('..', import.meta.url).pathname}\n`);
	process.exit(1);
}
const {run} = await import(entry.href);
run();
