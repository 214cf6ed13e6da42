// Under `reload`, the files the app loaded: the keys Node's CommonJS cache gained while the
// app was loaded (jiti registers every module it evaluates there when its module cache is
// on). The arbiter watches exactly these, so a log file beside the app never counts.
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';

const requireHere = createRequire(import.meta.url);

function cachedFiles(): Set<string> {
  return new Set(Object.keys(requireHere.cache).filter((k) => isAbsolute(k)));
}

/** Call before loading the app; the function it returns lists what the load added. */
export function trackLoadedModules(): () => string[] {
  const before = cachedFiles();
  return () => [...cachedFiles()].filter((f) => !before.has(f));
}
