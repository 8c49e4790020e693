#!/usr/bin/env node
// netwatch's executable: the program itself is TypeScript, compiled to dist/ by `npm ci`.
import {existsSync} from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
	process.stderr.write(`netwatch: not built yet: run 'npm ci' (or 'npm run build') in ${new URL('..', import.meta.url).pathname}\n`);
	process.exit(1);
}
const {run} = await import(entry.href);
run();
