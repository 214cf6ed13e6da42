// jiti (TypeScript config files, apps, hooks, logger classes) costs ~16 MB of RSS and
// 100-300 ms to import; processes import it on first use, never at start-up. Its CommonJS
// entry is required: importing the ESM entry makes Node scan jiti's 190 KB CommonJS bundle for
// export names (cjs-module-lexer), ~40 ms more per process.
import { createRequire } from 'node:module';
import type { createJiti } from 'jiti';

let pending: Promise<typeof createJiti> | undefined;

export function loadJiti(): Promise<typeof createJiti> {
  pending ??= Promise.resolve().then(() => (createRequire(import.meta.url)('jiti') as { createJiti: typeof createJiti }).createJiti);
  return pending;
}
