// Bundles the entry points that start a process (the two commands and the worker) over tsc's
// output, so a start reads a handful of files instead of resolving a hundred modules one by
// one. Run by `npm run build` after tsc; what ships and what the tests start is the bundle.
// Why a bundle and how its paths stay right: docs/architecture.md, "Build: what a start loads".
import { build, type BuildResult, type Plugin } from 'esbuild';
import { createRequire, isBuiltin } from 'node:module';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_WRAPPER } from '../src/compile-cache.cjs';

// dist/scripts/bundle.js → dist/src.
const distSrc = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/**
 * The programs bundled, relative to dist/src. The command and the worker start from small
 * unbundled entries (bin/gunicorn-ts.cjs, and worker/main.cjs, which the arbiter forks) that
 * turn on Node's compile cache and load their bundle through its code cache
 * (src/compile-cache.cts). Those two bundles are CommonJS (bin/cli-main.cjs, worker/worker.cjs;
 * tsc's .js files removed): an ES module entry makes every process start Node's ES module
 * loader, ~9 ms of CPU and ~0.4 MB in a Node 20 worker (bench/README.md, "startup"), and only a
 * script can be compiled from a code cache. gunicorn-ts-debian's bundle replaces tsc's file in
 * place, as an ES module.
 */
const ESM_ENTRIES = ['bin/gunicorn-ts-debian.js'] as const;
const CJS_ENTRIES = ['bin/cli-main.js', 'worker/worker.js'] as const;

// Each bundle sits one directory below dist/src, as each source module of src/<unit>/ does; a
// module's `import.meta.url` is rewritten to its own compiled file's place relative to the
// bundle, so `new URL('../x', import.meta.url)` (package.json, the worker entry, the bin
// re-executed on USR2) and createRequire() (jiti, ajv's runtime) resolve as unbundled. In the
// CommonJS bundle the bundle's own URL comes from the banner (`__gtsBundleUrl`).
function ownImportMetaUrl(bundleUrl: string): Plugin {
  return {
    name: 'own-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        const fromDistSrc = relative(distSrc, args.path);
        if (fromDistSrc.startsWith('..')) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return { contents: source, loader: 'js' };
        const fromBundle = `../${fromDistSrc.split(sep).join('/')}`;
        return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, ${bundleUrl}).href`), loader: 'js' };
      });
    },
  };
}

// pino is bundled: as 30 CommonJS files it cost each process ~17 ms of CPU and ~9 MB, bundled
// ~6 ms and ~3 MB. Its CommonJS code needs `require` (for Node's built-in modules), and pino and
// thread-stream start a transport's worker thread from a file next to their own (`__dirname`):
// the banner gives the bundle a `require`, and `__dirname` in their files becomes the installed
// package's directory, resolved when a transport starts. ini and yargs-parser are bundled so
// that only the paths that parse INI files or argv evaluate them (as external ES imports they
// were loaded by every command, --version included). The other dependencies stay in
// node_modules: jiti, ajv's runtime, syslog-client, prom-client and unix-dgram are required
// lazily, and the user's app is imported by path at run time.
const BUNDLED_PACKAGES: readonly string[] = ['pino', 'ini', 'yargs-parser'];

const PACKAGE_DIR = `/** A directory of pino or of one of its dependencies as installed (scripts/bundle.ts). */
function __gtsPackageDir(name, subdir) {
  const fromPino = __gtsCreateRequire(require.resolve('pino'));
  return __gtsJoin(__gtsDirname(fromPino.resolve(name + '/package.json')), subdir);
}`;

const ESM_BANNER = `import { createRequire as __gtsCreateRequire } from 'node:module';
import { dirname as __gtsDirname, join as __gtsJoin } from 'node:path';
const require = __gtsCreateRequire(import.meta.url);
${PACKAGE_DIR}`;

// "use strict" first: the sources are ES modules, strict throughout, and stay so as CommonJS.
const CJS_BANNER = `"use strict";
const { createRequire: __gtsCreateRequire } = require('node:module');
const { dirname: __gtsDirname, join: __gtsJoin } = require('node:path');
const __gtsBundleUrl = require('node:url').pathToFileURL(__filename).href;
${PACKAGE_DIR}`;

const PINO_DIRNAME = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](.*)\.js$/;

/**
 * Requires in pino's files that every start evaluated and only some configurations use,
 * moved to where they are used: Node's `assert` (sonic-boom checks one fd with it when a
 * destination closes) and `worker_threads` (pino asks whether it runs on the main thread
 * only for an asynchronous destination; thread-stream runs a `transport`). Loading the two
 * costs a fresh process 1.5 ms and ~0.5 MB on Node 20, 2.5 ms and ~1 MB on Node 24
 * (bench/README.md). Each edit must match its file's text exactly once, and every edit must
 * be made: a pino upgrade that changes a line fails the build instead of loading them again.
 */
const LAZY_REQUIRES: ReadonlyArray<{ readonly file: string; readonly from: string; readonly to: string }> = [
  { file: 'sonic-boom/index.js', from: "const assert = require('assert')", to: "function assert (value, message) { require('assert')(value, message) }" },
  { file: 'pino/lib/tools.js', from: "const { isMainThread } = require('worker_threads')\n", to: '' },
  { file: 'pino/lib/tools.js', from: '  if (!opts.sync && isMainThread) {', to: "  if (!opts.sync && require('worker_threads').isMainThread) {" },
  { file: 'pino/lib/transport.js', from: "const ThreadStream = require('thread-stream')", to: "function ThreadStream (opts) { return new (require('thread-stream'))(opts) }" },
];

const lazyRequiresMade = new Set<(typeof LAZY_REQUIRES)[number]>();

function applyLazyRequires(packagePath: string, source: string): string {
  let out = source;
  for (const edit of LAZY_REQUIRES.filter((e) => e.file === packagePath)) {
    if (out.split(edit.from).length !== 2) throw new Error(`bundle: ${edit.file} no longer has ${JSON.stringify(edit.from)} exactly once (LAZY_REQUIRES)`);
    out = out.replace(edit.from, edit.to);
    lazyRequiresMade.add(edit);
  }
  return out;
}

/**
 * Installed packages' files as bundled: LAZY_REQUIRES applied, `__dirname` made the installed
 * package's directory, and `import.meta.url` (yargs-parser's ES build makes a `require` from
 * it, used only to read config files we never ask it to parse) made `bundleUrl`, the bundle's
 * own URL, since a CommonJS bundle has no `import.meta`.
 */
function installedPackages(bundleUrl: string): Plugin {
  return {
    name: 'installed-packages',
    setup(b) {
      b.onLoad({ filter: /[\\/]node_modules[\\/].*\.js$/ }, (args) => {
        const match = PINO_DIRNAME.exec(args.path);
        const packagePath = match === null ? '' : `${match[1]!.split(sep).join('/')}/${match[2]!.split(sep).join('/')}.js`;
        const source = applyLazyRequires(packagePath, readFileSync(args.path, 'utf8')).replaceAll('import.meta.url', bundleUrl);
        if (match === null || !source.includes('__dirname')) return { contents: source, loader: 'js' };
        const subdir = dirname(match[2]!).split(sep).join('/');
        return { contents: source.replaceAll('__dirname', `__gtsPackageDir(${JSON.stringify(match[1])}, ${JSON.stringify(subdir)})`), loader: 'js' };
      });
    },
  };
}

// Node's built-in modules are taken with require(), not `import`: an ES import reads every
// export to build the namespace, and on Node 24 `http` has lazy getters (WebSocket, CloseEvent,
// MessageEvent) that load undici: ~15 MB and ~10 ms more in every process. Each built-in becomes
// an ES module of one require() whose named exports esbuild keeps only where some module imports
// them (each is a pure call, so an unused one is dropped), read once when the module is
// evaluated, as Node's own ES facade of a built-in is. Served as CommonJS instead, esbuild's
// __toESM() would copy every export of the built-in into a namespace of getters, once per
// importing module: ~1,600 closures and ~2 ms per worker start (bench/README.md). The names
// are those of the Node that builds: an import of a name it lacks fails the build.
const builtinsThroughRequire: Plugin = {
  name: 'builtins-through-require',
  setup(b) {
    const requireBuiltin = createRequire(import.meta.url);
    b.onResolve({ filter: /^[a-z0-9_:/]+$/ }, (args) => (isBuiltin(args.path) && args.kind === 'import-statement' ? { path: args.path, namespace: 'builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => {
      const names = Object.keys(requireBuiltin(args.path) as object).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
      const lines = [`const m = require(${JSON.stringify(args.path)});`, 'export default m;'];
      for (const name of names) lines.push(`export const ${name} = /* @__PURE__ */ (() => m.${name})();`);
      return { contents: lines.join('\n'), loader: 'js' };
    });
  },
};

/**
 * Our CommonJS modules that stay outside the bundles, each required from its own file:
 * compile-cache.cjs, loaded by the entry before its bundle (it holds the bundle's code cache),
 * and native-import.cjs, whose `import()` a bundle compiled from a code cache cannot make
 * itself. Every bundle sits one directory below dist/src, beside them.
 */
const OUTSIDE_THE_BUNDLE = ['compile-cache.cjs', 'native-import.cjs'];
const outsideTheBundle: Plugin = {
  name: 'outside-the-bundle',
  setup(b) {
    b.onResolve({ filter: /\.cjs$/ }, (args) => {
      const name = args.path.slice(args.path.lastIndexOf('/') + 1);
      return OUTSIDE_THE_BUNDLE.includes(name) && args.path.startsWith('.') ? { path: `../${name}`, external: true } : undefined;
    });
  },
};

/** Fails the build, naming each line of `code` that `pattern` matches, with `problem`. */
function failOnLines(file: string, code: string, pattern: RegExp, problem: string): void {
  const lines = code.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${i + 1}: ${line.trim()}`] : []));
  if (lines.length > 0) throw new Error(`bundle: ${file} ${problem}:\n${lines.join('\n')}`);
}

/** Fails the build on an `import()` left in a CommonJS bundle: there it has no loader (native-import.cts). */
function assertNoDynamicImport(file: string, code: string): void {
  failOnLines(file, code, /(?<![\w$.])import\(/, 'calls import() (use importNative() from native-import.cts)');
}

/**
 * V8 keeps a script's source for as long as its functions live, as one-byte (Latin-1) text
 * when every character fits and as two-byte otherwise: one arrow in one comment doubled the
 * command's ~770 kB in every master. esbuild escapes what is in strings; comments it keeps
 * are copied as written, so they must stay in Latin-1 too.
 */
function assertOneByteSource(file: string, code: string): void {
  failOnLines(file, code, /[^\u0000-\u00ff]/, 'has characters beyond Latin-1 (write them in ASCII in the source)');
}

function externalPackages(): string[] {
  const pkg = JSON.parse(readFileSync(join(distSrc, '..', '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  return Object.keys(pkg.dependencies).filter((name) => !BUNDLED_PACKAGES.includes(name));
}

/** Our sources ship in src/ and are named by path; pino's are embedded, since node_modules moves. */
function keepOnlyDependencySources(mapText: string): string {
  const map = JSON.parse(mapText) as { sources: string[]; sourcesContent?: Array<string | null> };
  map.sourcesContent = map.sources.map((source, i) => (source.startsWith('../../../src/') ? null : map.sourcesContent?.[i] ?? null));
  return JSON.stringify(map);
}

/**
 * `node dist/scripts/bundle.js --metafile=FILE` also writes esbuild's metafile (every input and
 * its bytes in each bundle) to FILE: what a process's bundle holds, to find what a start
 * evaluates and never uses (esbuild's analyzeMetafile() and its online analyzer read it).
 */
const metafilePath = process.argv.find((a) => a.startsWith('--metafile='))?.slice('--metafile='.length);

async function bundle(entries: readonly string[], format: 'esm' | 'cjs'): Promise<BuildResult<{ write: false; metafile: true }>> {
  const bundleUrl = format === 'cjs' ? '__gtsBundleUrl' : 'import.meta.url';
  return build({
    entryPoints: entries.map((e) => join(distSrc, e)),
    outdir: distSrc,
    outbase: distSrc,
    ...(format === 'cjs' ? { outExtension: { '.js': '.cjs' } } : {}),
    bundle: true,
    // One file per process entry: code reached by a dynamic import (the arbiter, --check-config,
    // --help) is in the file but runs only when imported. Splitting into chunks loaded ~50
    // files per start and cost the master ~30 ms more CPU than one file (bench/README.md).
    splitting: false,
    format,
    platform: 'node',
    target: 'node20.19',
    external: externalPackages(),
    banner: { js: format === 'cjs' ? CJS_BANNER : ESM_BANNER },
    // tsc's source maps are read and chained: stack traces point into src/*.ts.
    sourcemap: 'linked',
    sourcesContent: true,
    plugins: [ownImportMetaUrl(bundleUrl), installedPackages(bundleUrl), builtinsThroughRequire, outsideTheBundle],
    write: false,
    metafile: true,
    logLevel: 'warning',
  });
}

async function main(): Promise<void> {
  // The bundles are made from tsc's output, and the worker's replaces its input: tsc first.
  const missing = [...ESM_ENTRIES, ...CJS_ENTRIES].filter((e) => !existsSync(join(distSrc, e)));
  if (missing.length > 0) throw new Error(`bundle: ${missing.join(', ')} missing in dist/src: run tsc first (npm run build)`);
  const results = [await bundle(ESM_ENTRIES, 'esm'), await bundle(CJS_ENTRIES, 'cjs')];
  const missed = LAZY_REQUIRES.filter((e) => !lazyRequiresMade.has(e));
  if (missed.length > 0) throw new Error(`bundle: LAZY_REQUIRES not applied (file not bundled?): ${missed.map((e) => e.file).join(', ')}`);
  if (metafilePath !== undefined) {
    writeFileSync(metafilePath, JSON.stringify({ inputs: Object.assign({}, ...results.map((r) => r.metafile.inputs)), outputs: Object.assign({}, ...results.map((r) => r.metafile.outputs)) }));
  }
  for (const file of results.flatMap((r) => r.outputFiles)) {
    const depth = relative(distSrc, file.path).split(sep).length;
    if (depth !== 2) throw new Error(`bundle: ${file.path} is not one directory below dist/src`);
    if (file.path.endsWith('.cjs')) assertNoDynamicImport(file.path, file.text);
    if (!file.path.endsWith('.map')) assertOneByteSource(file.path, file.text);
    writeFileSync(file.path, file.path.endsWith('.map') ? keepOnlyDependencySources(file.text)
      : file.path.endsWith('.cjs') ? `${BUNDLE_WRAPPER[0]}${file.text}${BUNDLE_WRAPPER[1]}` : file.contents);
  }
  // The CommonJS bundles replace tsc's ES module of the same name: one program per process ships.
  for (const entry of CJS_ENTRIES) for (const suffix of ['', '.map']) rmSync(join(distSrc, `${entry}${suffix}`), { force: true });
}

await main();
