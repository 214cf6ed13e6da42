// Handlers for what the operator asks through signals: start, HUP reload, TTIN/TTOU, WINCH,
// TERM and INT/QUIT. They change the phase, the generation or the target `workers`;
// reconcile() then does the spawning, retiring and halting.
import { type Draft, log, setWorkers } from './draft.js';
import type { PolicyEvent } from './types.js';

type Ev<T extends PolicyEvent['type']> = Extract<PolicyEvent, { type: T }>;

export function onStart(d: Draft): void {
  if (d.s.phase !== 'idle') return;
  d.s.phase = 'running';
  log(d, 'info', 'starting workers', { workers: d.s.params.workers, gen: d.s.generation });
}

/** HUP: a new generation. The old workers turn tired and leave by the replacement rule. */
export function onReload(d: Draft, e: Ev<'reload'>): void {
  if (d.s.phase !== 'running') {
    log(d, 'warn', 'ignoring reload while not running', { phase: d.s.phase });
    return;
  }
  const params = e.params ?? d.s.params;
  setWorkers(d, params, params.workers);
  d.s.generation += 1;
  d.s.counts = { ...d.s.counts, reloads: d.s.counts.reloads + 1 };
  // New code may fix what made the previous workers fail: retry at once.
  d.s.failures = 0;
  d.s.replacementsHeld = false;
  if (e.params !== undefined) d.s.memoryLimitSuspended = false;
  d.s.spawnBlockedUntil = 0;
  log(d, 'info', 'reloading', { gen: d.s.generation, workers: params.workers });
}

export function onIncreaseWorkers(d: Draft): void {
  if (d.s.phase === 'running') setWorkers(d, d.s.params, d.s.params.workers + 1);
}

/** TTOU never goes below one worker (Gunicorn); WINCH is the way to zero. */
export function onDecreaseWorkers(d: Draft): void {
  if (d.s.phase !== 'running') return;
  if (d.s.params.workers <= 1) {
    log(d, 'info', 'ignoring decrease: already at one worker or fewer', { workers: d.s.params.workers });
    return;
  }
  setWorkers(d, d.s.params, d.s.params.workers - 1);
}

export function onStopWorkers(d: Draft): void {
  if (d.s.phase === 'running') setWorkers(d, d.s.params, 0);
}

export function onGracefulStop(d: Draft): void {
  const { s } = d;
  if (s.phase === 'idle') s.phase = 'stopping';
  if (s.phase !== 'running' && s.phase !== 'halting' && s.phase !== 'stopping') return;
  s.phase = 'stopping';
  s.exit ??= { code: 0, reason: 'graceful stop' };
}

export function onQuickStop(d: Draft): void {
  const { s } = d;
  if (s.phase === 'halted') return;
  s.phase = 'quitting';
  s.exit ??= { code: 0, reason: 'quick stop' };
}
