// `pythonpath` (comma-separated directories) as absolute module search paths. Shared by the
// arbiter (preflight, --check-config, preload) and the worker, which loads no other app/ code
// it does not need.
import { resolve } from 'node:path';

export function modulePaths(pythonpath: string | null, cwd: string): string[] {
  if (!pythonpath) return [];
  return pythonpath.split(',').map((p) => p.trim()).filter(Boolean).map((p) => resolve(cwd, p));
}
