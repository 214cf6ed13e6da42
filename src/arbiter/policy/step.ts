// The restart policy's reducer: step(state, event, now) → { state, commands }. It copies the
// state, lets one handler (picked from a table by event type) update the copy, then runs
// reconcile(). Pure: no clock, no randomness outside the state, the input is never changed.
import { openDraft, type Draft } from './draft.js';
import {
  onDecreaseWorkers, onGracefulStop, onIncreaseWorkers, onQuickStop, onReload, onStart, onStopWorkers,
} from './operator-events.js';
import { reconcile } from './reconcile.js';
import { onBeat, onBooted, onBootFailed, onExited, onSpawned, onSpawnFailed, onTick, onTired, onWarmed } from './worker-events.js';
import type { PolicyEvent, PolicyParams, PolicyState, StepResult } from './types.js';

type Handlers = { readonly [K in PolicyEvent['type']]: (d: Draft, e: Extract<PolicyEvent, { type: K }>) => void };

const HANDLERS: Handlers = {
  start: onStart,
  spawned: onSpawned,
  'spawn-failed': onSpawnFailed,
  booted: onBooted,
  warmed: onWarmed,
  beat: onBeat,
  tired: onTired,
  'boot-failed': onBootFailed,
  exited: onExited,
  tick: onTick,
  reload: onReload,
  'increase-workers': onIncreaseWorkers,
  'decrease-workers': onDecreaseWorkers,
  'stop-workers': onStopWorkers,
  'graceful-stop': onGracefulStop,
  'quick-stop': onQuickStop,
};

/** The state before `start`. `seed` feeds the max_requests jitter (any integer; pass a random one). */
export function initialState(params: PolicyParams, seed = 1): PolicyState {
  if (!Number.isInteger(params.workers) || params.workers < 0) {
    throw new RangeError(`workers must be an integer >= 0, got ${params.workers}`);
  }
  return {
    phase: 'idle', params, generation: 0, workers: [], nextId: 1, everBooted: false,
    failures: 0, spawnBlockedUntil: 0, rng: seed | 0, exit: null, memoryLimitSuspended: false,
    requestsSeen: 0, replacementsHeld: false, bootReport: null,
    counts: { spawned: 0, died: 0, reloads: 0 },
  };
}

export function step(state: PolicyState, event: PolicyEvent, now: number): StepResult {
  if (state.phase === 'halted') return { state, commands: [] };
  const d = openDraft(state, now);
  (HANDLERS[event.type] as (d: Draft, e: PolicyEvent) => void)(d, event);
  reconcile(d);
  return { state: d.s, commands: d.out };
}
