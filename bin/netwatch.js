#!/bin/sh
":" //; exec node --max-semi-space-size=2 --no-opt "$0" "$@"
// netwatch's executable, read twice: by sh, which runs the line above and hands this file to
// Node, and by Node, for which that line is a string and a comment. (`env -S` would say it in
// one line, but BusyBox's env has no -S.)
//
// Why the flags:
// - a small young generation (2 MB semi-spaces, against 16 MB by default). A monitor that runs
//   for hours allocates steadily (Docker's JSON, frames), and V8 would otherwise grow its heap by
//   tens of megabytes to collect less often;
// - no optimizing compiler (TurboFan). netwatch's code runs a few times a second, not often
//   enough to earn back what optimizing it costs: with it, 30 containers cost 0.83 s of CPU in
//   the first 20 s, 22 ms/s steady, and 80 MB at peak; without it 0.58 s, 13 ms/s and 74 MB.
//   And its compiler threads, busy just when a key needs a frame, competed with the frame for
//   the CPU on a loaded host (the key waited for them, up to 180 ms).
// `node bin/netwatch.js` works too, with Node's defaults.
//
// The program itself is TypeScript, compiled and bundled into dist/bundle by `npm run build`.
import {existsSync} from 'node:fs';
import module from 'node:module';

const entry = new URL('../dist/bundle/netwatch.js', import.meta.url);
if (!existsSync(entry)) {
	process.stderr.write(`netwatch: not built yet: run 'npm ci && npm run build' in ${new URL('..', import.meta.url).pathname}\n`);
	process.exit(1);
}
// Node 22.1 and later keep V8's compiled code for the bundle on disk (in the OS's temporary
// directory, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off). Compiling is a
// small part of netwatch's start: the gain was below the noise when measured (README, Performance)
module.enableCompileCache?.();
const {run} = await import(entry.href);
run();
