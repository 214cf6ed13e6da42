// Finds the file behind APP_MODULE's MODULE part: a file path (extension optional) relative
// to the working directory or one of the `pythonpath` directories, a dotted path as Gunicorn
// users write it (`pkg.app`), or a package name resolved from those same directories.
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadJiti } from '../lazy-jiti.js';
import { AppNotFoundError } from './errors.js';

export const APP_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;

export interface ResolveOptions {
  readonly cwd: string;
  readonly modulePaths: readonly string[];
}

/** The absolute file to import, or an AppNotFoundError saying where it looked. */
export async function resolveAppModule(module: string, opts: ResolveOptions): Promise<string> {
  const dirs = [opts.cwd, ...opts.modulePaths.map((p) => resolve(opts.cwd, p))];
  const explicitPath = isAbsolute(module) || module.startsWith('./') || module.startsWith('../');
  const bases = isAbsolute(module) ? [module] : dirs.map((d) => join(d, module));
  const found = firstFile(bases);
  if (found) return found;
  if (!explicitPath) {
    const pkg = await resolvePackage(module, dirs);
    if (pkg) return pkg;
    // `project.app` as a Gunicorn user would write it, when no file has that exact name.
    if (module.includes('.') && !module.includes('/') && !hasAppExtension(module)) {
      const dotted = firstFile(dirs.map((d) => join(d, ...module.split('.'))));
      if (dotted) return dotted;
    }
  }
  const where = explicitPath && isAbsolute(module) ? '' : ` (looked in ${dirs.join(', ')})`;
  throw new AppNotFoundError(`cannot find app module ${JSON.stringify(module)}${where}`);
}

function hasAppExtension(path: string): boolean {
  return APP_EXTENSIONS.some((ext) => path.endsWith(ext));
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** `base` itself, `base` + an extension, or `base/index` + an extension. */
function firstFile(bases: readonly string[]): string | null {
  for (const base of bases) {
    if (isFile(base)) return base;
    for (const ext of APP_EXTENSIONS) if (isFile(base + ext)) return base + ext;
    for (const ext of APP_EXTENSIONS) if (isFile(join(base, `index${ext}`))) return join(base, `index${ext}`);
  }
  return null;
}

/**
 * Node's own resolution ("require" conditions) finds most packages without loading jiti; a
 * package that exports only an "import" condition is resolved with jiti's ESM resolver.
 */
async function resolvePackage(name: string, dirs: readonly string[]): Promise<string | null> {
  for (const dir of dirs) {
    try {
      return createRequire(join(dir, 'noop.js')).resolve(name);
    } catch {
      // not found from here with "require" conditions: try the next directory
    }
  }
  const jiti = (await loadJiti())(pathToFileURL(join(dirs[0]!, '/')).href);
  for (const dir of dirs) {
    const url = jiti.esmResolve(name, { parentURL: pathToFileURL(join(dir, '/')).href, try: true });
    if (url) return url.startsWith('file:') ? fileURLToPath(url) : url;
  }
  return null;
}
