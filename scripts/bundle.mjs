// Bundle the compiled program into dist/netwatch.js, the file bin/netwatch.js runs. One file
// (and a few lazily loaded chunks) starts in about a third of the CPU time and memory that
// several hundred module files need: Node need not open, parse and link them one by one.
import {rmSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {build} from 'esbuild';

/**
 * Modules that export one function, loaded when it is first called instead of at start:
 * dockerode's BuildKit session (gRPC and protobuf, for building images, which netwatch never
 * does) and docker-modem's SSH transport (ssh2, for ssh:// hosts only). esbuild runs a bundled
 * CommonJS module at its first require, so a require inside the function defers it. Together
 * they cost about 20 MB of memory and 150 ms at every start.
 */
const DEFERRED = [
	{importer: /[\\/]dockerode[\\/]lib[\\/]docker\.js$/, path: './session'},
	{importer: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/, path: './ssh'},
];

const deferOneFunctionModules = {
	name: 'defer-one-function-modules',
	setup(b) {
		b.onResolve({filter: /^\.\/(session|ssh)$/}, args => {
			if (!DEFERRED.some(d => d.path === args.path && d.importer.test(args.importer))) return undefined;
			return {path: join(args.resolveDir, `${args.path}.js`), namespace: 'deferred'};
		});
		b.onLoad({filter: /.*/, namespace: 'deferred'}, args => ({
			contents: `module.exports = function () { return require(${JSON.stringify(args.path)}).apply(this, arguments); };`,
			resolveDir: dirname(args.path),
			loader: 'js',
		}));
	},
};

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
	plugins: [deferOneFunctionModules],
	minifySyntax: true,
	sourcemap: 'linked',
	logLevel: 'warning',
});
