// The one place our bundles import an ES module at run time (the app, a config file, an
// embedded script): Node's own `import()`, from a module Node's loader compiled. The bundles
// are compiled through a V8 code cache (requireBundle() in compile-cache.cts), and a function
// compiled from a cache has no dynamic-import callback on Node 20 ("A dynamic import callback
// was not specified"); the vm option that supplies one prints an experimental warning.
// CommonJS, outside the bundles (scripts/bundle.ts keeps it external and fails the build on any
// other `import()` in a CommonJS bundle); TypeScript keeps `import()` as it is in a .cts file.

/** `import(specifier)`, resolved as from this file: pass file URLs or package names. */
export function importNative(specifier: string): Promise<unknown> {
  return import(specifier);
}
