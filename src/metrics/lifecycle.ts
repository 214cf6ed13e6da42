// Reads worker life events out of two successive policy states: boots, retirements with
// their cause, how long replacements took, pids assigned, workers gone. Pure. This is the
// one vocabulary of lifecycle metrics: Prometheus (registry.ts) and statsd (below) both
// report these changes, with the same causes and the same intervals.
import type { PolicyState, WorkerRecord } from '../arbiter/policy/types.js';
import type { Metrics } from '../log/metrics.js';

export const RETIREMENT_CAUSES = ['max_requests', 'memory', 'reload', 'timeout', 'crash', 'scale_down', 'shutdown'] as const;
export type RetirementCause = (typeof RETIREMENT_CAUSES)[number];

export interface LifecycleChanges {
  /** Workers that reported `booted` since the previous state. */
  readonly boots: number;
  /** One entry per worker that left. */
  readonly retirements: readonly RetirementCause[];
  /** Seconds from a worker becoming tired to its replacement becoming ready. */
  readonly replacementSeconds: readonly number[];
  /** Pids newly known, with the worker id they belong to. */
  readonly pids: ReadonlyArray<readonly [pid: number, id: number]>;
  /** Ids of workers that left. */
  readonly gone: readonly number[];
}

const TIRED_CAUSE = { 'max-requests': 'max_requests', memory: 'memory', reload: 'reload' } as const;

/** Why a worker that left did so, from the last record the policy kept of it. */
export function retirementCause(w: WorkerRecord, phase: PolicyState['phase']): RetirementCause {
  if (w.tiredCause !== undefined) return TIRED_CAUSE[w.tiredCause];
  switch (w.killReason) {
    case 'timeout': case 'boot-timeout': case 'warmup-timeout': return 'timeout';
    case 'reload': return 'reload';
    case 'excess': return 'scale_down';
    case 'stop': case 'quit': return 'shutdown';
    default: break;
  }
  const stopping = phase === 'stopping' || phase === 'quitting' || phase === 'halting' || phase === 'halted';
  if (w.drainSentAt !== undefined || w.killReason !== undefined) return stopping ? 'shutdown' : 'scale_down';
  // It left on its own: died, or exited without being asked.
  return stopping && w.bootFailure === undefined ? 'shutdown' : 'crash';
}

export function lifecycleChanges(prev: PolicyState, next: PolicyState): LifecycleChanges {
  const before = new Map(prev.workers.map((w) => [w.id, w]));
  const after = new Map(next.workers.map((w) => [w.id, w]));
  let boots = 0;
  const replacementSeconds: number[] = [];
  const pids: Array<readonly [number, number]> = [];
  for (const w of next.workers) {
    const old = before.get(w.id);
    if (w.bootedAt !== undefined && old?.bootedAt === undefined) boots++;
    if (w.pid !== null && old?.pid == null) pids.push([w.pid, w.id]);
    if (w.readyAt !== undefined && old?.readyAt === undefined && w.replacementFor !== undefined) {
      const replaced = after.get(w.replacementFor) ?? before.get(w.replacementFor);
      const from = replaced?.tiredAt ?? w.spawnedAt;
      replacementSeconds.push(Math.max(0, w.readyAt - from) / 1000);
    }
  }
  const left = prev.workers.filter((w) => !after.has(w.id));
  return {
    boots,
    retirements: left.map((w) => retirementCause(w, next.phase)),
    replacementSeconds,
    pids,
    gone: left.map((w) => w.id),
  };
}

/**
 * The same changes as statsd metrics: `workers.booted` (counter), `workers.retired.<cause>`
 * (counter, causes as in RETIREMENT_CAUSES) and `workers.replacement_duration` (timer, ms,
 * from the replaced worker becoming tired to its replacement being ready).
 */
export function sendLifecycleToStatsd(changes: LifecycleChanges, statsd: Pick<Metrics, 'increment' | 'timing'>): void {
  for (let i = 0; i < changes.boots; i++) statsd.increment('workers.booted');
  for (const cause of changes.retirements) statsd.increment(`workers.retired.${cause}`);
  for (const seconds of changes.replacementSeconds) statsd.timing('workers.replacement_duration', seconds * 1000);
}
