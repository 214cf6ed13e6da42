// Loads APP_MODULE into a Node request listener: parse the reference, find the module,
// import it with jiti (so TypeScript apps need no build), pick the export, call the factory
// if asked, and adapt the result. Used by the worker and by the arbiter (--check-config, preload).
import type { RequestListener } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { Jiti } from 'jiti';
import { loadJiti } from '../lazy-jiti.js';
import { parseAppRef, type AppRef } from './app-ref.js';
import { AppBootError, AppNotFoundError, describeThrown } from './errors.js';
import { resolveAppModule, type ResolveOptions } from './resolve-module.js';
import { appShape, toRequestListener } from './adapters/to-request-listener.js';

/** Export names tried, in order, when APP_MODULE has no `:NAME`. */
export const DEFAULT_EXPORTS = ['default', 'app', 'application'] as const;

export interface LoadOptions extends ResolveOptions {
  /**
   * Keep what jiti loads in Node's CommonJS cache. Off by default, so every load sees the files
   * as they are now; a worker under `reload` turns it on to report the files it loaded, which
   * is safe because each reload starts fresh worker processes.
   */
  readonly moduleCache?: boolean;
}

export async function loadApp(appRef: string, opts: LoadOptions): Promise<RequestListener> {
  const ref = parseAppRef(appRef);
  const { value, description } = await loadAppValue(ref, opts);
  return toRequestListener(value, description);
}

/** The value APP_MODULE designates (after the factory call), before adaptation. */
export async function loadAppValue(ref: AppRef, opts: LoadOptions): Promise<{ value: unknown; description: string }> {
  // A fresh instance without the module cache: every load sees the files as they are now
  // (HUP reload, preload in the arbiter), while a module imported twice within one load is
  // still evaluated once.
  const jiti = (await loadJiti())(pathToFileURL(`${opts.cwd}/`).href, { moduleCache: opts.moduleCache === true });
  const file = resolveAppModule(ref.module, opts, jiti);
  const namespace = await importModule(jiti, file, ref);
  const { value, name } = pickExport(namespace, ref, file);
  const description = `${ref.module}:${name}`;
  if (ref.args === null) return { value: await awaitValue(value, description), description };
  if (typeof value !== 'function') {
    throw new AppNotFoundError(`${description} is not a function and cannot be called as a factory (it is ${typeof value})`);
  }
  try {
    const made: unknown = await (value as (...args: unknown[]) => unknown)(...ref.args);
    return { value: made, description: `${description}(...)` };
  } catch (err) {
    throw new AppBootError(`app factory ${description}() failed: ${describeThrown(err)}`, { cause: err });
  }
}

async function importModule(jiti: Jiti, file: string, ref: AppRef): Promise<Record<string, unknown>> {
  try {
    const ns = await jiti.import<unknown>(file);
    return (typeof ns === 'object' || typeof ns === 'function') && ns !== null ? (ns as Record<string, unknown>) : { default: ns };
  } catch (err) {
    throw new AppBootError(`app module ${JSON.stringify(ref.module)} failed to load: ${describeThrown(err)}`, { cause: err });
  }
}

/** An export that is a promise (top-level `export default createApp()` of an async factory) is awaited. */
async function awaitValue(value: unknown, description: string): Promise<unknown> {
  if (!(value instanceof Promise)) return value;
  try {
    return await value;
  } catch (err) {
    throw new AppBootError(`${description} rejected: ${describeThrown(err)}`, { cause: err });
  }
}

function pickExport(ns: Record<string, unknown>, ref: AppRef, file: string): { value: unknown; name: string } {
  if (ref.name === null) {
    const defined = DEFAULT_EXPORTS.filter((name) => ns[name] !== undefined && !isInteropEcho(ns, name));
    // An adaptable candidate wins over an earlier one that is not an app (a factory, a config object).
    const name = defined.find((n) => appShape(ns[n]) !== null) ?? defined[0];
    if (name !== undefined) return { value: ns[name], name };
    throw new AppNotFoundError(`${file} has none of the exports ${DEFAULT_EXPORTS.join(', ')}; ${listExports(ns)}. ` +
      'Name one: MODULE:NAME');
  }
  let value: unknown = ns;
  for (const [i, part] of ref.name.entries()) {
    const holder = value as Record<string, unknown> | null | undefined;
    value = holder === null || holder === undefined ? undefined : holder[part];
    if (value === undefined) {
      const where = i === 0 ? `${file} does not export ${JSON.stringify(part)}; ${listExports(ns)}`
        : `${ref.name.slice(0, i).join('.')} in ${file} has no property ${JSON.stringify(part)}`;
      throw new AppNotFoundError(where);
    }
  }
  return { value, name: ref.name.join('.') };
}

/**
 * jiti's interop gives a module without a default export (or a CommonJS `module.exports = {...}`)
 * a `default` that is just the exports object again; it is not a default export.
 */
function isInteropEcho(ns: Record<string, unknown>, name: string): boolean {
  const value = ns[name];
  if (name !== 'default' || typeof value !== 'object' || value === null) return false;
  const others = Object.keys(ns).filter((k) => k !== 'default');
  return others.length > 0 && others.every((k) => (value as Record<string, unknown>)[k] === ns[k]);
}

function listExports(ns: Record<string, unknown>): string {
  const names = Object.keys(ns).filter((k) => !isInteropEcho(ns, k));
  return names.length === 0 ? 'it exports nothing' : `it exports: ${names.join(', ')}`;
}
