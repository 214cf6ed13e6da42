// Node's compile cache (Node >= 22.1): V8's compiled code of the modules a process loads is
// kept on disk, so the next start of the same files skips compiling them (the bundle of
// ~370-770 kB, and the app's own modules). The entry points turn it on before they import the
// bundle: a module compiled before the cache is on is not cached. Measured in bench/README.md.
// CommonJS, so that the worker's CommonJS entry (worker/main.cts) can require it without
// starting Node's ES module loader; the command's ES entry imports it as well.
import nodeModule from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';

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
  const cacheHome = env['XDG_CACHE_HOME']?.startsWith('/') === true ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
  enable(join(cacheHome, 'gunicorn-ts', 'compile-cache'));
}
