// The end of a replacement's warm-up window, and the bound on failed replacements: the two
// rules that keep warm-up from ever cycling. An idle server gives a warming worker nothing to
// warm on, so the window's end makes it ready; a busy one that still did not warm it fails.
import { type Draft, type DraftWorker, fieldsOf, kill, log, markReady } from './draft.js';
import type { WorkerRecord } from './types.js';

/** Replacements of serving workers that may fail in a row before the arbiter stops starting them. */
export const REPLACEMENT_ATTEMPTS = 5;

/**
 * warmup_timeout has passed for warming worker `w`. Request counts come from the workers'
 * beats (every timeout/4 s, 1 to 5 s), so requests in the window's last beat interval may go
 * unseen: the rule then errs toward ready, the behaviour of warmup_requests 0.
 * Returns whether `w` failed (it was killed).
 */
export function warmupWindowEnded(d: Draft, w: DraftWorker): boolean {
  const served = d.s.requestsSeen - (w.warmupBaseline ?? d.s.requestsSeen);
  if (served === 0) {
    log(d, 'info', 'worker ready: the server got no requests during its warm-up window, nothing to warm on', {
      ...fieldsOf(w), warmupTimeout: d.s.params.warmupTimeout,
    });
    markReady(d, w);
    return false;
  }
  log(d, 'error', 'worker warmup timeout', { ...fieldsOf(w), signal: 'SIGABRT', served });
  kill(d, w, 'SIGABRT', 'warmup-timeout');
  return true;
}

/** Was `w` started to replace a worker that is still serving (tired, waiting for it)? */
export function replacesServingWorker(d: Draft, w: WorkerRecord): boolean {
  return w.replacementFor !== undefined && d.s.workers.some((t) => t.id === w.replacementFor && t.state === 'tired');
}

/**
 * After a failed replacement (counted in `failures`): once REPLACEMENT_ATTEMPTS have failed in
 * a row, start no more. The workers they were to replace keep serving; a reload tries again.
 */
export function boundReplacements(d: Draft, w: WorkerRecord): void {
  const { s } = d;
  if (s.replacementsHeld || s.failures < REPLACEMENT_ATTEMPTS || !replacesServingWorker(d, w)) return;
  s.replacementsHeld = true;
  log(d, 'error', `${s.failures} replacement workers in a row failed before they were ready: no more are started; ` +
    'the workers they were to replace keep serving until the next reload', { failures: s.failures });
}
