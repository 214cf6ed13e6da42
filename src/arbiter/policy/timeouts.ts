// When each worker is overdue and what it gets then, plus nextDeadline(): the one time the
// shell must send the next `tick`. Like puma's ping_timeout, the limit depends on the state:
// boot limit, heartbeat, warmup limit, graceful drain, then SIGKILL after a signal is ignored.
import { spawnPlan } from './replacement.js';
import type { KillReason, KillSignal, PolicyParams, PolicyState, WorkerRecord } from './types.js';

/** How long a worker may ignore SIGABRT or SIGQUIT before SIGKILL. */
export const ESCALATION_GRACE_MS = 5000;

export interface Due {
  readonly at: number;
  readonly signal: KillSignal;
  readonly reason: KillReason;
}

const sec = (s: number): number => s * 1000;

function earliest(...dues: (Due | null)[]): Due | null {
  let best: Due | null = null;
  for (const d of dues) if (d && (!best || d.at < best.at)) best = d;
  return best;
}

function heartbeat(w: WorkerRecord, p: PolicyParams): Due | null {
  return p.timeout > 0 ? { at: w.lastBeat + sec(p.timeout), signal: 'SIGABRT', reason: 'timeout' } : null;
}

/** The grace after a signal: SIGTERM is a graceful stop, SIGABRT/SIGQUIT are quick ones. */
export function escalationGraceMs(signal: KillSignal, p: PolicyParams): number {
  return signal === 'SIGTERM' ? sec(p.gracefulTimeout) : ESCALATION_GRACE_MS;
}

/** The next limit this worker runs into, or null (no pid yet, limits off, already SIGKILLed). */
export function dueAction(w: WorkerRecord, p: PolicyParams): Due | null {
  if (w.pid === null) return null;
  switch (w.state) {
    case 'booting':
      return p.timeout > 0 ? { at: w.spawnedAt + sec(p.timeout), signal: 'SIGABRT', reason: 'boot-timeout' } : null;
    case 'warming': {
      const warmup: Due | null = p.warmupTimeout > 0 && w.bootedAt !== undefined
        ? { at: w.bootedAt + sec(p.warmupTimeout), signal: 'SIGABRT', reason: 'warmup-timeout' }
        : null;
      return earliest(heartbeat(w, p), warmup);
    }
    case 'ready':
    case 'tired':
      return heartbeat(w, p);
    case 'draining':
      return { at: (w.drainSentAt ?? w.lastBeat) + sec(p.gracefulTimeout), signal: 'SIGKILL', reason: 'graceful-timeout' };
    case 'killing':
      if (w.killSignal === 'SIGKILL' || w.killSignal === undefined) return null;
      return { at: (w.killSentAt ?? w.lastBeat) + escalationGraceMs(w.killSignal, p), signal: 'SIGKILL', reason: 'escalation' };
  }
}

/**
 * The earliest time at which a `tick` would change something: a worker limit, or the end of
 * a backoff while a spawn is wanted. null: nothing is pending, no timer needed. It may be
 * in the past (the shell then ticks at once).
 */
export function nextDeadline(state: PolicyState): number | null {
  if (state.phase === 'idle' || state.phase === 'halted') return null;
  let best: number | null = null;
  for (const w of state.workers) {
    const due = dueAction(w, state.params);
    if (due && (best === null || due.at < best)) best = due.at;
  }
  const plan = spawnPlan(state);
  if ((plan.fresh > 0 || plan.replace.length > 0) && (best === null || state.spawnBlockedUntil < best)) {
    best = state.spawnBlockedUntil;
  }
  return best;
}
