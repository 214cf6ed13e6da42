// Finds the instances in the config directory: which files are instance files, the
// instance name each one gives, and the selection of instances named on the command line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GunicornError } from '../errors.js';
import { assignsConfig } from './python-literal.js';

export interface Instance {
  readonly name: string;
  /** Absolute path of the instance file. */
  readonly file: string;
  /**
   * 'config': a gunicorn-ts config file (-c); 'paste': a PasteDeploy INI file (--paste);
   * 'debian': Debian's legacy Python `CONFIG = {...}` file (legacy.ts).
   */
  readonly kind: 'config' | 'paste' | 'debian';
}

/** A file of the config directory that is not an instance, and why: none is skipped in silence. */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

// Code files need the ".conf" part so that an app or helper module kept beside the instance
// files is never mistaken for one; data files (.json, .ini) are instances either way.
const PATTERNS: ReadonlyArray<{ readonly re: RegExp; readonly kind: Instance['kind'] }> = [
  { re: /^(.+)\.conf\.(?:ts|mts|js|mjs|cjs)$/, kind: 'config' },
  { re: /^(.+?)(?:\.conf)?\.json$/, kind: 'config' },
  { re: /^(.+?)(?:\.conf)?\.ini$/, kind: 'paste' },
];

/** Names usable in a file name under the run and log directories, and in a systemd instance. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/;

export function instanceOf(fileName: string, dir: string): Instance | undefined {
  // Hidden files, editor backups and dpkg leftovers are never instances.
  if (fileName.startsWith('.') || fileName.endsWith('~') || /\.dpkg-[a-z]+$/.test(fileName)) return undefined;
  for (const { re, kind } of PATTERNS) {
    const match = re.exec(fileName);
    if (match && NAME.test(match[1]!)) return { name: match[1]!, file: join(dir, fileName), kind };
  }
  return undefined;
}

/** Why a file name is never an instance, or null when its content decides. */
function ignoredName(fileName: string): string | null {
  if (fileName.startsWith('.')) return 'hidden file';
  if (fileName.endsWith('~')) return 'editor backup';
  if (/\.dpkg-[a-z]+$/.test(fileName)) return 'dpkg leftover';
  return null;
}

/**
 * A file Debian's gunicorn would have read: a Python `CONFIG = ...` file, named without an
 * extension (or `.py`/`.conf`), the name being the instance's.
 */
function legacyInstanceOf(fileName: string, dir: string): Instance | undefined {
  const name = fileName.replace(/\.(?:py|conf)$/, '');
  if (!NAME.test(name) || /\.(?:ts|mts|js|mjs|cjs|json|ini)$/.test(fileName)) return undefined;
  const file = join(dir, fileName);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return assignsConfig(text) ? { name, file, kind: 'debian' } : undefined;
}

const NOT_AN_INSTANCE = 'not an instance file (instances are NAME.conf.ts, .conf.mts, .conf.js, .conf.mjs, .conf.cjs, NAME.json, NAME.ini, or a Debian CONFIG = {...} file)';

/** Every file directly in `dir`: the instances, sorted by name, and every other file with the reason it is not one. */
export function scanConfigDir(dir: string): { instances: Instance[]; skipped: SkippedFile[] } {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new GunicornError('GTS_ERR_USAGE', `cannot read the config directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const byName = new Map<string, Instance>();
  const skipped: SkippedFile[] = [];
  for (const fileName of names.sort()) {
    const file = join(dir, fileName);
    if (!isFile(file)) {
      if (!isDirectory(file)) skipped.push({ file, reason: 'not a regular file (a broken link, a socket or a device)' });
      continue;
    }
    const instance = instanceOf(fileName, dir) ?? (ignoredName(fileName) === null ? legacyInstanceOf(fileName, dir) : undefined);
    if (instance === undefined) {
      skipped.push({ file, reason: ignoredName(fileName) ?? NOT_AN_INSTANCE });
      continue;
    }
    const earlier = byName.get(instance.name);
    if (earlier) {
      throw new GunicornError('GTS_ERR_USAGE', `two instance files are named "${instance.name}": ${earlier.file} and ${instance.file}; keep one`);
    }
    byName.set(instance.name, instance);
  }
  return { instances: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), skipped };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Every instance file directly in `dir`, sorted by name; two files giving one name is an error. */
export function findInstances(dir: string): Instance[] {
  return scanConfigDir(dir).instances;
}

/** The instances named on the command line (all of them when none is named). */
export function selectInstances<T extends { readonly name: string }>(all: readonly T[], names: readonly string[], dir: string): T[] {
  if (names.length === 0) return [...all];
  const unknown = names.filter((n) => !all.some((i) => i.name === n));
  if (unknown.length > 0) {
    const known = all.length > 0 ? all.map((i) => i.name).join(', ') : 'none';
    throw new GunicornError('GTS_ERR_USAGE', `no instance file for ${unknown.join(', ')} in ${dir} (instances: ${known})`);
  }
  return all.filter((i) => names.includes(i.name));
}
