// Finds the instances in the config directory: which files are instance files, the
// instance name each one gives, and the selection of instances named on the command line.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GunicornError } from '../errors.js';

export interface Instance {
  readonly name: string;
  /** Absolute path of the instance file. */
  readonly file: string;
  /** 'config': a gunicorn-ts config file (-c); 'paste': a PasteDeploy INI file (--paste). */
  readonly kind: 'config' | 'paste';
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

/** Every instance file directly in `dir`, sorted by name; two files giving one name is an error. */
export function findInstances(dir: string): Instance[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new GunicornError('GTS_ERR_USAGE', `cannot read the config directory ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const byName = new Map<string, Instance>();
  for (const fileName of names.sort()) {
    const instance = instanceOf(fileName, dir);
    if (instance === undefined || !statSync(instance.file).isFile()) continue;
    const earlier = byName.get(instance.name);
    if (earlier) {
      throw new GunicornError('GTS_ERR_USAGE', `two instance files are named "${instance.name}": ${earlier.file} and ${instance.file}; keep one`);
    }
    byName.set(instance.name, instance);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
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
