#!/usr/bin/env node
// netwatch's executable: the program itself is TypeScript, compiled and bundled into
// dist/bundle by `npm ci` (npm run build).
import {existsSync} from 'node:fs';

const entry = new URL('../dist/bundle/netwatch.js', import.meta.url);
if (!existsSync(entry)) {
	process.stderr.write(`netwatch: not built yet: run 'npm ci' (or 'npm run build') in ${new URL('..', import.meta.url).pathname}\n`);
	process.exit(1);
}
const {run} = await import(entry.href);
run();
