// Loads APP_MODULE into a Node request listener: parse the reference, find the module,
// import it (Node's loader for JavaScript, jiti for TypeScript), pick the export, call the
// factory if asked, and adapt the result. Used by the worker and by the arbiter
// (--check-config, preload); while it loads, the app's own listen() calls bind nothing.
import type { RequestListener } from 'node:http';
import { parseAppRef, type AppRef } from './app-ref.js';
import { AppBootError, AppNotFoundError, describeThrown } from './errors.js';
import { importAppModule } from './import-app-module.js';
import { guardListen, type CapturedListen } from './listen-guard.js';
import { resolveAppModule, type ResolveOptions } from './resolve-module.js';
import { appShape, toRequestListener } from './adapters/to-request-listener.js';

export interface LoadOptions extends ResolveOptions {
  /** Where a listen() the app calls is reported (the worker's log; stderr otherwise). */
  readonly warn?: (message: string) => void;
  /**
   * Keep listen() guarded after the load (the worker, where any port the app opens would be
   * unmanaged); the arbiter restores it, since it listens on ports of its own.
   */
  readonly keepListenGuard?: boolean;
  /**
   * Keep what jiti loads in Node's CommonJS cache. Off by default, so every load sees the files
   * as they are now; a worker under `reload` turns it on to report the files it loaded, which
   * is safe because each reload starts fresh worker processes.
   */
  readonly moduleCache?: boolean;
}

/** Export names tried, in order, when APP_MODULE has no `:NAME`. */
export const DEFAULT_EXPORTS = ['default', 'app', 'application'] as const;

export async function loadApp(appRef: string, opts: LoadOptions): Promise<RequestListener> {
  return (await loadAppParts(appRef, opts)).listener;
}

/** The request listener and the app value it was made from (the worker closes it and feeds upgrades to its server). */
export interface LoadedApp {
  readonly listener: RequestListener;
  readonly value: unknown;
}

export async function loadAppParts(appRef: string, opts: LoadOptions): Promise<LoadedApp> {
  const ref = parseAppRef(appRef);
  const guard = guardListen(opts.warn ?? ((message) => process.stderr.write(`${message}\n`)));
  try {
    const { value, description } = await loadAppValue(ref, opts, guard.captured);
    return { listener: await toRequestListener(value, description), value };
  } finally {
    if (opts.keepListenGuard !== true) guard.release();
  }
}

/** The value APP_MODULE designates (after the factory call), before adaptation. */
export async function loadAppValue(ref: AppRef, opts: LoadOptions, listened: readonly CapturedListen[] = []): Promise<{ value: unknown; description: string }> {
  const file = await resolveAppModule(ref.module, opts);
  const namespace = await importModule(file, ref, opts.moduleCache === true);
  const { value, name } = pickExport(namespace, ref, file, listened);
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

async function importModule(file: string, ref: AppRef, moduleCache: boolean): Promise<Record<string, unknown>> {
  try {
    const { exports } = await importAppModule(file, { moduleCache });
    return asExportsRecord(exports);
  } catch (err) {
    throw new AppBootError(`app module ${JSON.stringify(ref.module)} failed to load: ${describeThrown(err)}`, { cause: err });
  }
}

/**
 * A module namespace, or a CommonJS exports object, is a record of exports. Anything else is
 * `module.exports = value` itself (an app instance, a function): its own methods and keys
 * are not exports, so it is the default export.
 */
function asExportsRecord(exports: unknown): Record<string, unknown> {
  if ((typeof exports !== 'object' && typeof exports !== 'function') || exports === null) return { default: exports };
  const record = exports as Record<string | symbol, unknown>;
  if (record[Symbol.toStringTag] === 'Module' || record['__esModule'] === true) return exports as Record<string, unknown>;
  // A Fastify instance is a plain object too: what adapts as an app is the app.
  const proto: unknown = Object.getPrototypeOf(exports);
  const plain = typeof exports === 'object' && (proto === Object.prototype || proto === null);
  return plain && appShape(exports) === null ? (exports as Record<string, unknown>) : { default: exports };
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

function pickExport(ns: Record<string, unknown>, ref: AppRef, file: string, listened: readonly CapturedListen[]): { value: unknown; name: string } {
  if (ref.name === null) {
    const defined = DEFAULT_EXPORTS.filter((name) => ns[name] !== undefined && !isInteropEcho(ns, name) && !isNothingExported(ns, name));
    // An adaptable candidate wins over an earlier one that is not an app (a factory, a config object).
    const name = defined.find((n) => appShape(ns[n]) !== null) ?? defined[0];
    if (name !== undefined) return { value: ns[name], name };
    // A module that exports no app but started a server (`serve(app)` of @hono/node-server,
    // `app.listen(3000)`): that server's requests are served on the worker's sockets.
    const started = listened.filter((l) => l.server.listenerCount('request') > 0);
    if (started.length === 1) return { value: started[0]!.server, name: `<server started on ${started[0]!.target}>` };
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
 * Node's CommonJS interop gives `module.exports = {...}` a `default` that is just the exports
 * object again (named exports beside it); it is not a default export.
 */
function isInteropEcho(ns: Record<string, unknown>, name: string): boolean {
  const value = ns[name];
  if (name !== 'default' || typeof value !== 'object' || value === null) return false;
  const others = Object.keys(ns).filter((k) => k !== 'default');
  return others.length > 0 && others.every((k) => (value as Record<string, unknown>)[k] === ns[k]);
}

/** A CommonJS module that exported nothing still has `default`: its untouched `module.exports = {}`. */
function isNothingExported(ns: Record<string, unknown>, name: string): boolean {
  const value = ns[name];
  return name === 'default' && typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
    && Reflect.ownKeys(value).length === 0;
}

function listExports(ns: Record<string, unknown>): string {
  const names = Object.keys(ns).filter((k) => k !== '__esModule' && k !== 'module.exports' && !isInteropEcho(ns, k) && !isNothingExported(ns, k));
  return names.length === 0 ? 'it exports nothing' : `it exports: ${names.join(', ')}`;
}
