// Sends the periodic `beat` message from a plain timer on the worker's event loop, so a
// loop blocked by the app stops the beats and the arbiter's `timeout` check notices. With
// max_worker_memory it also reads its own memory twice a second and beats at once when over.
import type { FromWorker } from '../ipc/messages.js';

/** How often a worker with max_worker_memory reads its own resident size (a cheap /proc read). */
export const MEMORY_CHECK_MS = 500;

/** timeout/4 seconds, kept between 1 s and 5 s, in milliseconds. */
export function beatInterval(timeoutSeconds: number): number {
  const quarter = (timeoutSeconds * 1000) / 4;
  return Math.min(5000, Math.max(1000, Number.isFinite(quarter) && quarter > 0 ? quarter : 5000));
}

export function startHeartbeat(
  intervalMs: number,
  counts: () => { requests: number; inFlight: number },
  send: (msg: FromWorker) => void,
  memoryLimitBytes = 0,
): () => void {
  const beat = (rss = process.memoryUsage.rss()): void => send({ type: 'beat', ...counts(), rss });
  beat();
  const timer = setInterval(beat, intervalMs);
  // A leak must be seen within about a second of crossing the limit, not at the next beat
  // (timeout/4, up to 5 s); the arbiter measures again from /proc before it acts.
  const memory = memoryLimitBytes > 0
    ? setInterval(() => {
      const rss = process.memoryUsage.rss();
      if (rss > memoryLimitBytes) beat(rss);
    }, MEMORY_CHECK_MS)
    : undefined;
  // The beat must never be what keeps a draining worker alive.
  timer.unref();
  memory?.unref();
  return () => {
    clearInterval(timer);
    clearInterval(memory);
  };
}
