// jiti (TypeScript config files, apps, hooks, logger classes) costs ~16 MB of RSS and
// 100-300 ms to import; processes import it on first use, never at start-up.
import type { createJiti } from 'jiti';

let pending: Promise<typeof createJiti> | undefined;

export function loadJiti(): Promise<typeof createJiti> {
  pending ??= import('jiti').then((m) => m.createJiti);
  return pending;
}
