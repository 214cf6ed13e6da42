// The /healthz decision: healthy while at least `workers` workers accept requests and the
// arbiter is not shutting down. A tired worker still serves until its replacement is ready,
// so it counts; otherwise every max_requests replacement would flap the health check.
import type { PolicyState } from '../arbiter/policy/types.js';

export interface Health {
  readonly ok: boolean;
  readonly status: 'ok' | 'unavailable';
  /** Why it is unavailable; absent when ok. */
  readonly reason?: string;
  readonly serving: number;
  readonly required: number;
  readonly phase: PolicyState['phase'];
}

/** `shuttingDown` is set by the arbiter the moment it receives TERM/INT/QUIT, before the policy acts. */
export function health(state: PolicyState, shuttingDown: string | null): Health {
  const serving = state.workers.filter((w) => w.state === 'ready' || w.state === 'tired').length;
  const required = state.params.workers;
  const base = { serving, required, phase: state.phase };
  if (shuttingDown !== null) return { ...base, ok: false, status: 'unavailable', reason: `shutting down (${shuttingDown})` };
  if (state.phase !== 'running') return { ...base, ok: false, status: 'unavailable', reason: state.phase === 'idle' ? 'starting' : `shutting down (${state.phase})` };
  if (required === 0) return { ...base, ok: false, status: 'unavailable', reason: 'no workers configured (workers is 0)' };
  if (serving < required) return { ...base, ok: false, status: 'unavailable', reason: `${serving} of ${required} workers ready` };
  return { ...base, ok: true, status: 'ok' };
}
