// Per-request and per-socket records that must survive a second copy of this code: apps are
// loaded through jiti without its module cache, so an app that imports clientAddress() from
// gunicorn-ts gets fresh module instances. The maps live on globalThis under a registered symbol.

/** The one WeakMap named `name` in this process, whichever copy of the module asks. */
export function sharedWeakMap<K extends object, V>(name: string): WeakMap<K, V> {
  const key = Symbol.for(`gunicorn-ts.http.${name}`);
  const holder = globalThis as unknown as Record<symbol, WeakMap<K, V> | undefined>;
  return (holder[key] ??= new WeakMap<K, V>());
}
