// Runs after every event and brings the workers in line with the phase and the params:
// old generations become tired, tired workers are retired or replaced (bounded, FIFO),
// excess workers leave, empty slots are filled, and a stopping arbiter halts once empty.
// A reload always replaces before it retires; wait_for_new_workers extends that to the
// other causes (max_requests, memory).
import { backoffMs } from './backoff.js';
import { boundReplacements } from './warmup.js';
import { type Draft, type DraftWorker, fieldsOf, kill, log, makeTired, markReady, retire, spawn } from './draft.js';
import { activeReplacementOf, capacity, excessCandidates, isCapacity, replacementTarget, spawnPlan, waitsForReplacement } from './replacement.js';

export function reconcile(d: Draft): void {
  switch (d.s.phase) {
    case 'running':
      readyWithoutWarmup(d);
      tireOldGenerations(d);
      retireUnwaited(d);
      retireReplaced(d);
      dismissExcess(d);
      spawnWanted(d);
      break;
    case 'stopping':
    case 'halting':
      retireAll(d);
      break;
    case 'quitting':
      quitAll(d);
      break;
    default:
      break;
  }
  haltWhenEmpty(d);
}

/**
 * Warm-up is how a replacement earns the right to send a tired worker away. A worker that
 * replaces nobody still serving (first generation, TTIN, a crash, a predecessor that died)
 * has nobody to wait for: it is ready once booted, so an idle new server is healthy and
 * warmup_timeout can never kill the only workers there are.
 */
function readyWithoutWarmup(d: Draft): void {
  for (const w of d.s.workers) if (w.state === 'warming' && replacementTarget(d.s.workers, w) === undefined) markReady(d, w);
}

/** After a reload every older worker must go: serving ones by the replacement rule, booting ones at once. */
function tireOldGenerations(d: Draft): void {
  for (const w of d.s.workers) {
    if (w.generation >= d.s.generation) continue;
    if (w.state === 'booting' && w.pid !== null) kill(d, w, 'SIGTERM', 'reload');
    else if (w.state === 'warming' || w.state === 'ready') makeTired(d, w, 'reload');
  }
}

/**
 * Without wait_for_new_workers a worker tired by max_requests or memory leaves at once
 * (Gunicorn's recycling). One tired by a reload never does: Gunicorn's HUP also starts the
 * new workers before it stops the old ones, so it always waits for its replacement.
 */
function retireUnwaited(d: Draft): void {
  for (const w of d.s.workers) if (w.state === 'tired' && !waitsForReplacement(d.s.params, w)) retire(d, w, 'tired');
}

/**
 * A waiting tired worker leaves once its replacement is ready, and only if the others still
 * make `workers` accepting workers without it (after a crash, it keeps serving until the
 * lost slot serves again).
 */
function retireReplaced(d: Draft): void {
  for (const t of d.s.workers) {
    if (t.state !== 'tired' || activeReplacementOf(d.s.workers, t)?.state !== 'ready') continue;
    if (capacity(d.s.workers) - 1 < d.s.params.workers) return;
    retire(d, t, 'replaced');
  }
}

function dismissExcess(d: Draft): void {
  for (;;) {
    const choice = excessCandidates(d.s)
      .map((victim) => ({ victim, replacement: victim.state === 'tired' ? activeReplacementOf(d.s.workers, victim) : undefined }))
      .find(({ victim, replacement }) => {
        // Never trade serving capacity below `workers` while another slot is still booting.
        const lost = [victim, replacement].filter((w) => w !== undefined && isCapacity(w)).length;
        return lost === 0 || capacity(d.s.workers) - lost >= d.s.params.workers;
      });
    if (!choice) return;
    retire(d, draftOf(d, choice.victim.id), 'excess');
    if (choice.replacement) retire(d, draftOf(d, choice.replacement.id), 'excess');
  }
}

/** The queries return records of the draft itself; this gives them back their mutable type. */
function draftOf(d: Draft, id: number): DraftWorker {
  const w = d.s.workers.find((x) => x.id === id);
  if (!w) throw new Error(`restart policy bug: no worker ${id}`);
  return w;
}

function spawnWanted(d: Draft): void {
  if (d.now < d.s.spawnBlockedUntil) return;
  const plan = spawnPlan(d.s);
  for (let i = 0; i < plan.fresh; i++) spawn(d, null);
  for (const tired of plan.replace) spawn(d, tired);
}

function retireAll(d: Draft): void {
  for (const w of d.s.workers) {
    if (w.state === 'booting' && w.pid !== null) kill(d, w, 'SIGTERM', 'stop');
    else if (w.state === 'warming' || w.state === 'ready' || w.state === 'tired') retire(d, w, 'stop');
  }
}

/** Quick stop: SIGQUIT to every worker not already being stopped harder. */
function quitAll(d: Draft): void {
  for (const w of d.s.workers) {
    if (w.pid === null) continue;
    if (w.state !== 'killing' || w.killSignal === 'SIGTERM') kill(d, w, 'SIGQUIT', 'quit');
  }
}

function haltWhenEmpty(d: Draft): void {
  const { s } = d;
  if ((s.phase !== 'stopping' && s.phase !== 'quitting' && s.phase !== 'halting') || s.workers.length > 0) return;
  const exit = s.exit ?? { code: 0, reason: 'stopped' };
  s.phase = 'halted';
  log(d, exit.code === 0 ? 'info' : 'error', 'shutting down', { code: exit.code, reason: exit.reason });
  d.out.push({ type: 'halt', code: exit.code, reason: exit.reason });
}

/** A worker died or was killed before it became ready: wait longer before each retry. */
export function countFailure(d: Draft, w: DraftWorker, why: string): void {
  const { s } = d;
  s.failures += 1;
  const delay = backoffMs(s.failures);
  s.spawnBlockedUntil = d.now + delay;
  log(d, s.failures >= 2 ? 'error' : 'warn', 'worker failed before ready', {
    ...fieldsOf(w), why, failures: s.failures, retryInMs: delay,
  });
  boundReplacements(d, w);
}
