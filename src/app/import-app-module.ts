// Imports the app's module with the cheapest loader that can run it: plain JavaScript
// (.js, .cjs, .mjs) through Node's own require() or import(), so a worker never loads jiti for it;
// TypeScript, and JavaScript whose syntax this Node cannot load, through jiti, with source
// maps (stack traces name the .ts line) and the nearest tsconfig.json's `paths` aliases.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadJiti } from '../lazy-jiti.js';
import { importNative } from '../native-import.cjs';

export type AppLoader = 'node' | 'jiti';

export interface ImportedModule {
  /** The module's exports, as a record (a namespace, or CommonJS `module.exports`). */
  readonly exports: unknown;
  readonly loader: AppLoader;
}

const NATIVE_EXTENSIONS = new Set(['.js', '.cjs', '.mjs']);

/** Which loader a file needs: Node's own for JavaScript, jiti for everything it must transform. */
export function loaderFor(file: string): AppLoader {
  return NATIVE_EXTENSIONS.has(extname(file)) ? 'node' : 'jiti';
}

export interface ImportOptions {
  /** jiti's module cache on: what it loads lands in Node's CommonJS cache (see LoadOptions.moduleCache). */
  readonly moduleCache?: boolean;
}

export async function importAppModule(file: string, opts: ImportOptions = {}): Promise<ImportedModule> {
  if (loaderFor(file) === 'jiti') return { exports: await importWithJiti(file, opts), loader: 'jiti' };
  try {
    return { exports: await importNatively(file), loader: 'node' };
  } catch (err) {
    // Syntax this Node cannot parse (newer than the running version): jiti transforms it.
    if (err instanceof SyntaxError && isLoaderSyntaxError(err)) return { exports: await importWithJiti(file, opts), loader: 'jiti' };
    throw err;
  }
}

/**
 * CommonJS through require(), which returns `module.exports` itself (import() would wrap it
 * in a namespace whose named exports are only what Node's lexer can guess); ESM through import().
 */
async function importNatively(file: string): Promise<unknown> {
  if (!isCommonJs(file)) return importNative(pathToFileURL(file).href);
  try {
    return createRequire(file)(file);
  } catch (err) {
    // ESM syntax in a .js file of a package without "type": "module" (Node detects it on import).
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') return importNative(pathToFileURL(file).href);
    throw err;
  }
}

/** .cjs, or .js in a package whose nearest package.json does not say "type": "module". */
function isCommonJs(file: string): boolean {
  const ext = extname(file);
  if (ext !== '.js') return ext === '.cjs';
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type !== 'module';
      } catch {
        return true;
      }
    }
    if (dirname(dir) === dir) return true;
  }
}

/**
 * A SyntaxError from Node's parser (its stack starts with the file and line it could not
 * parse), not one the app raised at run time (JSON.parse: the stack starts "SyntaxError:").
 */
function isLoaderSyntaxError(err: SyntaxError): boolean {
  return !(err.stack ?? '').startsWith('SyntaxError');
}

async function importWithJiti(file: string, opts: ImportOptions): Promise<unknown> {
  // Stack traces of transformed code point at the source line, as they would under tsc.
  process.setSourceMapsEnabled(true);
  const tsconfig = nearestTsconfig(dirname(file));
  const jiti = (await loadJiti())(pathToFileURL(file).href, {
    // A fresh instance without the module cache: every load sees the files as they are now
    // (HUP reload, preload in the arbiter), while a module imported twice within one load is
    // still evaluated once. A worker under `reload` keeps the cache to report what it loaded.
    moduleCache: opts.moduleCache === true,
    sourceMaps: true,
    // jiti's default interop wraps the exports in a proxy that reads through to the default
    // export; a Fastify instance there makes the proxy a thenable, and awaiting the import
    // would resolve to the instance instead of the module.
    interopDefault: false,
    ...(tsconfig === null ? {} : { tsconfigPaths: tsconfig }),
  });
  return jiti.import<unknown>(file);
}

/** The tsconfig.json in the file's directory or the nearest one above it (tsc's own lookup). */
export function nearestTsconfig(dir: string): string | null {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return null;
  }
}
