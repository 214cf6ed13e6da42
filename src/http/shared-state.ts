// Per-request and per-socket records that must survive a second copy of this code: apps are
// loaded through jiti without its module cache, so an app that imports clientAddress() from
// gunicorn-ts gets fresh module instances. The maps live on globalThis under a registered symbol.

/** The one WeakMap named `name` in this process, whichever copy of the module asks. */
export function sharedWeakMap<K extends object, V>(name: string): WeakMap<K, V> {
  const key = Symbol.for(`gunicorn-ts.http.${name}`);
  const found: unknown = Reflect.get(globalThis, key);
  // Only this function sets the key, always with the WeakMap<K, V> its callers name it for.
  if (found instanceof WeakMap) return found as WeakMap<K, V>;
  const map = new WeakMap<K, V>();
  Reflect.set(globalThis, key, map);
  return map;
}
