// Who counts as capacity, who holds one of the `workers` slots, which tired worker is
// replaced next (first tired, first replaced), how many replacements the bound still allows,
// and which worker leaves first when there are too many. Pure queries over worker records.
import type { PolicyParams, PolicyState, WorkerRecord } from './types.js';

type Workers = readonly WorkerRecord[];

/** Accepting and not draining: the capacity the invariant protects. */
export function isCapacity(w: WorkerRecord): boolean {
  return w.state === 'warming' || w.state === 'ready' || w.state === 'tired';
}

export function capacity(workers: Workers): number {
  return workers.filter(isCapacity).length;
}

/**
 * The tired worker `r` was spawned to replace, while both are still around: `r` booting,
 * warming, or ready but waiting for the tired one to leave (see retireReplaced in reconcile).
 */
export function replacementTarget(workers: Workers, r: WorkerRecord): WorkerRecord | undefined {
  if (r.replacementFor === undefined || (r.state !== 'booting' && r.state !== 'warming' && r.state !== 'ready')) return undefined;
  return workers.find((t) => t.id === r.replacementFor && t.state === 'tired');
}

export function activeReplacementOf(workers: Workers, tired: WorkerRecord): WorkerRecord | undefined {
  return workers.find((r) => r.replacementFor === tired.id && replacementTarget(workers, r) === tired);
}

/** Replacements under way (not ready yet): the number max_restarting_workers bounds. */
export function underway(workers: Workers): number {
  return workers.filter((r) => r.state !== 'ready' && replacementTarget(workers, r) !== undefined).length;
}

/** Replacements of reload-tired workers under way: the number reloadParallelism bounds. */
function reloadsUnderway(workers: Workers): number {
  return workers.filter((r) => r.state !== 'ready' && replacementTarget(workers, r)?.tiredCause === 'reload').length;
}

/**
 * A slot holder fills one of the `workers` slots: every tired worker (until it leaves, its
 * replacement is extra), and every booting/warming/ready worker that is not an active
 * replacement. A replacement whose tired worker died takes over the slot.
 */
export function isSlotHolder(workers: Workers, w: WorkerRecord): boolean {
  if (w.state === 'tired') return true;
  if (w.state === 'draining' || w.state === 'killing') return false;
  return replacementTarget(workers, w) === undefined;
}

export function slotHolders(workers: Workers): WorkerRecord[] {
  return workers.filter((w) => isSlotHolder(workers, w));
}

/**
 * Whether a tired worker keeps serving until its replacement is ready: always after a
 * reload (HUP never lowers capacity), and for every cause with wait_for_new_workers.
 */
export function waitsForReplacement(params: PolicyParams, tired: WorkerRecord): boolean {
  return params.waitForNewWorkers || tired.tiredCause === 'reload';
}

/** Tired workers still waiting for a replacement, first tired first. */
export function replacementQueue(workers: Workers, params: PolicyParams): WorkerRecord[] {
  return workers
    .filter((t) => t.state === 'tired' && waitsForReplacement(params, t) && activeReplacementOf(workers, t) === undefined)
    .sort((a, b) => (a.tiredAt ?? 0) - (b.tiredAt ?? 0) || a.id - b.id);
}

export interface SpawnPlan {
  /** New workers to fill empty slots (start, TTIN, unplanned deaths). */
  readonly fresh: number;
  /** Tired workers to start a replacement for now, in order. */
  readonly replace: readonly WorkerRecord[];
}

/** What the policy would spawn right now if backoff allowed it. */
export function spawnPlan(state: PolicyState): SpawnPlan {
  if (state.phase !== 'running') return { fresh: 0, replace: [] };
  const { workers, params } = state;
  const fresh = Math.max(0, params.workers - slotHolders(workers).length);
  const queue = replacementQueue(workers, params);
  if (state.replacementsHeld) return { fresh, replace: [] };
  if (params.maxRestartingWorkers > 0) return { fresh, replace: queue.slice(0, Math.max(0, params.maxRestartingWorkers - underway(workers))) };
  if (params.reloadParallelism <= 0) return { fresh, replace: queue };
  // Without max_restarting_workers, only a reload's replacements are paced.
  let reloadRoom = params.reloadParallelism - reloadsUnderway(workers);
  return { fresh, replace: queue.filter((t) => t.tiredCause !== 'reload' || reloadRoom-- > 0) };
}

/**
 * When slot holders outnumber `workers` (TTOU, WINCH, a reload with fewer workers), those that
 * may be dismissed, best first: tired ones nobody is replacing yet, then booting ones (not
 * serving yet), then warming/ready, and last a tired one whose replacement would then leave
 * with it; oldest (generation, then spawn order) first within each group. Each needs a pid.
 */
export function excessCandidates(state: PolicyState): WorkerRecord[] {
  const { workers, params } = state;
  const holders = slotHolders(workers);
  if (holders.length <= params.workers) return [];
  const rank = (w: WorkerRecord): number => {
    if (w.state === 'tired') return activeReplacementOf(workers, w) ? 3 : 0;
    return w.state === 'booting' ? 1 : 2;
  };
  // A tired worker goes with its replacement, so that replacement must be signalable too.
  const actionable = (w: WorkerRecord): boolean =>
    w.pid !== null && !(w.state === 'tired' && activeReplacementOf(workers, w)?.pid === null);
  return holders
    .filter(actionable)
    .sort((a, b) => rank(a) - rank(b) || a.generation - b.generation || a.id - b.id);
}

/**
 * Workers that should answer with `Connection: close` right now. Keep-alive clients never
 * move by themselves, so while a worker warms up (it must serve warmup_requests before it
 * counts as ready) every other accepting worker sheds its connections: clients reconnect
 * through the shared socket and some land on the warming worker. Shedding only its own
 * predecessor is not enough: the connections can all settle on another old worker.
 */
export function sheddingPids(workers: Workers): ReadonlySet<number> {
  if (!workers.some((w) => w.state === 'warming')) return new Set();
  return new Set(workers.filter((w) => (w.state === 'ready' || w.state === 'tired') && w.pid !== null).map((w) => w.pid!));
}
