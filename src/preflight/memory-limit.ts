// max_worker_memory checked before anything starts: no worker can use less memory than a bare
// Node.js process, so a limit below that would recycle every worker as soon as it is measured.
// The floor is measured (a one-line Node process, run only for limits that could be that low).
import { spawnSync } from 'node:child_process';

/** A bare Node.js process stays far below this, so larger limits need no measurement. */
const MEASURE_BELOW_MB = 256;
const MIB = 1024 * 1024;

/** Resident MB of a bare Node.js process started with this environment, or null if it cannot be run. */
export function bareNodeMemoryMb(env: NodeJS.ProcessEnv): number | null {
  const run = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.memoryUsage.rss()))'], {
    env, encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'],
  });
  const bytes = Number(run.stdout);
  return run.status === 0 && Number.isFinite(bytes) && bytes > 0 ? Math.ceil(bytes / MIB) : null;
}

/**
 * The problem with a max_worker_memory no worker can stay under, or null. A limit above a bare
 * process but below the app's own footprint can only be seen once a worker boots: the arbiter
 * then says so once and stops recycling for memory (see the restart policy), instead of looping.
 */
export function memoryLimitProblem(limit: number, env: NodeJS.ProcessEnv): string | null {
  if (limit <= 0 || limit >= MEASURE_BELOW_MB) return null;
  const floor = bareNodeMemoryMb(env);
  if (floor === null || limit > floor) return null;
  return `${limit} MB is below what any worker uses: a bare Node.js process already takes ${floor} MB here, ` +
    "before the app loads; expected a limit above a freshly booted worker's memory (0 turns the limit off)";
}
