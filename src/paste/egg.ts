// `use = egg:PACKAGE#NAME`: PasteDeploy's entry points, declared by a Node package in its
// package.json as `"paste": { "app_factory": { "main": "./app.js:createApp" } }` (and
// `filter_factory` for filters). Finds the package from the INI file's directory and reads
// that declaration; it loads no module, so the preflight can run it before anything starts.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PasteError, type PasteErrorWhere } from './paste-error.js';
import type { UseRef } from './spec.js';

/** PasteDeploy's entry-point groups, as keys of package.json's "paste" field. */
export type EggKind = 'app_factory' | 'filter_factory';

export interface EggEntryPoint {
  /** Absolute path of the module that exports the factory. */
  readonly module: string;
  readonly exportName: string;
  /** "egg:pkg#main (./app.js:createApp)", for messages. */
  readonly description: string;
}

/** PasteDeploy's entry-point name when `egg:pkg` has no `#NAME`. */
const EGG_DEFAULT = 'main';

/** The package's directory: node_modules/NAME from the INI's directory up, or a package.json named NAME on the way. */
function findPackageDir(name: string, from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const installed = join(dir, 'node_modules', name);
    if (existsSync(join(installed, 'package.json'))) return installed;
    if (packageName(dir) === name) return dir;
    if (dirname(dir) === dir) return null;
  }
}

function packageName(dir: string): string | undefined {
  const manifest = readManifest(join(dir, 'package.json'));
  return typeof manifest?.['name'] === 'string' ? manifest['name'] : undefined;
}

function readManifest(path: string): Record<string, unknown> | null {
  if (!existsSync(path)) return null;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What to write instead of an egg: line that cannot work, for the error message. */
function instead(pkg: string, kind: EggKind): string {
  const factory = kind === 'app_factory' ? 'createApp' : 'createFilter';
  return `declare it in the package's package.json as "paste": {"${kind}": {"main": "./index.js:${factory}"}} ` +
    `(a factory (globalConf, localConf) => ${kind === 'app_factory' ? 'app' : 'filter'}), ` +
    `or write "use = call:./path/to/module.js#${factory}" to call a factory, or "use = npm:${pkg}#EXPORT" to use an export as it is (see docs/paste.md)`;
}

export function resolveEggEntryPoint(ref: UseRef, iniFile: string, kind: EggKind, where: PasteErrorWhere): EggEntryPoint {
  const at = { ...where, key: 'use' };
  const name = ref.name ?? EGG_DEFAULT;
  const dir = findPackageDir(ref.target, dirname(iniFile));
  if (dir === null) {
    throw new PasteError(at, `egg:${ref.target}: no package "${ref.target}" found from ${dirname(iniFile)} (node_modules, or a package.json named so); install it and ${instead(ref.target, kind)}`);
  }
  const declared = readManifest(join(dir, 'package.json'))?.['paste'];
  const group = declared !== null && typeof declared === 'object' ? (declared as Record<string, unknown>)[kind] : undefined;
  const target = group !== null && typeof group === 'object' ? (group as Record<string, unknown>)[name] : undefined;
  if (typeof target !== 'string') {
    throw new PasteError(at, `egg:${ref.target}#${name}: package ${dir} declares no Paste ${kind} "${name}"; ${instead(ref.target, kind)}`);
  }
  const colon = target.lastIndexOf(':');
  const modulePath = colon > 0 ? target.slice(0, colon) : target;
  const exportName = colon > 0 ? target.slice(colon + 1) : 'default';
  const module = resolve(dir, modulePath);
  if (!existsSync(module)) {
    throw new PasteError(at, `egg:${ref.target}#${name}: its package.json names ${JSON.stringify(target)}, but ${module} does not exist`);
  }
  return { module, exportName, description: `egg:${ref.target}#${name} (${target})` };
}
