// What the policy state says right now, as gauge values: workers by state and, per worker
// with a pid, its served requests and resident memory. Pure.
import type { PolicyState, WorkerState } from '../arbiter/policy/types.js';

export const WORKER_STATES: readonly WorkerState[] = ['booting', 'warming', 'ready', 'tired', 'draining', 'killing'];

export interface WorkerSample {
  readonly pid: number;
  readonly generation: number;
  readonly requests: number;
  /** Bytes; undefined until the first beat. */
  readonly rss: number | undefined;
}

/** Every state, 0 included, so a dashboard sees a series drop to 0 rather than vanish. */
export function workersByState(state: PolicyState): Record<WorkerState, number> {
  const counts = Object.fromEntries(WORKER_STATES.map((s) => [s, 0])) as Record<WorkerState, number>;
  for (const w of state.workers) counts[w.state]++;
  return counts;
}

export function workerSamples(state: PolicyState): WorkerSample[] {
  return state.workers
    .filter((w): w is typeof w & { pid: number } => w.pid !== null)
    .map((w) => ({ pid: w.pid, generation: w.generation, requests: w.requests, rss: w.rss }));
}
