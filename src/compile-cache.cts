// The two caches of V8's compiled code a start reads, both kept in the user's cache directory:
// - Node's compile cache (Node >= 22.1, enableCompileCache()) for the modules Node's loaders
//   compile: the entries and the app's own modules. The entry points turn it on first: a
//   module compiled before the cache is on is not cached.
// - Our bundles' code cache (every Node, requireBundle() and saveBundleCodeCache()): the
//   command's ~770 kB and the worker's ~350 kB, with every function a start compiled.
// Measured in bench/README.md, "startup". CommonJS, required by the CommonJS entries
// (bin/gunicorn-ts.cts, worker/main.cts) before their bundles, and kept outside the bundles
// (scripts/bundle.ts): the bundle and its entry share this one copy and its state.
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

type EnableCompileCache = (directory: string) => unknown;

/**
 * Turns the cache on in the user's cache directory ($XDG_CACHE_HOME or ~/.cache, then
 * gunicorn-ts/compile-cache), a directory only that user writes, rather than Node's default
 * in the shared temporary directory. Node's own variables win: NODE_COMPILE_CACHE (another
 * directory, already on) and NODE_DISABLE_COMPILE_CACHE. A directory that cannot be created
 * or written only leaves the cache off; nothing is printed. Older Node has no cache: a no-op.
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  const enable = (nodeModule as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (typeof enable !== 'function' || env['NODE_COMPILE_CACHE'] !== undefined) return;
  enable(join(cacheHomeOf(env), 'gunicorn-ts', 'compile-cache'));
}

/** $XDG_CACHE_HOME when it is an absolute path, else ~/.cache. */
function cacheHomeOf(env: NodeJS.ProcessEnv): string {
  return env['XDG_CACHE_HOME']?.startsWith('/') === true ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
}

/**
 * Where the code caches of our bundles go: beside Node's compile cache, in the same user's
 * directory. Null when Node's NODE_DISABLE_COMPILE_CACHE turns caching off.
 */
function codeCacheDir(env: NodeJS.ProcessEnv): string | null {
  if (env['NODE_DISABLE_COMPILE_CACHE'] !== undefined) return null;
  return join(cacheHomeOf(env), 'gunicorn-ts', 'code-cache');
}

interface LoadedBundle {
  readonly script: Script;
  readonly dir: string;
  /** The cache files of this bundle on this Node: `<bundle>-<path hash>-<node version>-<arch>-`. */
  readonly prefix: string;
  /** This build's: the prefix, then the bundle's size and mtime. */
  readonly name: string;
  /** What happened to the cache at load: used (V8 accepted it), rejected, or absent. */
  readonly state: 'used' | 'rejected' | 'absent';
}

/**
 * What a bundle's code is wrapped in, Node's CommonJS module wrapper: scripts/bundle.ts writes
 * the bundles wrapped, and requireBundle() calls the function with the same five arguments
 * Node gives a module.
 */
export const BUNDLE_WRAPPER: readonly [string, string] = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'];

/** FNV-1a of `path`, 8 hex digits: a short, stable name for where a bundle is installed. */
function pathHash(path: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The bundle this process required through requireBundle(), if any. */
let loadedBundle: LoadedBundle | null = null;

/**
 * Requires one of our bundles (the command's cli-main.cjs, the worker's worker.cjs) through a
 * V8 code cache of its own. Node's compile cache holds a module as compiled when it loads, the
 * top level only; V8 compiles each function on its first call, and the functions a start calls
 * were most of a master's start-up work (bench/README.md, "startup"). This cache is written by
 * saveBundleCodeCache() once the process has started, so it holds them too, on every Node.
 * V8 checks the cache against its version, its flags and the source's length and rejects a
 * mismatch (the file name adds the bundle's size and mtime); a rejected or unreadable cache
 * costs only the compile it would have saved.
 */
export function requireBundle(file: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const read = readFileSync(file, 'utf8');
  // V8 keeps a script's source for as long as the program runs. A bundle written by
  // scripts/bundle.ts is already wrapped, so that source is the string read: wrapping it here
  // would make a second ~770 kB copy, and the first would stay on the heap until a full GC.
  const source = read.startsWith(BUNDLE_WRAPPER[0]) ? read : `${BUNDLE_WRAPPER[0]}${read}${BUNDLE_WRAPPER[1]}`;
  const dir = codeCacheDir(env);
  // The path's hash keeps two installs of different builds from removing each other's files.
  const prefix = `${basename(file)}-${pathHash(file)}-${process.version}-${process.arch}-`;
  let name = '';
  let cachedData: Buffer | undefined;
  if (dir !== null) {
    const stat = statSync(file);
    name = `${prefix}${stat.size}-${Math.trunc(stat.mtimeMs)}.v8`;
    try {
      cachedData = readFileSync(join(dir, name));
    } catch {
      // No cache yet (or none this user may read): compiled as usual, and saved later.
    }
  }
  const script = new Script(source, {
    filename: file,
    // No importModuleDynamically: the bundle's import() calls go through native-import.cts.
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  if (dir !== null) loadedBundle = { script, dir, prefix, name, state: cachedData === undefined ? 'absent' : script.cachedDataRejected === true ? 'rejected' : 'used' };
  const bundle = new nodeModule(file, module);
  bundle.filename = file;
  const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => void;
  wrapper.call(bundle.exports, bundle.exports, nodeModule.createRequire(file), bundle, file, dirname(file));
  bundle.loaded = true;
  return bundle.exports;
}

/**
 * Writes the code cache of the bundle requireBundle() loaded, with every function compiled so
 * far, unless V8 used the one on disk. Called once the process has started: the master when
 * its first worker has booted, a worker once it has booted. Older files of the same bundle on
 * the same Node (an earlier build) are removed. Never throws: a cache that cannot be written
 * is only a cache missed. Returns what it found, for the debug log.
 */
export function saveBundleCodeCache(): string | null {
  const loaded = loadedBundle;
  if (loaded === null) return null;
  loadedBundle = null;
  const { dir, prefix, name } = loaded;
  if (loaded.state === 'used') return `code cache ${name}: used`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const old of readdirSync(dir)) if (old !== name && old.startsWith(prefix)) unlinkSync(join(dir, old));
    // Written aside and renamed: a start never reads a half-written cache.
    const partial = join(dir, `${name}.${process.pid}`);
    writeFileSync(partial, loaded.script.createCachedData(), { mode: 0o600 });
    renameSync(partial, join(dir, name));
    return `code cache ${name}: ${loaded.state}, written`;
  } catch (err) {
    return `code cache ${name}: ${loaded.state}, not written (${(err as Error).message})`;
  }
}
