// Parses the two small grammars of the Paste layer: the `--paste FILE[#NAME]` argument and a
// section's `use = SCHEME:TARGET[#NAME]` value. Pure string work, no file access.
import { isAbsolute, resolve } from 'node:path';
import { PasteError, type PasteErrorWhere } from './paste-error.js';

export interface PasteSpec {
  /** Absolute path of the INI file. */
  file: string;
  /** The app section name (app:, pipeline: or composite:), default "main". */
  name: string;
  /** raw_paste_global_conf (`--paste-global KEY=VALUE`): globals the file's [DEFAULT] may override. */
  globalConf?: Readonly<Record<string, string>>;
}

/** `KEY=VALUE` entries of raw_paste_global_conf as an object (entries without '=' are skipped: the schema refuses them). */
export function parsePasteGlobals(entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq > 0) out[entry.slice(0, eq).trim()] = entry.slice(eq + 1);
  }
  return out;
}

/** "production.ini#admin" (optionally "config:production.ini#admin") relative to cwd. */
export function parsePasteSpec(text: string, cwd: string, globals: readonly string[] = []): PasteSpec {
  const withoutScheme = text.startsWith('config:') ? text.slice('config:'.length) : text;
  const hash = withoutScheme.lastIndexOf('#');
  const path = hash === -1 ? withoutScheme : withoutScheme.slice(0, hash);
  const name = hash === -1 ? '' : withoutScheme.slice(hash + 1).trim();
  if (path.trim() === '') throw new PasteError({ file: text }, 'the paste argument needs an INI file: FILE[#NAME]');
  const spec: PasteSpec = { file: isAbsolute(path) ? path : resolve(cwd, path), name: name || 'main' };
  if (globals.length > 0) spec.globalConf = parsePasteGlobals(globals);
  return spec;
}

export const USE_SCHEMES = ['file', 'npm', 'call', 'egg', 'config'] as const;
export type UseScheme = (typeof USE_SCHEMES)[number];

export interface UseRef {
  scheme: UseScheme;
  /** Path (file, call, config) or package name (npm, egg). */
  target: string;
  /** The part after '#', if any: an export name, or a section name for config:. */
  name: string | undefined;
}

export function parseUse(use: string | undefined, where: PasteErrorWhere): UseRef {
  const at = { ...where, key: 'use' };
  if (use === undefined || use.trim() === '') {
    throw new PasteError(at, `missing "use" (one of ${USE_SCHEMES.map((s) => `${s}:`).join(', ')})`);
  }
  const colon = use.indexOf(':');
  const scheme = use.slice(0, colon).trim();
  if (colon === -1 || !(USE_SCHEMES as readonly string[]).includes(scheme)) {
    throw new PasteError(at, `unknown scheme in "${use}": expected ${USE_SCHEMES.map((s) => `${s}:`).join(', ')}`);
  }
  const rest = use.slice(colon + 1).trim();
  const hash = rest.lastIndexOf('#');
  const target = (hash === -1 ? rest : rest.slice(0, hash)).trim();
  const name = hash === -1 ? undefined : rest.slice(hash + 1).trim() || undefined;
  if (target === '') throw new PasteError(at, `"${use}" names no ${scheme === 'npm' || scheme === 'egg' ? 'package' : 'file'}`);
  return { scheme: scheme as UseScheme, target, name };
}
