// Loads the module a `use` line names, with jiti (so TypeScript needs no build), and picks the
// export. Paths are relative to the INI file's directory and packages resolve from there, as
// PasteDeploy resolves relative to the config file. It does not decide what the export means.
import { resolve } from 'node:path';
import { loadJiti } from '../lazy-jiti.js';
import { resolveEggEntryPoint, type EggKind } from './egg.js';
import { PasteError, type PasteErrorWhere } from './paste-error.js';
import type { UseRef } from './spec.js';

/** Export names tried, in order, when `#NAME` is absent (as for APP_MODULE). */
const DEFAULT_EXPORTS = ['default', 'app', 'application'] as const;

export interface LoadedExport {
  value: unknown;
  /** "file /abs/app.ts, export app", for messages and for toListener's description. */
  description: string;
}

/** `egg`: which entry-point group an egg: line reads (the app or filter factory). */
export async function loadUseExport(ref: UseRef, iniFile: string, dir: string, where: PasteErrorWhere, egg: EggKind = 'app_factory'): Promise<LoadedExport> {
  const at = { ...where, key: 'use' };
  const entry = ref.scheme === 'egg' ? resolveEggEntryPoint(ref, iniFile, egg, where) : null;
  const isPackage = ref.scheme === 'npm';
  const specifier = entry !== null ? entry.module : isPackage ? ref.target : resolve(dir, ref.target);
  let ns: Record<string, unknown>;
  try {
    // The INI file is the parent module, so packages resolve from its directory's node_modules.
    ns = (await (await loadJiti())(iniFile).import(specifier)) as Record<string, unknown>;
  } catch (err) {
    // Not-found errors carry a multi-line "Require stack" that names only the INI file again.
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND' ? errorText(err).split('\n')[0] : errorText(err);
    throw new PasteError(at, `cannot load ${isPackage ? 'package' : 'module'} ${specifier}: ${reason}`, { cause: err });
  }
  const names = entry !== null ? [entry.exportName] : ref.name !== undefined ? [ref.name] : DEFAULT_EXPORTS;
  const name = names.find((n) => ns[n] !== undefined && ns[n] !== null);
  if (name === undefined) {
    const exported = Object.keys(ns).filter((k) => k !== '__esModule');
    const has = exported.length === 0 ? 'it exports nothing' : `it exports: ${exported.join(', ')}`;
    throw new PasteError(at, `${specifier} has no export ${names.map((n) => `"${n}"`).join(' or ')}; ${has}`);
  }
  // A module may export a promise of its app (top-level `export const app = makeApp()` of an async maker).
  const value = await ns[name];
  return { value, description: entry !== null ? entry.description : `${specifier}#${name}` };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
