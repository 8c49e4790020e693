// Bundle the compiled program into dist/netwatch.js, the file bin/netwatch.js runs. One file
// (and a few lazily loaded chunks) starts in about a third of the CPU time and memory that
// several hundred module files need: Node need not open, parse and link them one by one.
import {rmSync} from 'node:fs';
import {build} from 'esbuild';

// chunk names carry a hash: the chunks of an earlier build would pile up beside the new ones
rmSync('dist/bundle', {recursive: true, force: true});

await build({
	entryPoints: {netwatch: 'dist/cli/main.js'},
	outdir: 'dist/bundle',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	// React and Ink in production mode
	define: {'process.env.NODE_ENV': '"production"'},
	// optional native add-ons of ssh2, and Ink's devtools (only with DEV=true)
	external: ['cpu-features', 'react-devtools-core', '*.node'],
	// the CommonJS dependencies (dockerode, react) use require, __dirname and __filename
	banner: {
		js: [
			"import {createRequire as __nwRequire} from 'node:module';",
			"import {fileURLToPath as __nwPath} from 'node:url';",
			"import {dirname as __nwDirname} from 'node:path';",
			'const require = __nwRequire(import.meta.url);',
			'const __filename = __nwPath(import.meta.url);',
			'const __dirname = __nwDirname(__filename);',
		].join(' '),
	},
	minifySyntax: true,
	sourcemap: 'linked',
	logLevel: 'warning',
});
