// Bundle the compiled program into dist/netwatch.js, the file bin/netwatch.js runs. One file
// (and a few lazily loaded chunks) starts in about a third of the CPU time and memory that
// several hundred module files need: Node need not open, parse and link them one by one.
import {rmSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {build} from 'esbuild';

/**
 * Modules that export one function, loaded when it is first called instead of at start:
 * dockerode's BuildKit session (gRPC and protobuf, for building images, which netwatch never
 * does) and docker-modem's SSH transport (ssh2, which netwatch never uses: ssh:// hosts are
 * reached through the system's ssh, src/docker/ssh.ts). Each is bundled on its
 * own, into dist/bundle/deferred/, and the main bundle requires that file inside the function.
 * Together they are 1.4 MB of the 2.5 MB that Node would otherwise read, keep and pre-parse at
 * every start.
 */
const DEFERRED = [
	{name: 'session', importer: /[\\/]dockerode[\\/]lib[\\/]docker\.js$/, path: './session'},
	{name: 'ssh', importer: /[\\/]docker-modem[\\/]lib[\\/]modem\.js$/, path: './ssh'},
];

const deferOneFunctionModules = {
	name: 'defer-one-function-modules',
	setup(b) {
		b.onResolve({filter: /^\.\/(session|ssh)$/}, args => {
			const deferred = DEFERRED.find(d => d.path === args.path && d.importer.test(args.importer));
			if (!deferred) return undefined;
			// bundle its real file on its own, then stand in for it here
			const file = join(args.resolveDir, `${args.path}.js`);
			const entry = `deferred/${deferred.name}`;
			// two installed copies (of dockerode, say) would share one deferred file: say so
			if (entries[entry] !== undefined && entries[entry] !== file) throw new Error(`${entry}: both ${entries[entry]} and ${file}`);
			entries[entry] = file;
			return {path: deferred.name, namespace: 'deferred'};
		});
		b.onLoad({filter: /.*/, namespace: 'deferred'}, args => ({
			// the bundle's require is createRequire(import.meta.url): relative to dist/bundle
			contents: `module.exports = function () { return require('./deferred/${args.path}.cjs').apply(this, arguments); };`,
			loader: 'js',
		}));
	},
};

/**
 * Ink draws only its last frame when it guesses that it runs in CI (the CI variable is set).
 * netwatch decides for itself: the dashboard when stdout is a terminal, plain text or JSON when
 * it is not. So the guess is left out: someone with CI=true exported still gets a live screen.
 */
const notInCi = {
	name: 'not-in-ci',
	setup(b) {
		b.onResolve({filter: /^is-in-ci$/}, () => ({path: 'is-in-ci', namespace: 'not-in-ci'}));
		b.onLoad({filter: /.*/, namespace: 'not-in-ci'}, () => ({contents: 'export default false;', loader: 'js'}));
	},
};

/**
 * Yoga (Ink's layout engine) is WebAssembly, shipped as a base64 data: URI. Its loader fetches
 * that URI with the global fetch when there is one, and in Node that first use of fetch loads
 * and compiles undici, Node's HTTP client: about 40 ms of CPU at every start, to decode a
 * string. With fetch shadowed in that one file, the loader decodes the base64 itself, as it
 * does wherever fetch is missing. The build fails if the file is not found, so that a new
 * yoga-layout cannot quietly bring the cost back.
 */
const YOGA_LOADER = /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/;
let yogaLoaderSeen = false;
const yogaWithoutFetch = {
	name: 'yoga-without-fetch',
	setup(b) {
		b.onLoad({filter: YOGA_LOADER}, async args => {
			yogaLoaderSeen = true;
			const source = await readFile(args.path, 'utf8');
			return {contents: `const fetch = undefined;\n${source}`, loader: 'js'};
		});
		b.onEnd(result => {
			if (result.errors.length === 0 && !yogaLoaderSeen) {
				return {errors: [{text: 'yoga-without-fetch: yoga-layout\'s base64 loader was not bundled: check YOGA_LOADER'}]};
			}
			return undefined;
		});
	},
};

/** The deferred modules' real files, found while the main bundle is built. */
const entries = {};

/** What the main bundle and the deferred modules are built with alike. */
const common = {outdir: 'dist/bundle', bundle: true, platform: 'node', target: 'node20', minifySyntax: true, sourcemap: 'linked', logLevel: 'warning'};

// chunk names carry a hash: the chunks of an earlier build would pile up beside the new ones
rmSync('dist/bundle', {recursive: true, force: true});

await build({
	...common,
	entryPoints: {netwatch: 'dist/cli/main.js'},
	splitting: true,
	format: 'esm',
	// React and Ink in production mode
	define: {'process.env.NODE_ENV': '"production"'},
	// optional native add-ons of ssh2, Ink's devtools (only with DEV=true), and the deferred modules
	external: ['cpu-features', 'react-devtools-core', '*.node', './deferred/*'],
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
	plugins: [deferOneFunctionModules, notInCi, yogaWithoutFetch],
});

await build({
	...common,
	entryPoints: entries,
	outExtension: {'.js': '.cjs'},
	format: 'cjs',
	external: ['cpu-features', '*.node'],
});
